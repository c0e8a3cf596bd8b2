/**
 * Contract tests of the Cloud Tasks emulator's observability and fault injection: queue stats through the
 * v2beta3 read mask and through `/_emulator/tasks/stats`, the dispatch log and counters, the common fault
 * rules on its routes, configurable duplicate dispatches, RunTask, and state kept across a restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, startEmulators, type Emulators } from '../index.js';
import {
  control,
  LOCATION,
  queueName,
  rpcFailure,
  startWithTasks,
  Target,
  tasksBetaClient,
  tasksClient,
  type TasksClient,
} from './tasks/support.js';

let emu: Emulators;
let clock: ManualClock;
let client: TasksClient;
let base: string;
let started: Awaited<ReturnType<typeof startWithTasks>>;
const target = new Target();
/** The emulator's randomness: the test sets the next values. */
let randoms: number[] = [];

before(async () => {
  clock = new ManualClock();
  started = await startWithTasks(target, { clock, tasks: { random: () => randoms.shift() ?? 0.99 } });
  ({ emu, client } = started);
  base = emu.env.CLOUD_TASKS_EMULATOR_HOST;
});
after(() => started.stop());
beforeEach(() => {
  started.reset();
  randoms = [];
});

async function createQueue(id: string, queue: Record<string, unknown> = {}): Promise<string> {
  const [created] = await client.createQueue({ parent: LOCATION, queue: { name: queueName(id), ...queue } });
  return created.name as string;
}

async function addTask(queue: string, id: string, scheduleInSeconds = 0): Promise<void> {
  const scheduleTime = { seconds: Math.floor(clock.now() / 1000) + scheduleInSeconds };
  await client.createTask({
    parent: queue,
    task: { name: `${queue}/tasks/${id}`, scheduleTime, httpRequest: { url: `${target.url}/backup` } },
  });
  await clock.settle();
}

describe('stats', () => {
  test('v2beta3 returns stats only when the read mask asks: depth, oldest arrival, executed in the last minute', async () => {
    const queue = await createQueue('stats', { rateLimits: { maxDispatchesPerSecond: 4 } });
    await client.pauseQueue({ name: queue });
    await addTask(queue, 'late', 30);
    await addTask(queue, 'early', 10);
    await addTask(queue, 'now');
    const beta = tasksBetaClient(base);
    try {
      const [plain] = await beta.getQueue({ name: queue });
      assert.equal(plain.stats, null, 'no stats without a read mask');
      const [masked] = await beta.getQueue({ name: queue, readMask: { paths: ['stats', 'state'] } });
      assert.equal(masked.state, 'PAUSED');
      assert.equal(masked.rateLimits, null, 'the mask selects the fields');
      assert.equal(masked.stats?.tasksCount, '3');
      assert.equal(Number(masked.stats?.oldestEstimatedArrivalTime?.seconds), Math.floor(clock.now() / 1000));
      assert.equal(masked.stats?.effectiveExecutionRate, 0, 'a paused queue executes nothing');

      await client.resumeQueue({ name: queue });
      await clock.advance(31_000);
      const [listed] = await beta.listQueues({ parent: LOCATION, readMask: { paths: ['stats'] } });
      const stats = listed[0]?.stats;
      assert.deepEqual([stats?.tasksCount, stats?.executedLastMinuteCount, stats?.effectiveExecutionRate], ['0', '3', 4]);
      await clock.advance(60_000);
      const [later] = await beta.getQueue({ name: queue, readMask: { paths: ['stats'] } });
      assert.equal(later.stats?.executedLastMinuteCount, '0');
    } finally {
      await beta.close();
    }
  });

  test('the control API: per-queue stats with oldest task age and counters; the dispatch log with timestamps', async () => {
    const queue = await createQueue('ctl', { retryConfig: { minBackoff: { seconds: 2 }, maxBackoff: { seconds: 2 } } });
    const statuses = [500, 200];
    target.answer = () => ({ status: statuses.shift() ?? 200 });
    await addTask(queue, 'a');
    await clock.advance(1000);
    const { json } = await control(base, 'GET', `tasks/stats?queue=${encodeURIComponent(queue)}`);
    const [summary] = json.queues as Record<string, unknown>[];
    assert.equal(summary?.tasksCount, 1);
    assert.equal(summary?.oldestTaskAgeMs, 1000);
    assert.equal(summary?.paused, false);
    assert.deepEqual(summary?.counters, {
      created: 1,
      deleted: 0,
      dispatched: 1,
      succeeded: 0,
      failed: 1,
      unanswered: 0,
      retriesScheduled: 1,
      exhausted: 0,
      duplicates: 0,
      throttled: 0,
    });
    await clock.advance(1000);
    const log = (await control(base, 'GET', 'tasks/dispatches')).json.dispatches as Record<string, unknown>[];
    assert.deepEqual(
      log.map((d) => [d.task, d.retryCount, d.status, d.duplicate]),
      [
        [`${queue}/tasks/a`, 0, 500, false],
        [`${queue}/tasks/a`, 1, 200, false],
      ],
    );
    assert.equal((log[1]?.atMs as number) - (log[0]?.atMs as number), 2000);
    assert.equal(typeof log[0]?.at, 'string');
    const since = (await control(base, 'GET', `tasks/dispatches?since=${log[0]?.seq}`)).json.dispatches as unknown[];
    assert.equal(since.length, 1);
    assert.equal((await control(base, 'DELETE', 'tasks/dispatches')).status, 200);
    assert.deepEqual((await control(base, 'GET', 'tasks/dispatches')).json.dispatches, []);
    const counters = (await control(base, 'GET', 'tasks/counters')).json.counters as Record<string, { succeeded: number }>;
    assert.equal(counters[queue]?.succeeded, 1);
    const state = (await control(base, 'GET', 'tasks/state')).json as { queues: { name: string; tombstones: number; config: unknown }[] };
    assert.deepEqual([state.queues[0]?.name, state.queues[0]?.tombstones], [queue, 1]);
  });
});

