/**
 * A bucket larger than one run: 2,000 small objects, reconciled through the real HTTP function with a
 * one-second budget. The first run stops with `done: false` and a cursor; repeated runs continue from the
 * stored cursor until done, and no object is copied twice (one Drive file per gdb.key, one upload each).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFunctionServer, type FunctionServer } from '../http/function-server.js';
import { cursorRecordKey } from '../../src/reconcile/cursor-store.js';

let fx: FunctionServer;
before(async () => {
  fx = await startFunctionServer({ RECONCILE_PARALLELISM: '16' });
});
after(async () => {
  await fx?.close();
});

test('a time-limited reconcile over 2,000 objects resumes until done, copying each object once', async () => {
  const { world } = fx;
  const bucket = world.storage.bucket(world.sourceBucket);
  const names = Array.from({ length: 2000 }, (_, i) => `bulk/d${i % 10}/o${String(i).padStart(4, '0')}`);
  for (let i = 0; i < names.length; i += 100) {
    await Promise.all(names.slice(i, i + 100).map((name) => bucket.file(name).save(`content of ${name}`, { resumable: false })));
  }
  world.emulators.hub.resetCounters();

  const runs: Record<string, unknown>[] = [];
  // Bounded by progress, not by speed: every run handles at least one object.
  for (let i = 0; i < names.length; i++) {
    const res = await fx.post('/reconcile', { prefix: 'bulk/', maxSeconds: 1 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    runs.push(res.body);
    if (res.body.done === true) break;
    const stored = await world.storage
      .bucket(world.stateBucket)
      .file(`gcs-drive-backup/${cursorRecordKey(world.sourceBucket, 'bulk/')}`)
      .getMetadata();
    assert.equal((JSON.parse(String(stored[0].metadata?.record)) as { after: string }).after, res.body.cursor, 'the cursor is stored');
  }

  const first = runs[0] as { done: boolean; cursor?: string; uploaded: number };
  assert.equal(first.done, false);
  assert.ok(first.uploaded > 0 && first.uploaded < 2000);
  assert.match(String(first.cursor), /^bulk\//);
  assert.equal(runs.at(-1)?.done, true, `not done after ${runs.length} runs`);
  assert.ok(runs.length >= 2);
  assert.equal(
    runs.reduce((n, r) => n + (r.uploaded as number), 0),
    2000,
  );
  assert.equal(
    runs.reduce((n, r) => n + (r.failed as number), 0),
    0,
  );

  const perKey = new Map<string, number>();
  for (const f of world.emulators.drive.listAll()) {
    const key = f.appProperties['gdb.key'];
    if (key && f.appProperties['gdb.object']?.startsWith('bulk/')) perKey.set(key, (perKey.get(key) ?? 0) + 1);
  }
  assert.equal(perKey.size, 2000);
  assert.deepEqual([...new Set(perKey.values())], [1]);
  assert.equal(world.emulators.hub.total('drive.upload.'), 2000, 'one upload per object');

  const [cursorExists] = await world.storage
    .bucket(world.stateBucket)
    .file(`gcs-drive-backup/${cursorRecordKey(world.sourceBucket, 'bulk/')}`)
    .exists();
  assert.equal(cursorExists, false, 'a finished run clears the cursor');
});
