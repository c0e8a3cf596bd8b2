/**
 * DISPATCH=auto. First its back-pressure record on an injected clock (two instances' BackPressure over the
 * real state bucket and queue): direct → one instance refused raises it → the other reads it and enqueues
 * (no Drive call: routing reads only the record) → expired with tasks still queued: enqueue (draining)
 * → queue empty: direct. Then through the real entry points, Drive allowing one create until the
 * (manual) clock moves: an event goes direct, the next is refused and enqueued with back-pressure raised,
 * the one after is enqueued without a Drive call, an object backed up directly and then enqueued ends
 * `skipped` with one file, and once the pressure has expired and the queue has drained events go direct.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Storage } from '@google-cloud/storage';
import { createStorageGateway } from '../../../src/gcs/gateway.js';
import { StateStore } from '../../../src/state/store.js';
import { BackPressure, PRESSURE_CACHE_MS, routeDecision, type PressureRecord } from '../../../src/tasks/back-pressure.js';
import { BackupQueue, createTasksGateway } from '../../../src/tasks/backup-queue.js';
import { createTasksClient } from '../../../src/tasks/client.js';
import { DISPATCHER, startTasksHarness, type TasksHarness } from './harness.js';

let h: TasksHarness;
before(async () => {
  h = await startTasksHarness({
    env: { DISPATCH: 'auto', BACK_PRESSURE_SEC: '1' },
    // One create, then none until the test moves the clock (the emulators' ManualClock).
    limits: { drive: { createRate: { perSecond: 1, burst: 1 } } },
  });
});
after(() => h.close());

describe('routeDecision', () => {
  const record: PressureRecord = { sinceMs: 0, untilMs: 1000, reason: 'Drive replied 403 rateLimitExceeded' };
  const rows: [title: string, record: PressureRecord | undefined, nowMs: number, queueEmpty: boolean | undefined, route: string][] = [
    ['no record: direct', undefined, 500, undefined, 'direct'],
    ['a record in force: enqueue', record, 999, true, 'enqueue'],
    ['expired, queue not known: ask the queue', record, 1000, undefined, 'ask-queue'],
    ['expired, tasks still queued: enqueue (draining)', record, 1000, false, 'enqueue'],
    ['expired, queue empty: direct', record, 5000, true, 'direct'],
  ];
  for (const [title, r, now, empty, route] of rows) test(title, () => assert.equal(routeDecision(r, now, empty), route));
});

test('back-pressure across instances on an injected clock', async () => {
  let now = 1_000_000;
  const env = h.world.env;
  const storage = new Storage({ apiEndpoint: env.STORAGE_EMULATOR_HOST, projectId: 'test' });
  const client = createTasksClient({ emulators: { tasks: env.CLOUD_TASKS_EMULATOR_HOST } });
  const instance = (prefix: string) => {
    const store = new StateStore(createStorageGateway('state', storage), h.world.stateBucket, prefix);
    const queue = new BackupQueue(
      createTasksGateway(() => client),
      { queue: h.queue, targetUrl: `${h.httpUrl}/backup`, serviceAccount: DISPATCHER },
    );
    return { queue, pressure: new BackPressure({ store, queue, now: () => now }) };
  };
  const [a, b] = [instance('pressure-test/'), instance('pressure-test/')];
  await h.client.pauseQueue({ name: h.queue });

  assert.equal(await a.pressure.route(), 'direct');
  assert.equal(await b.pressure.route(), 'direct');
  const raised = await a.pressure.raise('Drive replied 403 rateLimitExceeded', 60_000);
  assert.deepEqual([raised.byThisCall, raised.record.untilMs], [true, now + 60_000]);
  assert.equal(await a.pressure.route(), 'enqueue');
  assert.equal(await b.pressure.route(), 'direct', "b's cache is still fresh");
  now += PRESSURE_CACHE_MS;
  assert.equal(await b.pressure.route(), 'enqueue', 'b read the record: it enqueues without meeting Drive');
  const again = await b.pressure.raise('Drive replied 429', 60_000);
  assert.deepEqual([again.byThisCall, again.record.untilMs], [false, raised.record.untilMs], 'the record in force stands');
  await b.queue.enqueue({ bucket: h.world.sourceBucket, name: 'pressure/queued.txt', generation: '1' });

  now = raised.record.untilMs;
  assert.equal(await a.pressure.route(), 'enqueue', 'expired, but a task is still queued: draining');
  assert.deepEqual((await a.pressure.status()).state, 'draining');
  await h.client.purgeQueue({ name: h.queue });
  await h.client.resumeQueue({ name: h.queue });
  now += PRESSURE_CACHE_MS;
  assert.equal(await a.pressure.route(), 'direct', 'expired and the queue empty: direct again');
  await client.close();
});

test('through the entry points: direct, refused → enqueued with back-pressure, enqueued without Drive, duplicate skipped, direct again', async () => {
  await h.clock.advance(60_000); // a full create bucket (one create)
  await h.client.pauseQueue({ name: h.queue });
  const a = await h.upload('auto-a.txt', 'a');
  const b = await h.upload('auto-b.txt', 'b');
  const c = await h.upload('auto-c.txt', 'c');

  assert.equal(await h.sendFinalized(a), 204);
  assert.equal(h.backups('auto-a.txt').length, 1, 'direct while Drive accepts writes');
  assert.equal(h.lines('backupEnqueued').length, 0);

  assert.equal(await h.sendFinalized(b), 204, 'refused by Drive, yet acknowledged');
  assert.deepEqual(
    h.lines('backupEnqueued').map((l) => l.name),
    ['auto-b.txt'],
  );
  assert.equal(h.lines('backPressureRaised').length, 1);
  assert.equal(h.lines('objectOutcome').filter((l) => l.outcome === 'failed').length, 0, 'no failed line for a refusal that was enqueued');

  const uploads = () => h.world.emulators.hub.total('drive.upload.');
  const before = uploads();
  assert.equal(await h.sendFinalized(c), 204);
  assert.equal(await h.sendFinalized(a, 'a-redelivered'), 204, 'the object backed up directly, delivered again');
  assert.equal(uploads(), before, 'enqueued without a Drive call');
  assert.deepEqual(
    h.lines('backupEnqueued').map((l) => l.name),
    ['auto-b.txt', 'auto-c.txt', 'auto-a.txt'],
  );

  await h.client.resumeQueue({ name: h.queue });
  for (let i = 0; i < 10 && h.stats().tasksCount > 0; i++) await h.clock.advance(2000);
  for (const name of ['auto-a.txt', 'auto-b.txt', 'auto-c.txt']) assert.equal(h.backups(name).length, 1, name);
  const outcomeOfA = h
    .lines('objectOutcome')
    .filter((l) => l.name === 'auto-a.txt')
    .map((l) => l.outcome);
  assert.deepEqual(outcomeOfA, ['uploaded', 'skipped'], 'backed up directly, then its task finds it done');

  // The pressure (BACK_PRESSURE_SEC=1) has expired and the queue is empty: once the instance's cache is stale, direct.
  await sleep(PRESSURE_CACHE_MS + 1000);
  await h.clock.advance(5000);
  const d = await h.upload('auto-d.txt', 'd');
  assert.equal(await h.sendFinalized(d), 204);
  assert.equal(h.backups('auto-d.txt').length, 1, 'direct again');
  assert.equal(h.lines('backupEnqueued').filter((l) => l.name === 'auto-d.txt').length, 0);
});