describe('faults and duplicates', () => {
  test('the hub’s fault rules apply to the Cloud Tasks routes (added over HTTP on another emulator’s port)', async () => {
    const queue = await createQueue('faults');
    const added = await control(emu.env.DRIVE_EMULATOR_HOST, 'POST', 'faults', {
      service: 'tasks',
      route: 'tasks.tasks.create',
      action: { kind: 'status', status: 503, body: { error: { code: 503, message: 'injected', status: 'UNAVAILABLE' } } },
    });
    assert.equal(added.status, 200);
    const failed = await rpcFailure(
      client.createTask({ parent: queue, task: { name: `${queue}/tasks/f`, httpRequest: { url: target.url } } }),
    );
    assert.equal(failed.code, 14);
    await client.createTask({ parent: queue, task: { name: `${queue}/tasks/f`, httpRequest: { url: target.url } } });
    await control(base, 'POST', 'faults', { route: 'tasks.queues.*', nth: 2, action: { kind: 'status', status: 429 } });
    await client.pauseQueue({ name: queue });
    assert.equal((await rpcFailure(client.resumeQueue({ name: queue }))).code, 8);
    const counters = (await control(base, 'GET', 'counters')).json.counters as Record<string, number>;
    assert.deepEqual([counters['tasks.tasks.create'], counters['tasks.queues.pause'], counters['tasks.queues.resume']], [2, 1, 1]);
  });

  test('duplicates: probability 1 sends every attempt twice (after the answer, or concurrently); the copy is logged', async () => {
    const queue = await createQueue('dups');
    const set = await control(base, 'POST', 'tasks/duplicates', { probability: 1 });
    assert.deepEqual(set.json, { duplicates: { probability: 1, mode: 'after' } });
    await addTask(queue, 'x');
    await addTask(queue, 'y');
    assert.deepEqual([target.hitsOf('x').length, target.hitsOf('y').length], [2, 2]);
    assert.deepEqual(
      target.hitsOf('x').map((h) => h.headers['x-cloudtasks-taskretrycount']),
      ['0', '0'],
      'a duplicate is the same attempt delivered again',
    );
    const log = emu.tasks.dispatches({ queue });
    assert.deepEqual(
      log.map((d) => d.duplicate),
      [false, true, false, true],
    );
    emu.tasks.setDuplicates({ probability: 1, mode: 'concurrent' });
    await addTask(queue, 'z');
    assert.equal(target.hitsOf('z').length, 2);
    assert.deepEqual(
      emu.tasks
        .dispatches({ queue })
        .slice(4)
        .map((d) => [d.duplicate, d.status]),
      [
        [false, 200],
        [true, 200],
      ],
    );
    assert.equal(emu.tasks.stats()[0]?.counters.duplicates, 3);
    assert.equal((await control(base, 'POST', 'tasks/duplicates', { probability: 2 })).status, 400);
  });

  test('an occasional duplicate: with probability 0.5, exactly the attempts whose draw falls under it', async () => {
    const queue = await createQueue('sometimes');
    emu.tasks.setDuplicates({ probability: 0.5, mode: 'after' });
    randoms = [0.7, 0.2, 0.9, 0.4];
    for (const id of ['a', 'b', 'c', 'd']) await addTask(queue, id);
    assert.deepEqual(
      ['a', 'b', 'c', 'd'].map((id) => target.hitsOf(id).length),
      [1, 2, 1, 2],
    );
  });

  test('RunTask dispatches at once, even from a paused queue', async () => {
    const queue = await createQueue('run');
    await client.pauseQueue({ name: queue });
    await addTask(queue, 'r');
    assert.equal(target.hits.length, 0);
    const [ran] = await client.runTask({ name: `${queue}/tasks/r` });
    assert.equal(ran.dispatchCount, 1);
    await clock.settle();
    assert.equal(target.hits.length, 1);
    await client.resumeQueue({ name: queue });
    await clock.advance(60_000);
    assert.equal(target.hits.length, 1, 'the executed task is gone');
  });
});

