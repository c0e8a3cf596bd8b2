/**
 * `gcs-drive-backup backup` in-process against the emulators: backs up one object, finds it done the
 * second time, reports a missing object, takes config from flags, and rejects bad command lines (exit 2).
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { backupCommand } from '../../../src/cli/backup-command.js';
import { runCli } from '../../../src/cli/main.js';
import { createWorld, md5Hex, testBytes, type World } from '../../support/world.js';
import { recordingIO } from './support.js';

let world: World;
before(async () => {
  world = await createWorld();
});
after(async () => {
  await world?.stop();
});

test('backs up gs://bucket/name, then reports it as already done', async () => {
  const content = testBytes(5000, 'cli');
  await world.storage.bucket(world.sourceBucket).file('cli/a.bin').save(content, { resumable: false });
  const io = recordingIO(['gs://source-bucket/cli/a.bin'], world.env);
  assert.equal(await backupCommand(io), 0, io.err.join(''));
  const match = /^uploaded gs:\/\/source-bucket\/cli\/a\.bin#(\d+) → Drive file (\S+) \(5000 bytes\)\n$/.exec(io.out.join(''));
  assert.ok(match, io.out.join(''));
  const file = world.emulators.drive.listAll().find((f) => f.id === match[2]);
  assert.equal(file?.md5Checksum, md5Hex(content));

  const again = recordingIO(['gs://source-bucket/cli/a.bin', '--generation', match[1]], world.env);
  assert.equal(await backupCommand(again), 0);
  assert.match(again.out.join(''), /^skipped gs:\/\/source-bucket\/cli\/a\.bin#\d+ → Drive file \S+ \(duplicate\)\n$/);
});

test('configuration can come from flags instead of the environment', async () => {
  await world.storage.bucket(world.sourceBucket).file('cli/flags.txt').save('flags', { resumable: false });
  const { DRIVE_FOLDER_ID: folder, STATE_BUCKET: state, ...env } = world.env;
  const io = recordingIO(['gs://source-bucket/cli/flags.txt', `--drive-folder-id=${folder}`, '--state-bucket', state], env);
  assert.equal(await backupCommand(io), 0, io.err.join(''));
  assert.match(io.out.join(''), /^uploaded /);
});

test('a missing object exits 1 with a message', async () => {
  const io = recordingIO(['gs://source-bucket/cli/none.txt'], world.env);
  assert.equal(await backupCommand(io), 1);
  assert.equal(io.err.join(''), 'gs://source-bucket/cli/none.txt not found\n');
});

test('without SOURCE_BUCKET, the named bucket is the source: a --state-bucket equal to it is refused, nothing written', async () => {
  const { SOURCE_BUCKET: _source, ...env } = world.env;
  world.emulators.hub.resetCounters();
  const io = recordingIO(['backup', 'gs://source-bucket/cli/a.bin', '--state-bucket', 'source-bucket'], env);
  assert.equal(await runCli(io), 2);
  assert.match(io.err.join(''), /bucket "source-bucket" is the state bucket \(STATE_BUCKET\)/);
  assert.equal(world.emulators.hub.total('gcs.upload.'), 0, 'no state record written into the watched bucket');

  await world.storage.bucket(world.sourceBucket).file('cli/unset.txt').save('unset', { resumable: false });
  const named = recordingIO(['gs://source-bucket/cli/unset.txt'], env);
  assert.equal(await backupCommand(named), 0, named.err.join(''));
});

describe('bad command lines exit 2 with the reason', () => {
  const rows: [argv: string[], message: RegExp][] = [
    [['backup'], /expected one gs:\/\/BUCKET\/NAME/],
    [['backup', 'gs://source-bucket'], /name must not be empty/],
    [['backup', 'source-bucket/x'], /expected gs:\/\/BUCKET\/NAME/],
    [['backup', 'gs://source-bucket/a/../b'], /path segments/],
    [['backup', 'gs://source-bucket/x', '--generation', 'abc'], /--generation must be a positive integer/],
    [['backup', 'gs://source-bucket/x', '--generation'], /--generation needs a value/],
    [['backup', 'gs://source-bucket/x', '--nope'], /unknown option --nope/],
    [
      ['backup', 'gs://other-bucket/x'],
      /gs:\/\/other-bucket: bucket "other-bucket" is not backed up by this deployment, which backs up SOURCE_BUCKET \("source-bucket"\) only; give --source-bucket other-bucket/,
    ],
    [
      ['backup', 'gs://state-bucket/gcs-drive-backup/x'],
      /gs:\/\/state-bucket: bucket "state-bucket" is the state bucket \(STATE_BUCKET\), which is never backed up\n/,
    ],
    [['backup', 'gs://state-bucket/x', '--source-bucket', 'state-bucket'], /is the state bucket/],
  ];
  for (const [argv, message] of rows) {
    test(argv.join(' '), async () => {
      const io = recordingIO(argv, world.env);
      assert.equal(await runCli(io), 2);
      assert.match(io.err.join(''), message);
    });
  }
});
