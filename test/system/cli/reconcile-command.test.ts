/**
 * `gcs-drive-backup reconcile` in-process against the emulators: a dry run plans without writing, a real
 * run backs up and shows progress on a terminal only, and a failure makes the exit code 1.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { reconcileCommand } from '../../../src/cli/reconcile-command.js';
import { runCli } from '../../../src/cli/main.js';
import { createWorld, type World } from '../../support/world.js';
import { recordingIO } from './support.js';

let world: World;
before(async () => {
  world = await createWorld();
  const bucket = world.storage.bucket(world.sourceBucket);
  for (const name of ['rc/a.txt', 'rc/sub/b.txt', 'rc/sub/c.txt', 'other/x.txt'])
    await bucket.file(name).save(`content ${name}`, { resumable: false });
});
after(async () => {
  await world?.stop();
});

test('--dry-run reports the plan and writes nothing', async () => {
  world.emulators.hub.resetCounters();
  const io = recordingIO(['gs://source-bucket/rc/', '--dry-run'], world.env);
  assert.equal(await reconcileCommand(io), 0, io.err.join(''));
  const out = io.out.join('');
  assert.match(out, /^dry run: gs:\/\/source-bucket\/rc\/: 3 scanned, 0 uploaded, 0 revised, 0 skipped, 0 failed/);
  assert.match(
    out,
    /would upload 3 and revise 0 object\(s\)\n {2}upload rc\/a\.txt\n {2}upload rc\/sub\/b\.txt\n {2}upload rc\/sub\/c\.txt\n/,
  );
  assert.equal(world.emulators.hub.total('drive.upload.'), 0);
  assert.equal(world.emulators.hub.total('drive.files.create'), 0);
  assert.equal(world.emulators.hub.total('gcs.upload.'), 0, 'no state written');
});

test('a real run backs up, with progress on a terminal and a summary', async () => {
  const io = recordingIO(['gs://source-bucket/rc', '--max-seconds', '60'], world.env, true);
  assert.equal(await reconcileCommand(io), 0, io.err.join(''));
  const out = io.out.join('');
  assert.match(out, /\r\d+ scanned, \d+ backed up, 0 failed, .* objects\/s/);
  assert.match(out, /\ngs:\/\/source-bucket\/rc: 3 scanned, 3 uploaded, 0 revised, 0 skipped, 0 failed/);
  const backedUp = world.emulators.drive.listAll().filter((f) => f.appProperties['gdb.object']?.startsWith('rc/'));
  assert.equal(backedUp.length, 3);
});

test('no progress lines when stdout is not a terminal', async () => {
  const io = recordingIO(['gs://source-bucket/rc'], world.env, false);
  assert.equal(await reconcileCommand(io), 0);
  assert.doesNotMatch(io.out.join(''), /\r/);
  assert.match(io.out.join(''), /3 scanned, 0 uploaded, 0 revised, 3 skipped, 0 failed/);
});

test('a failed object makes the exit code 1 and is listed', async () => {
  await world.storage.bucket(world.sourceBucket).file('other/y.txt').save('y', { resumable: false });
  world.emulators.hub.faults.add({
    route: 'drive.upload.*',
    times: 0,
    action: { kind: 'status', status: 403, body: { error: { code: 403, message: 'full', errors: [{ reason: 'storageQuotaExceeded' }] } } },
  });
  try {
    const io = recordingIO(['gs://source-bucket/other/'], world.env);
    assert.equal(await reconcileCommand(io), 1);
    assert.match(io.out.join(''), /2 failed/);
    assert.match(
      io.out.join(''),
      /failed other\/x\.txt#\d+: Drive replied 403 storageQuotaExceeded \(action: Drive storage of the authorized user is full/,
    );
  } finally {
    world.emulators.hub.faults.clear();
  }
});

test('an unknown bucket exits 1; a bad --max-seconds exits 2', async () => {
  const { SOURCE_BUCKET: _source, ...unset } = world.env; // without SOURCE_BUCKET the named bucket is the source
  const missing = recordingIO(['gs://no-such-bucket'], unset);
  assert.equal(await reconcileCommand(missing), 1);
  assert.equal(missing.err.join(''), 'bucket no-such-bucket not found\n');
  const bad = recordingIO(['reconcile', 'gs://source-bucket', '--max-seconds', '0'], world.env);
  assert.equal(await runCli(bad), 2);
  assert.match(bad.err.join(''), /--max-seconds must be a number above 0/);
});

test('another bucket, or the state bucket, is a usage error', async () => {
  for (const [url, message] of [
    ['gs://other-bucket/', /bucket "other-bucket" is not backed up by this deployment/],
    ['gs://state-bucket', /bucket "state-bucket" is the state bucket/],
  ] as const) {
    const io = recordingIO(['reconcile', url], world.env);
    assert.equal(await runCli(io), 2, io.err.join(''));
    assert.match(io.err.join(''), message);
  }
});