describe('persistence', () => {
  test('queues, waiting tasks and tombstones survive a restart with --data-dir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tasks-persist-'));
    try {
      const first = await startEmulators({ dataDir: dir, clock: new ManualClock() });
      const c1 = tasksClient(first.env.CLOUD_TASKS_EMULATOR_HOST);
      const queue = queueName('kept');
      await c1.createQueue({ parent: LOCATION, queue: { name: queue, rateLimits: { maxDispatchesPerSecond: 3 } } });
      await c1.pauseQueue({ name: queue });
      await c1.createTask({
        parent: queue,
        task: { name: `${queue}/tasks/waiting`, httpRequest: { url: target.url, body: Buffer.from('kept') } },
      });
      await c1.createTask({ parent: queue, task: { name: `${queue}/tasks/deleted`, httpRequest: { url: target.url } } });
      await c1.deleteTask({ name: `${queue}/tasks/deleted` });
      await c1.close();
      await first.stop();

      const second = await startEmulators({ dataDir: dir, clock: new ManualClock() });
      const c2 = tasksClient(second.env.CLOUD_TASKS_EMULATOR_HOST);
      try {
        const [restored] = await c2.getQueue({ name: queue });
        assert.deepEqual([restored.state, restored.rateLimits?.maxDispatchesPerSecond], ['PAUSED', 3]);
        const [task] = await c2.getTask({ name: `${queue}/tasks/waiting`, responseView: 'FULL' });
        assert.equal(Buffer.from(task.httpRequest?.body as Uint8Array).toString(), 'kept');
        const dup = await rpcFailure(
          c2.createTask({ parent: queue, task: { name: `${queue}/tasks/deleted`, httpRequest: { url: target.url } } }),
        );
        assert.equal(dup.code, 6, 'the tombstone was kept');
      } finally {
        await c2.close();
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
