/**
 * Reconcile never backs up a canary of `verify` (an object under CANARY_PREFIX carrying the canary
 * metadata): a canary reconcile backed up would make `verify` pass with the trigger broken. An object in
 * the canary prefix without the metadata is user data, and reconcile backs it up like any other.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CANARY_METADATA_KEY } from '../../../src/backup/select.js';
import { startFunctionWorld, type FunctionWorld } from '../../../harness/function-world.js';

let fx: FunctionWorld;
before(async () => {
  fx = await startFunctionWorld({ targets: ['http', 'event'] });
});
after(async () => {
  await fx?.stop();
});

test('reconcile leaves a canary, and backs up an unmarked object beside it', async () => {
  const bucket = fx.storage.bucket(fx.sourceBucket);
  const prefix = '.gcs-drive-backup-canary/';
  await bucket.file(`${prefix}canary.txt`).save('canary', { resumable: false, metadata: { metadata: { [CANARY_METADATA_KEY]: 'run-1' } } });
  await bucket.file(`${prefix}mine.txt`).save('user data', { resumable: false });

  const res = await fx.post('/reconcile', { prefix });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual([res.body.scanned, res.body.uploaded, res.body.skipped], [2, 1, 1], JSON.stringify(res.body));
  const backedUp = fx.emulators.drive
    .listAll()
    .filter((f) => f.appProperties['gdb.object']?.startsWith(prefix))
    .map((f) => f.appProperties['gdb.object']);
  assert.deepEqual(backedUp, [`${prefix}mine.txt`]);
});
