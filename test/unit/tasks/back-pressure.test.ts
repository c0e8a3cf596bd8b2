/**
 * DISPATCH=auto's back-pressure cache (src/tasks/back-pressure.ts), on an injected clock. `cacheUse` is
 * the table: a record in force trusted until it expires, "no record" for PRESSURE_CACHE_MS, then read
 * again at once on a busy instance and after the event's backup on a quiet one, and waited for when
 * nothing is known or it is too old. `BackPressure` is then driven over a state store that counts its
 * reads: a quiet instance's event routes without a read beside it, and `refresh` makes the one read it
 * owes; a busy instance reads at once; a known record in force is never read again before its expiry.
 * (The record over the real state bucket, across instances, is test/system/tasks/auto.test.ts.)
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StateStore } from '../../../src/state/store.js';
import type { BackupQueue } from '../../../src/tasks/backup-queue.js';
import {
  BackPressure,
  cacheUse,
  PRESSURE_CACHE_MS,
  PRESSURE_STALE_MS,
  type CacheUse,
  type PressureRecord,
} from '../../../src/tasks/back-pressure.js';

const inForce: PressureRecord = { sinceMs: 0, untilMs: 10_000, reason: 'Drive replied 403 rateLimitExceeded' };

describe('cacheUse', () => {
  const none = (atMs: number) => ({ value: undefined, atMs });
  const rows: [title: string, cached: Parameters<typeof cacheUse>[0], nowMs: number, busy: boolean, use: CacheUse][] = [
    ['never read: read first', undefined, 0, false, 'read first'],
    ['never read, busy: read first', undefined, 0, true, 'read first'],
    ['"no record" read just now: cached', none(1000), 1000, false, 'cached'],
    ['"no record" just under the cache time: cached', none(1000), 1000 + PRESSURE_CACHE_MS - 1, true, 'cached'],
    ['"no record" stale, quiet instance: refresh after its backup', none(1000), 1000 + PRESSURE_CACHE_MS, false, 'refresh after'],
    ['"no record" stale, busy instance: refresh now', none(1000), 1000 + PRESSURE_CACHE_MS, true, 'refresh now'],
    ['"no record" 2 s old (the calm row), quiet: refresh after', none(1000), 3000, false, 'refresh after'],
    ['"no record" just under the stale limit: refresh after', none(0), PRESSURE_STALE_MS - 1, false, 'refresh after'],
    ['"no record" too old (a long idle): read first', none(0), PRESSURE_STALE_MS, false, 'read first'],
    ['"no record" too old, busy: read first', none(0), PRESSURE_STALE_MS, true, 'read first'],
    ['a record in force, read long ago: cached until it expires', { value: inForce, atMs: 0 }, 9999, false, 'cached'],
    ['a record just expired, read long ago: read first', { value: inForce, atMs: 0 }, 10_000, false, 'read first'],
    ['an expired record read just now: cached', { value: inForce, atMs: 10_500 }, 11_000, true, 'cached'],
  ];
  for (const [title, cached, now, busy, use] of rows) test(title, () => assert.equal(cacheUse(cached, now, busy), use));
});

/** A BackPressure on a clock the test moves, over a store whose record the test sets and whose reads it counts. */
function instance() {
  const clock = { now: 1_000_000 };
  const store = { record: undefined as PressureRecord | undefined, reads: 0 };
  const fakeStore = {
    read: async () => {
      store.reads++;
      return store.record === undefined ? undefined : { value: store.record, version: '1' };
    },
  } as unknown as StateStore;
  const queue = { shortName: 'backups', isEmpty: async () => true } as unknown as BackupQueue;
  const pressure = new BackPressure({ store: fakeStore, queue, now: () => clock.now });
  return { clock, store, pressure };
}

describe('BackPressure: when the record is read', () => {
  test('a quiet instance: its event routes on the stale "no record" with no read beside it; refresh makes the one read', async () => {
    const { clock, store, pressure } = instance();
    assert.equal(await pressure.route(undefined, { busy: false }), 'direct', 'the first event waits for a read');
    assert.equal(store.reads, 1);
    await pressure.refresh();
    assert.equal(store.reads, 1, 'fresh: refresh reads nothing');

    clock.now += 2000; // the next event of a quiet bucket
    store.record = { sinceMs: clock.now, untilMs: clock.now + 60_000, reason: 'another instance was refused' };
    assert.equal(await pressure.route(undefined, { busy: false }), 'direct', 'on what it knew');
    await pressure.settled();
    assert.equal(store.reads, 1, "no read on the event's path");
    await pressure.refresh();
    assert.equal(store.reads, 2, 'the read it owes, after its backup');
    clock.now += 1;
    assert.equal(await pressure.route(undefined, { busy: false }), 'enqueue', "the next event knows the other instance's record");
  });

  test('a busy instance: the stale "no record" is read again at once, and the next event knows', async () => {
    const { clock, store, pressure } = instance();
    await pressure.route();
    clock.now += PRESSURE_CACHE_MS;
    store.record = { sinceMs: clock.now, untilMs: clock.now + 60_000, reason: 'another instance was refused' };
    assert.equal(await pressure.route(undefined, { busy: true }), 'direct', 'this event goes on what it knew');
    await pressure.settled();
    assert.equal(store.reads, 2, 'read beside it');
    assert.equal(await pressure.route(undefined, { busy: true }), 'enqueue');
  });

  test('a record in force is trusted until it expires: neither route nor refresh reads it again', async () => {
    const { clock, store, pressure } = instance();
    store.record = { sinceMs: clock.now, untilMs: clock.now + 60_000, reason: 'Drive replied 429' };
    assert.equal(await pressure.route(undefined, { busy: false }), 'enqueue');
    clock.now += 59_999;
    assert.equal(await pressure.route(undefined, { busy: false }), 'enqueue');
    await pressure.refresh();
    assert.equal(store.reads, 1);
    clock.now += 1;
    store.record = undefined;
    assert.equal(await pressure.route(undefined, { busy: false }), 'direct', 'expired: read first');
    assert.equal(store.reads, 2);
  });
});
