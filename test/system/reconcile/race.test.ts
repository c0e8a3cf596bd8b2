/**
 * Reconcile racing the event path: while `POST /reconcile` catches up on objects, every one of them is
 * also delivered three times as a finalized CloudEvent (duplicates share an id, as Eventarc's do), all at
 * once. Events answered with an error are redelivered until acknowledged, as Eventarc would. The end state
 * is exactly one Drive file per object, byte-exact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { md5Hex, testBytes, worldForFile } from '../../support/world.js';

const fx = worldForFile({ targets: ['http', 'event'], env: { RECONCILE_PARALLELISM: '8' } });

test('reconcile and 3x duplicated events on the same objects leave exactly one file per object', async () => {
  const world = fx();
  const bucket = world.storage.bucket(world.sourceBucket);
  const contents = new Map<string, Buffer>();
  for (let i = 0; i < 60; i++) contents.set(`race/r${i % 4}/o${i}.bin`, testBytes(100 + i * 7, `race${i}`));
  const resources = await Promise.all(
    [...contents].map(async ([name, content]) => {
      await bucket.file(name).save(content, { resumable: false });
      const [meta] = await bucket.file(name).getMetadata();
      return meta as { bucket: string; name: string };
    }),
  );

  const deliverUntilAcknowledged = async (resource: { bucket: string; name: string }, id: string): Promise<number> => {
    // Redelivered as Eventarc would, until acknowledged: bounded by progress (the delivery holding the
    // claim finishes), not by a count of attempts that a slow machine could use up.
    for (let attempt = 1; ; attempt++) {
      const status = await world.sendFinalized(resource, id);
      if (status < 300) return attempt;
      await sleep(200);
    }
  };
  const events = resources.flatMap((resource) => {
    const id = randomUUID();
    return [0, 1, 2].map(() => deliverUntilAcknowledged(resource, id));
  });
  const [reconcile] = await Promise.all([world.post('/reconcile', { prefix: 'race/' }), ...events]);

  assert.equal(reconcile.status, 200, JSON.stringify(reconcile.body));
  const body = reconcile.body as { scanned: number; uploaded: number; skipped: number; failed: number; failures: { retry: boolean }[] };
  assert.equal(body.scanned, 60);
  assert.equal(body.uploaded + body.skipped + body.failed, 60);
  assert.ok(
    body.failures.every((f) => f.retry),
    'only retryable failures (busy claims) are possible',
  );

  const files = world.emulators.drive.listAll().filter((f) => f.appProperties['gdb.object']?.startsWith('race/') && !f.trashed);
  const perKey = new Map<string, number>();
  for (const f of files) perKey.set(f.appProperties['gdb.key'], (perKey.get(f.appProperties['gdb.key']) ?? 0) + 1);
  assert.equal(perKey.size, 60);
  assert.deepEqual([...new Set(perKey.values())], [1], 'exactly one Drive file per object');
  for (const f of files) assert.equal(f.md5Checksum, md5Hex(contents.get(f.appProperties['gdb.object']) as Buffer));
  assert.equal(world.emulators.hub.total('drive.upload.'), 60, 'each object uploaded once');
});
