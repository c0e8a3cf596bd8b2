/**
 * Reconcile leaves Drive complete: a backup the user deleted or trashed in Drive is uploaded again, even
 * though the state record says the object was backed up. (A small upload keeps its claim's lease until
 * the lease runs out — it saves a request per object — so the test uses a short lease and waits it out.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { md5Hex, testBytes, worldForFile } from '../../support/world.js';

const fx = worldForFile({ targets: ['http', 'event'], env: { LEASE_SEC: '2' } });

test('deleted and trashed backups are restored by reconcile; intact ones are left alone', async () => {
  const world = fx();
  const bucket = world.storage.bucket(world.sourceBucket);
  const names = ['restore/deleted.txt', 'restore/trashed.txt', 'restore/intact.txt'];
  const contents = new Map(names.map((n) => [n, testBytes(3000, n)]));
  for (const [name, content] of contents) {
    await bucket.file(name).save(content, { resumable: false });
    const [meta] = await bucket.file(name).getMetadata();
    assert.equal(await world.sendFinalized(meta as { bucket: string; name: string }, `e-${name}`), 204);
  }
  const live = () => world.emulators.drive.listAll().filter((f) => f.appProperties['gdb.object']?.startsWith('restore/') && !f.trashed);
  assert.equal(live().length, 3);
  const byName = new Map(live().map((f) => [f.appProperties['gdb.object'], f]));
  await world.drive.files.delete({ fileId: byName.get('restore/deleted.txt')!.id });
  await world.drive.files.update({ fileId: byName.get('restore/trashed.txt')!.id, requestBody: { trashed: true } });
  const intactId = byName.get('restore/intact.txt')!.id;
  await new Promise((r) => setTimeout(r, 2_100));

  const res = await world.post('/reconcile', { prefix: 'restore/' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal((res.body as { uploaded: number }).uploaded, 2, JSON.stringify(res.body));

  const after = live();
  assert.equal(after.length, 3, 'one live file per object');
  for (const f of after) assert.equal(f.md5Checksum, md5Hex(contents.get(f.appProperties['gdb.object'])!));
  assert.ok(
    after.some((f) => f.id === intactId),
    'the intact backup is the same file',
  );

  const again = await world.post('/reconcile', { prefix: 'restore/' });
  assert.equal((again.body as { uploaded: number }).uploaded, 0, 'nothing left to do');
});
