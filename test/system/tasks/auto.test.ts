/**
 * DISPATCH=auto. First its back-pressure record on an injected clock (two instances' BackPressure over the
 * real state bucket and queue): direct → one instance refused raises it → the other reads it and enqueues
 * (no Drive call: routing reads only the record) → expired with tasks still queued: enqueue (draining)
 * → queue empty: direct. Then through the real entry points, Drive allowing one create until the
 * (manual) clock moves: an event goes direct, the next is refused and enqueued with back-pressure raised,
 * the one after is enqueued without a Drive call, an object backed up directly and then enqueued ends
 * `skipped` with one file, and once the pressure has expired and the queue has drained events go direct.
 * Between the two, the direct lane (src/tasks/direct-lane.ts) through the entry point: at the fresh
 * pacer's 10 writes/s ten direct backups may be in flight, so while ten are (their uploads held on the wire
 * by a gate in front of Drive) the eleventh event is enqueued and back-pressure raised before Drive has
 * refused anything.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Storage } from '@google-cloud/storage';
import { createStorageGateway } from '../../../src/gcs/gateway.js';
import { StateStore } from '../../../src/state/store.js';
import { BackPressure, PRESSURE_CACHE_MS, routeDecision, type PressureRecord } from '../../../src/tasks/back-pressure.js';
import { BackupQueue, createTasksGateway } from '../../../src/tasks/backup-queue.js';
import { createTasksClient } from '../../../src/tasks/client.js';
import { DISPATCHER, startTasksHarness, type TasksHarness } from './harness.js';

/**
 * A pass-through proxy in front of Drive that, while `hold` is on, keeps upload requests (POST /upload/…)
 * unanswered until `release`: a direct backup stays in flight for as long as the test needs. It counts
 * Drive's rate refusals of uploads as they pass.
 */
