/**
 * Contract tests of the Cloud Tasks emulator's API through `@google-cloud/tasks` in REST fallback mode
 * (v2; v2beta3 where only it has the field): queues and their settings, validation and error shapes,
 * tasks, views and name de-duplication. Dispatch is covered by tasks-dispatch.test.ts. Queues here are
 * paused (nothing is dispatched) and time is a ManualClock.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, startEmulators, type Emulators } from '../index.js';
import { LOCATION, queueName, rpcFailure, tasksBetaClient, tasksClient, type TasksClient } from './tasks/support.js';

let emu: Emulators;
let clock: ManualClock;
let client: TasksClient;
let base: string;

before(async () => {
  clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
  emu = await startEmulators({ clock });
  base = emu.env.CLOUD_TASKS_EMULATOR_HOST;
  client = tasksClient(base);
});
after(async () => {
  await client.close();
  await emu.stop();
});
beforeEach(() => emu.hub.reset());

async function pausedQueue(id: string, extra: Record<string, unknown> = {}) {
  const [queue] = await client.createQueue({ parent: LOCATION, queue: { name: queueName(id), ...extra } });
  await client.pauseQueue({ name: queue.name as string });
  return queue.name as string;
}

function httpTask(name?: string, extra: Record<string, unknown> = {}) {
  return { ...(name ? { name } : {}), httpRequest: { url: 'http://127.0.0.1:9/backup', ...extra } };
}

async function raw(method: string, path: string, body?: unknown, auth = true) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(auth ? { authorization: 'Bearer x' } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: res.status,
    json: (await res.json()) as { error?: { code: number; status: string; message: string } } & Record<string, unknown>,
  };
}

describe('queues', () => {
  test('a queue created with no settings gets the defaults gcloud shows', async () => {
    const [queue] = await client.createQueue({ parent: LOCATION, queue: { name: queueName('defaults') } });
    assert.equal(queue.state, 'RUNNING');
    assert.deepEqual(queue.rateLimits, { maxDispatchesPerSecond: 500, maxBurstSize: 100, maxConcurrentDispatches: 1000 });
    assert.equal(queue.retryConfig?.maxAttempts, 100);
    assert.deepEqual(queue.retryConfig?.minBackoff, { seconds: '0', nanos: 100_000_000 });
    assert.deepEqual(queue.retryConfig?.maxBackoff, { seconds: '3600', nanos: 0 });
    assert.equal(queue.retryConfig?.maxDoublings, 16);
    assert.equal(queue.retryConfig?.maxRetryDuration, null);
    const { json } = await raw('GET', `/v2/${queueName('defaults')}`);
    assert.deepEqual(json, {
      name: queueName('defaults'),
      rateLimits: { maxDispatchesPerSecond: 500, maxBurstSize: 100, maxConcurrentDispatches: 1000 },
      retryConfig: { maxAttempts: 100, minBackoff: '0.100s', maxBackoff: '3600s', maxDoublings: 16 },
      state: 'RUNNING',
    });
  });

  test('settings round-trip; the burst follows the rate (v2: output only, v2beta3: settable up to 500)', async () => {
    const [queue] = await client.createQueue({
      parent: LOCATION,
      queue: {
        name: queueName('paced'),
        rateLimits: { maxDispatchesPerSecond: 2, maxBurstSize: 50, maxConcurrentDispatches: 4 },
        retryConfig: {
          maxAttempts: 5,
          maxRetryDuration: { seconds: 600 },
          minBackoff: { seconds: 1, nanos: 500_000_000 },
          maxBackoff: { seconds: 60 },
          maxDoublings: 3,
        },
      },
    });
    assert.deepEqual(
      queue.rateLimits,
      { maxDispatchesPerSecond: 2, maxBurstSize: 1, maxConcurrentDispatches: 4 },
      'v2 ignores maxBurstSize',
    );
    assert.deepEqual(queue.retryConfig?.maxRetryDuration, { seconds: '600', nanos: 0 });
    assert.deepEqual(queue.retryConfig?.minBackoff, { seconds: '1', nanos: 500_000_000 });

    const [updated] = await client.updateQueue({
      queue: { name: queue.name, rateLimits: { maxDispatchesPerSecond: 100 } },
      updateMask: { paths: ['rate_limits.max_dispatches_per_second'] },
    });
    assert.deepEqual(updated.rateLimits, { maxDispatchesPerSecond: 100, maxBurstSize: 20, maxConcurrentDispatches: 4 });
    assert.equal(updated.retryConfig?.maxAttempts, 5, 'fields outside the mask stay');

    const beta = tasksBetaClient(base);
    try {
      const [burst] = await beta.updateQueue({
        queue: { name: queue.name, rateLimits: { maxBurstSize: 7 } },
        updateMask: { paths: ['rateLimits.maxBurstSize'] },
      });
      assert.equal(burst.rateLimits?.maxBurstSize, 7);
      assert.equal(burst.type, 'PUSH');
      assert.deepEqual(burst.tombstoneTtl, { seconds: '3600', nanos: 0 });
      const failure = await rpcFailure(beta.updateQueue({ queue: { name: queue.name, rateLimits: { maxBurstSize: 501 } } }));
      assert.equal(failure.code, 3);
    } finally {
      await beta.close();
    }
    const [one] = await client.updateQueue({
      queue: { name: queue.name, rateLimits: { maxDispatchesPerSecond: 1 } },
      updateMask: { paths: ['rate_limits'] },
    });
    assert.deepEqual(
      one.rateLimits,
      { maxDispatchesPerSecond: 1, maxBurstSize: 10, maxConcurrentDispatches: 1000 },
      'rate 1 → burst 10, as documented',
    );
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['a rate above 500', { rateLimits: { maxDispatchesPerSecond: 501 } }, /max_dispatches_per_second/],
    ['a negative rate', { rateLimits: { maxDispatchesPerSecond: -1 } }, /max_dispatches_per_second/],
    ['more than 5000 concurrent dispatches', { rateLimits: { maxConcurrentDispatches: 5001 } }, /max_concurrent_dispatches/],
    ['max_attempts below -1', { retryConfig: { maxAttempts: -2 } }, /max_attempts/],
    ['min_backoff above max_backoff', { retryConfig: { minBackoff: { seconds: 20 }, maxBackoff: { seconds: 10 } } }, /min_backoff/],
    ['a negative max_doublings', { retryConfig: { maxDoublings: -1 } }, /max_doublings/],
  ];
  for (const [what, settings, message] of invalid) {
    test(`INVALID_ARGUMENT (3) for ${what}`, async () => {
      const failure = await rpcFailure(client.createQueue({ parent: LOCATION, queue: { name: queueName('bad'), ...settings } }));
      assert.equal(failure.code, 3);
      assert.match(failure.message, message);
      await rpcFailure(client.getQueue({ name: queueName('bad') }));
    });
  }

  test('names, existence and the 7-day tombstone of a deleted queue, with Cloud Tasks’ messages', async () => {
    const bad = await rpcFailure(client.createQueue({ parent: LOCATION, queue: { name: `${LOCATION}/queues/bad_id!` } }));
    assert.equal(bad.code, 3);
    assert.match(bad.message, /Queue name must be formatted: "projects\/<PROJECT_ID>\/locations\/<LOCATION_ID>\/queues\/<QUEUE_ID>"\./);
    const name = queueName('once');
    await client.createQueue({ parent: LOCATION, queue: { name } });
    const twice = await rpcFailure(client.createQueue({ parent: LOCATION, queue: { name } }));
    assert.deepEqual([twice.code, /Queue already exists/.test(twice.message)], [6, true]);
    await client.deleteQueue({ name });
    const missing = await rpcFailure(client.getQueue({ name }));
    assert.equal(missing.code, 5);
    assert.match(missing.message, /Queue does not exist\. If you just created the queue, wait at least a minute/);
    const deleteMissing = await rpcFailure(client.deleteQueue({ name }));
    assert.match(deleteMissing.message, /Requested entity was not found\./);
    const recent = await rpcFailure(client.createQueue({ parent: LOCATION, queue: { name } }));
    assert.equal(recent.code, 9);
    assert.match(recent.message, /a queue with this name existed too recently/);
    await clock.advance(7 * 24 * 3600 * 1000);
    await client.createQueue({ parent: LOCATION, queue: { name } });
  });

  test('list with a state filter and pages; UpdateQueue creates a missing queue; purge', async () => {
    for (const id of ['a', 'b', 'c']) await client.createQueue({ parent: LOCATION, queue: { name: queueName(id) } });
    await client.pauseQueue({ name: queueName('b') });
    const [paused] = await client.listQueues({ parent: LOCATION, filter: 'state: PAUSED' });
    assert.deepEqual(
      paused.map((q) => [q.name, q.state]),
      [[queueName('b'), 'PAUSED']],
    );
    const [first, , page1] = await client.listQueues({ parent: LOCATION, pageSize: 2 }, { autoPaginate: false });
    assert.equal(first.length, 2);
    const [second] = await client.listQueues(
      { parent: LOCATION, pageSize: 2, pageToken: page1?.nextPageToken ?? '' },
      { autoPaginate: false },
    );
    assert.deepEqual(
      second.map((q) => q.name),
      [queueName('c')],
    );
    const [resumed] = await client.resumeQueue({ name: queueName('b') });
    assert.equal(resumed.state, 'RUNNING');

    const [upserted] = await client.updateQueue({ queue: { name: queueName('upsert'), rateLimits: { maxDispatchesPerSecond: 3 } } });
    assert.equal(upserted.rateLimits?.maxDispatchesPerSecond, 3);

    const name = await pausedQueue('purged');
    await client.createTask({ parent: name, task: httpTask() });
    const [purged] = await client.purgeQueue({ name });
    assert.ok(purged.purgeTime, 'purgeTime is set');
    const [tasks] = await client.listTasks({ parent: name });
    assert.equal(tasks.length, 0);
  });

  test('wire refusals: no token, an unknown field, a bad duration, a query parameter v2 does not bind', async () => {
    const unauthenticated = await raw('GET', `/v2/${LOCATION}/queues`, undefined, false);
    assert.equal(unauthenticated.status, 401);
    assert.equal(unauthenticated.json.error?.status, 'UNAUTHENTICATED');
    const unknown = await raw('POST', `/v2/${LOCATION}/queues`, { name: queueName('u'), rateLimit: {} });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.error?.message, `Invalid JSON payload received. Unknown name "rateLimit" at 'queue': Cannot find field.`);
    const duration = await raw('POST', `/v2/${LOCATION}/queues`, { name: queueName('d'), retryConfig: { minBackoff: '10' } });
    assert.equal(
      duration.json.error?.message,
      `Invalid value at 'queue.retry_config.min_backoff' (type.googleapis.com/google.protobuf.Duration), "10"`,
    );
    await client.createQueue({ parent: LOCATION, queue: { name: queueName('m') } });
    const mask = await raw('GET', `/v2/${queueName('m')}?readMask=stats`);
    assert.equal(mask.status, 400);
    assert.match(mask.json.error?.message ?? '', /Unknown name "readMask": Cannot bind query parameter/);
    const names = await raw('POST', `/v2/${LOCATION}/queues`, {
      name: queueName('snake'),
      rate_limits: { max_dispatches_per_second: 4 },
      state: 'PAUSED',
    });
    assert.equal(names.status, 200, 'proto field names are accepted too; state is output only');
    assert.deepEqual(
      [(names.json.rateLimits as { maxDispatchesPerSecond: number }).maxDispatchesPerSecond, names.json.state],
      [4, 'RUNNING'],
    );
  });
});

describe('tasks', () => {
  test('create → get in the BASIC and FULL views: stored headers, OIDC settings, times', async () => {
    const queue = await pausedQueue('views');
    const body = Buffer.from('{"bucket":"b","name":"n","generation":"1"}');
    const [created] = await client.createTask({
      parent: queue,
      task: httpTask(`${queue}/tasks/t-1`, {
        httpMethod: 'PUT',
        headers: { 'Content-Type': 'application/json', Host: 'evil.example', 'X-Google-Foo': '1', 'User-Agent': 'mine' },
        body,
        oidcToken: { serviceAccountEmail: 'dispatcher@emu-project.iam.gserviceaccount.com', audience: 'https://fn.example' },
      }),
      responseView: 'FULL',
    });
    assert.equal(created.name, `${queue}/tasks/t-1`);
    assert.equal(created.view, 'FULL');
    assert.equal(created.httpRequest?.httpMethod, 'PUT');
    assert.deepEqual(created.httpRequest?.headers, { 'Content-Type': 'application/json', 'User-Agent': 'Google-Cloud-Tasks' });
    assert.ok(Buffer.from(created.httpRequest?.body as Uint8Array).equals(body));
    assert.deepEqual(created.httpRequest?.oidcToken, {
      serviceAccountEmail: 'dispatcher@emu-project.iam.gserviceaccount.com',
      audience: 'https://fn.example',
    });
    assert.equal(Number(created.scheduleTime?.seconds) * 1000, clock.now());
    assert.deepEqual(created.dispatchDeadline, { seconds: '600', nanos: 0 });

    const [basic] = await client.getTask({ name: created.name as string });
    assert.equal(basic.view, 'BASIC');
    assert.equal(basic.httpRequest?.body?.length ?? 0, 0, 'BASIC leaves the body out');
    const [full] = await client.getTask({ name: created.name as string, responseView: 'FULL' });
    assert.ok(Buffer.from(full.httpRequest?.body as Uint8Array).equals(body));
  });

  test('an unnamed task gets a numeric ID; list pages; delete', async () => {
    const queue = await pausedQueue('listing');
    const [unnamed] = await client.createTask({ parent: queue, task: httpTask() });
    assert.match(unnamed.name as string, new RegExp(`^${queue}/tasks/\\d{19,20}$`));
    for (let i = 0; i < 4; i++) await client.createTask({ parent: queue, task: httpTask(undefined, {}) });
    const [all] = await client.listTasks({ parent: queue });
    assert.equal(all.length, 5);
    const [page] = await client.listTasks({ parent: queue, pageSize: 2 }, { autoPaginate: false });
    assert.equal(page.length, 2);
    await client.deleteTask({ name: unnamed.name as string });
    const [left] = await client.listTasks({ parent: queue });
    assert.equal(left.length, 4);
  });

  test('de-duplication: a name in use or deleted within the tombstone TTL (1 hour) → ALREADY_EXISTS (6)', async () => {
    const queue = await pausedQueue('dedup');
    const name = `${queue}/tasks/bucket-object-42`;
    await client.createTask({ parent: queue, task: httpTask(name) });
    for (let i = 0; i < 2; i++) {
      const again = await rpcFailure(client.createTask({ parent: queue, task: httpTask(name) }));
      assert.deepEqual([again.code, /Requested entity already exists/.test(again.message)], [6, true]);
    }
    await client.deleteTask({ name });
    const gone = await rpcFailure(client.getTask({ name }));
    assert.equal(gone.code, 5);
    assert.match(gone.message, /a task with this name existed recently/);
    assert.equal((await rpcFailure(client.createTask({ parent: queue, task: httpTask(name) }))).code, 6);
    await clock.advance(3600 * 1000 - 1);
    assert.equal((await rpcFailure(client.createTask({ parent: queue, task: httpTask(name) }))).code, 6);
    await clock.advance(1);
    await client.createTask({ parent: queue, task: httpTask(name) });
    const never = await rpcFailure(client.getTask({ name: `${queue}/tasks/never` }));
    assert.match(never.message, /Requested entity was not found\./);
  });

  const refused: [string, (queue: string) => Record<string, unknown>, number, RegExp][] = [
    ['a task named in another queue', (q) => httpTask(`${q}-other/tasks/x`), 3, /must be the same as the queue name in the named task/],
    ['a bad task ID', (q) => httpTask(`${q}/tasks/not a valid id`), 3, /Task ID "not a valid id" can contain only letters/],
    ['a non-http URL', () => ({ httpRequest: { url: 'ftp://example.com/x' } }), 3, /http:\/\/" or "https:\/\//],
    ['a body on GET', () => httpTask(undefined, { httpMethod: 'GET', body: Buffer.from('x') }), 3, /POST, PUT, or PATCH/],
    ['a 5 s dispatch deadline', () => ({ ...httpTask(), dispatchDeadline: { seconds: 5 } }), 3, /dispatch_deadline/],
    [
      'a schedule 31 days ahead',
      () => ({ ...httpTask(), scheduleTime: { seconds: Math.floor(clock.now() / 1000) + 31 * 24 * 3600 } }),
      3,
      /30 days/,
    ],
    ['a task over 1 MB', () => httpTask(undefined, { body: Buffer.alloc(1024 * 1024) }), 3, /Task size too large/],
    ['an App Engine task', () => ({ appEngineHttpRequest: { relativeUri: '/x' } }), 12, /HTTP target tasks/],
    ['an OIDC token without an account', () => httpTask(undefined, { oidcToken: { audience: 'a' } }), 3, /service_account_email/],
  ];
  for (const [what, task, code, message] of refused) {
    test(`CreateTask refuses ${what}`, async () => {
      const queue = await pausedQueue('refusals');
      const failure = await rpcFailure(client.createTask({ parent: queue, task: task(queue) }));
      assert.equal(failure.code, code);
      assert.match(failure.message, message);
    });
  }

  test('a task for a missing queue → NOT_FOUND (5) with Cloud Tasks’ message', async () => {
    const failure = await rpcFailure(client.createTask({ parent: queueName('nowhere'), task: httpTask() }));
    assert.equal(failure.code, 5);
    assert.match(failure.message, /Queue does not exist/);
  });
});
