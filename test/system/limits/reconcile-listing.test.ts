/**
 * Reconcile's Drive listing must be complete: a `corpora=allDrives` search may answer `incompleteSearch:
 * true` and leave shared drives out (the emulator does, by default). Reconcile asks one corpus instead —
 * `drive` with the shared drive's id when the backup root is in one, `user` otherwise — so backups in a
 * shared drive are found with one listing page and no per-object request; and an incomplete answer anyway
 * is retried, never acted on.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/main.js';
import { recordingIO } from '../cli/support.js';
import { LimitsHarness } from './support.js';

let h: LimitsHarness;
let team: string;
let env: Record<string, string>;

before(async () => {
  h = await LimitsHarness.start();
  assert.equal(h.world.emulators.hub.limits.get().drive.incompleteSearch, 'allDrives', "the emulator's default: allDrives is incomplete");
  team = h.world.emulators.drive.createSharedDrive('Team backups', 'user@example.com');
  env = { ...h.world.env, DRIVE_FOLDER_ID: team };
});
after(() => h?.stop());

test('backups in a shared drive are all found: a run uploads nothing and asks Drive nothing per object', async () => {
  const url = await h.instance({ DRIVE_FOLDER_ID: team });
  const objects = [1, 2, 3].map((i) => ({ name: `shared/o${i}.txt`, content: `shared ${i}` }));
  for (const o of objects) assert.deepEqual(await h.deliver(url, await h.write(o.name, o.content)), [204]);
  h.assertEachOnce(objects);

  const { hub } = h.world.emulators;
  hub.resetCounters();
  const io = recordingIO(['reconcile', 'gs://source-bucket/shared/'], env);
  assert.equal(await runCli(io), 0, io.err.join(''));
  assert.match(io.out.join(''), /^gs:\/\/source-bucket\/shared\/: 3 scanned, 0 uploaded, 0 revised, 3 skipped, 0 failed/);
  const counters = hub.counters();
  assert.equal(counters['drive.files.list'], 1, 'one listing page');
  assert.equal(counters['drive.files.get'], 1, 'one look at where the backup root lives, none per object');
  assert.equal(hub.total('drive.upload'), 0);
});

test('an incomplete listing is retried and never acted on: the run stops, nothing is uploaded', async () => {
  const { hub } = h.world.emulators;
  await h.write('shared/new.txt', 'not backed up yet');
  hub.resetCounters();
  const incomplete = hub.faults.add({
    service: 'drive',
    route: 'drive.files.list',
    times: 0,
    action: { kind: 'status', status: 200, body: { kind: 'drive#fileList', incompleteSearch: true, files: [] } },
  });
  try {
    const io = recordingIO(['reconcile', 'gs://source-bucket/shared/'], env);
    assert.equal(await runCli(io), 1);
    assert.match(io.err.join(''), /incompleteSearch/);
    assert.ok((hub.counters()['drive.files.list'] ?? 0) > 1, 'the listing was asked again');
    assert.equal(hub.total('drive.upload'), 0, 'nothing uploaded on an incomplete listing');
  } finally {
    hub.faults.remove(incomplete);
  }

  const io = recordingIO(['reconcile', 'gs://source-bucket/shared/'], env);
  assert.equal(await runCli(io), 0, io.err.join(''));
  assert.match(io.out.join(''), /4 scanned, 1 uploaded, 0 revised, 3 skipped, 0 failed/);
});
