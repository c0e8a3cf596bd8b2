import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DriveIdPool } from '../../../src/drive/id-pool.js';

test('hands out each generated id once and refills in batches, one refill at a time', async () => {
  let calls = 0;
  let next = 0;
  const pool = new DriveIdPool(async (count) => {
    calls++;
    await new Promise((r) => setTimeout(r, 5));
    return Array.from({ length: count }, () => `id-${next++}`);
  }, 3);
  const ids = await Promise.all(Array.from({ length: 7 }, () => pool.next()));
  assert.equal(new Set(ids).size, 7);
  assert.equal(calls, 3);
});

test('discard forgets the ids held and any refill already under way: the next ids are new ones', async () => {
  let next = 0;
  let release: () => void = () => undefined;
  const pool = new DriveIdPool(async (count) => {
    const batch = Array.from({ length: count }, () => `id-${next++}`);
    await new Promise<void>((r) => (release = r));
    return batch;
  }, 2);
  const first = pool.next();
  release();
  assert.equal(await first, 'id-0');
  pool.discard(); // id-1 (the old account's) is forgotten
  const late = pool.next();
  pool.discard(); // the refill under way (id-2, id-3) is forgotten too
  release();
  await new Promise((r) => setImmediate(r));
  release();
  assert.equal(await late, 'id-4');
});
