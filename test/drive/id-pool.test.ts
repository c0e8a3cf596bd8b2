import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DriveIdPool } from '../../src/drive/id-pool.js';

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
