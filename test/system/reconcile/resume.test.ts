/**
 * A bucket larger than one run: 300 small objects, reconciled through the real HTTP function. Runs stop
 * with `done: false` and a stored cursor; the next runs continue from it until done, and no object is
 * copied twice (one Drive file per gdb.key, one upload each).
 *
 * No verdict depends on the machine's speed. Where a run stops is forced, not raced: the first runs get a
 * 50 ms budget while the emulator holds every Cloud Storage listing answer for 100 ms (a delay never ends
 * early), so each of them has spent its budget by the time the first object is listed — and a run handles
 * at least one object, then stops: exactly one object per run. The rest is left to runs with the default
 * budget, with 16 backups in flight, looped on progress (each run handles at least one object).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { worldForFile } from '../../support/world.js';
import { cursorRecordKey } from '../../../src/reconcile/cursor-store.js';

const OBJECTS = 300;
const FORCED_RUNS = 3;

const fx = worldForFile({ targets: ['http', 'event'], env: { RECONCILE_PARALLELISM: '16' } });

test('a time-limited reconcile over 300 objects resumes from its cursor until done, copying each object once', async () => {
  const world = fx();
  const { hub } = world.emulators;
  const bucket = world.storage.bucket(world.sourceBucket);
  const names = Array.from({ length: OBJECTS }, (_, i) => `bulk/d${i % 5}/o${String(i).padStart(4, '0')}`);
  for (let i = 0; i < names.length; i += 100) {
    await Promise.all(names.slice(i, i + 100).map((name) => bucket.file(name).save(`content of ${name}`, { resumable: false })));
  }
  const listed = [...names].sort();
  const storedCursor = async () => {
    const file = world.storage.bucket(world.stateBucket).file(`gcs-drive-backup/${cursorRecordKey(world.sourceBucket, 'bulk/')}`);
    const [exists] = await file.exists();
    if (!exists) return undefined;
    const [metadata] = await file.getMetadata();
    return (JSON.parse(String(metadata.metadata?.record)) as { after: string }).after;
  };
  hub.resetCounters();

  const runs: Record<string, unknown>[] = [];
  const slowListing = hub.faults.add({ service: 'gcs', route: 'gcs.objects.list', times: 0, action: { kind: 'latency', ms: 100 } });
  try {
    for (let i = 0; i < FORCED_RUNS; i++) {
      const res = await world.post('/reconcile', { prefix: 'bulk/', maxSeconds: 0.05 });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(
        [res.body.done, res.body.uploaded, res.body.scanned, res.body.cursor],
        [false, 1, 1, listed[i]],
        `forced run ${i + 1}: one object, then the cursor`,
      );
      assert.equal(await storedCursor(), listed[i], 'the cursor is stored');
      runs.push(res.body);
    }
  } finally {
    hub.faults.remove(slowListing);
  }

  // Bounded by progress, not by speed: every run handles at least one object.
  for (let i = 0; i < OBJECTS && runs.at(-1)?.done !== true; i++) {
    const res = await world.post('/reconcile', { prefix: 'bulk/' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    runs.push(res.body);
    if (res.body.done !== true) assert.equal(await storedCursor(), res.body.cursor, 'the cursor is stored');
  }
  assert.equal(runs.at(-1)?.done, true, `not done after ${runs.length} runs`);
  const total = (field: string) => runs.reduce((n, r) => n + (r[field] as number), 0);
  assert.deepEqual([total('uploaded'), total('failed'), total('scanned')], [OBJECTS, 0, OBJECTS], 'each object handled by exactly one run');

  const perKey = new Map<string, number>();
  for (const f of world.emulators.drive.listAll()) {
    const key = f.appProperties['gdb.key'];
    if (key && f.appProperties['gdb.object']?.startsWith('bulk/')) perKey.set(key, (perKey.get(key) ?? 0) + 1);
  }
  assert.equal(perKey.size, OBJECTS);
  assert.deepEqual([...new Set(perKey.values())], [1]);
  assert.equal(hub.total('drive.upload.'), OBJECTS, 'one upload per object');
  assert.equal(await storedCursor(), undefined, 'a finished run clears the cursor');
});
