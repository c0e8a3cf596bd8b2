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

describe('bad command lines exit 2 with the reason', () => {
  const rows: [argv: string[], message: RegExp][] = [
    [['backup'], /expected one gs:\/\/BUCKET\/NAME/],
    [['backup', 'gs://source-bucket'], /name must not be empty/],
    [['backup', 'source-bucket/x'], /expected gs:\/\/BUCKET\/NAME/],
    [['backup', 'gs://source-bucket/a/../b'], /path segments/],
    [['backup', 'gs://source-bucket/x', '--generation', 'abc'], /--generation must be a positive integer/],
    [['backup', 'gs://source-bucket/x', '--generation'], /--generation needs a value/],
    [['backup', 'gs://source-bucket/x', '--nope'], /unknown option --nope/],
  ];
  for (const [argv, message] of rows) {
    test(argv.join(' '), async () => {
      const io = recordingIO(argv, world.env);
      assert.equal(await runCli(io), 2);
      assert.match(io.err.join(''), message);
    });
  }
});