function startDriveGate() {
  let upstream = '';
  let held: (() => void)[] = [];
  let holding = false;
  const uploadStatuses: number[] = [];
  const answered: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const forward = () => {
      const out = request(new URL(req.url ?? '/', upstream), { method: req.method, headers: req.headers }, (answer) => {
        if (req.url?.startsWith('/upload/')) uploadStatuses.push(answer.statusCode ?? 502);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => answered.shift()?.());
      });
      out.on('error', () => res.destroy());
      req.pipe(out);
    };
    if (holding && req.method === 'POST' && req.url?.startsWith('/upload/')) held.push(forward);
    else forward();
  });
  return {
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    setUpstream: (url: string) => void (upstream = url),
    hold: () => void (holding = true),
    heldCount: () => held.length,
    /** Drive's answers to uploads that are rate refusals (403 or 429), so far. */
    refusals: () => uploadStatuses.filter((status) => status === 403 || status === 429).length,
    /** Lets the oldest held upload go; resolves once Drive has answered it. */
    releaseOne: () =>
      new Promise<void>((resolve) => {
        const go = held.shift();
        if (go === undefined) return resolve();
        answered.push(resolve);
        go();
      }),
    release() {
      holding = false;
      for (const go of held.splice(0)) go();
      held = [];
    },
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

let h: TasksHarness;
const gate = startDriveGate();
before(async () => {
  const gateUrl = await gate.listen();
  h = await startTasksHarness({
    env: { DISPATCH: 'auto', BACK_PRESSURE_SEC: '1', DRIVE_EMULATOR_HOST: gateUrl },
    // One create, then none until the test moves the clock (the emulators' ManualClock).
    limits: { drive: { createRate: { perSecond: 1, burst: 1 } } },
  });
  gate.setUpstream(h.world.emulators.env.DRIVE_EMULATOR_HOST);
});
after(async () => {
  gate.release();
  await h.close();
  await gate.close();
});

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
  assert.equal(await b.pressure.route(), 'direct', "b's cache is stale: this event goes direct while b reads the record");
  await b.pressure.settled();
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

test('the direct lane: ten backups in flight at 10 writes/s, the eleventh event enqueued with back-pressure before any refusal', async () => {
  await h.clock.advance(60_000); // Drive's create bucket full (one create)
  await h.client.pauseQueue({ name: h.queue });
  const names = Array.from({ length: 11 }, (_, i) => `lane-${String(i).padStart(2, '0')}.txt`);
  const objects = [];
  for (const name of names) objects.push(await h.upload(name, name));
  const refusedBefore = gate.refusals();

  gate.hold();
  const inFlight = objects.slice(0, 10).map((o) => h.sendFinalized(o));
  while (gate.heldCount() < 10) await sleep(20); // ten direct backups in flight: their uploads wait at the gate
  let raced = false;
  const eleventh = h.sendFinalized(objects[10]);
  const heldMore = (async () => {
    while (!raced && gate.heldCount() <= 10) await sleep(20);
    return 'went direct: its upload is held at the gate';
  })();
  const first = await Promise.race([eleventh.then(() => 'answered'), heldMore]);
  raced = true;
  assert.equal(first, 'answered');
  assert.equal(await eleventh, 204, 'the eleventh acknowledged while ten are in flight');
  assert.deepEqual(
    h.lines('backupEnqueued').map((l) => l.name),
    ['lane-10.txt'],
    'the lane was full: the eleventh went to the queue',
  );
  const raised = h.lines('backPressureRaised');
  assert.equal(raised.length, 1);
  assert.match(String(raised[0].reason), /10 direct backups waiting on its Drive pace of 10\.0 writes\/s/);

  // Drive takes one create per (emulated) second: the held uploads go one at a time as its clock moves.
  for (let i = 0; i < 10; i++) {
    await h.clock.advance(1000);
    await gate.releaseOne();
  }
  gate.release();
  assert.deepEqual(await Promise.all(inFlight), Array(10).fill(204));
  for (const name of names.slice(0, 10)) assert.equal(h.backups(name).length, 1, `${name} went direct`);
  assert.equal(h.backups('lane-10.txt').length, 0, 'no Drive call for the eleventh');
  assert.equal(gate.refusals(), refusedBefore, 'Drive refused nothing');

  await h.client.resumeQueue({ name: h.queue });
  for (let i = 0; i < 10 && h.stats().tasksCount > 0; i++) await h.clock.advance(2000);
  assert.equal(h.backups('lane-10.txt').length, 1, 'the eleventh backed up by its task');
  // The next test starts from direct: the pressure (BACK_PRESSURE_SEC=1) expired, the queue empty, the caches stale.
  await sleep(PRESSURE_CACHE_MS + 1000);
});

test('through the entry points: direct, refused → enqueued with back-pressure, enqueued without Drive, duplicate skipped, direct again', async () => {
  const mine = (event: string) => h.lines(event).filter((l) => String(l.name).startsWith('auto-'));
  await h.clock.advance(60_000); // a full create bucket (one create)
  await h.client.pauseQueue({ name: h.queue });
  const a = await h.upload('auto-a.txt', 'a');
  const b = await h.upload('auto-b.txt', 'b');
  const c = await h.upload('auto-c.txt', 'c');

  assert.equal(await h.sendFinalized(a), 204);
  assert.equal(h.backups('auto-a.txt').length, 1, 'direct while Drive accepts writes');
  assert.equal(mine('backupEnqueued').length, 0);

  assert.equal(await h.sendFinalized(b), 204, 'refused by Drive, yet acknowledged');
  assert.deepEqual(
    mine('backupEnqueued').map((l) => l.name),
    ['auto-b.txt'],
  );
  assert.equal(mine('backPressureRaised').length, 1);
  assert.equal(mine('objectOutcome').filter((l) => l.outcome === 'failed').length, 0, 'no failed line for a refusal that was enqueued');

  const uploads = () => h.world.emulators.hub.total('drive.upload.');
  const before = uploads();
  assert.equal(await h.sendFinalized(c), 204);
  assert.equal(await h.sendFinalized(a, 'a-redelivered'), 204, 'the object backed up directly, delivered again');
  assert.equal(uploads(), before, 'enqueued without a Drive call');
  assert.deepEqual(
    mine('backupEnqueued').map((l) => l.name),
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
  assert.equal(mine('backupEnqueued').filter((l) => l.name === 'auto-d.txt').length, 0);
});
