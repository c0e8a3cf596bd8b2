/**
 * Contract tests of the Cloud Tasks emulator's dispatch, through `@google-cloud/tasks` (REST fallback) and
 * a local HTTP target: the rate (token bucket) and concurrency limits, the retry schedule and its limits,
 * 429/503 with Retry-After, pause and resume, the `X-CloudTasks-*` headers and the OIDC token. Time is a
 * ManualClock, so every verdict is a count at a virtual instant, whatever the machine's speed.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OAuth2Client } from 'google-auth-library';
import { ManualClock, type Emulators } from '../index.js';
import { LOCATION, queueName, rpcFailure, startWithTasks, Target, type TasksClient } from './tasks/support.js';

let emu: Emulators;
let clock: ManualClock;
let client: TasksClient;
let started: Awaited<ReturnType<typeof startWithTasks>>;
const target = new Target();

before(async () => {
  clock = new ManualClock();
  started = await startWithTasks(target, { clock });
  ({ emu, client } = started);
});
after(() => started.stop());
beforeEach(() => started.reset());

const SECOND = 1000;

async function createQueue(id: string, queue: Record<string, unknown> = {}, paused = false): Promise<string> {
  const [created] = await client.createQueue({ parent: LOCATION, queue: { name: queueName(id), ...queue } });
  if (paused) await client.pauseQueue({ name: created.name as string });
  return created.name as string;
}

async function addTasks(queue: string, ids: string[], extra: Record<string, unknown> = {}): Promise<void> {
  for (const id of ids) {
    await client.createTask({
      parent: queue,
      task: { name: `${queue}/tasks/${id}`, httpRequest: { url: `${target.url}/backup`, ...extra } },
    });
  }
  await clock.settle();
}

const ids = (n: number, prefix = 't') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
/** Dispatch times relative to the first, in seconds. */
const offsets = (times: number[]) => times.map((t) => (t - (times[0] as number)) / SECOND);

describe('rate and concurrency', () => {
  test('10/s with the derived burst of 2: 2 at once, then 10 per second (counts against the clock)', async () => {
    const queue = await createQueue('rate', { rateLimits: { maxDispatchesPerSecond: 10 } });
    await addTasks(queue, ids(30));
    const counts = [target.hits.length];
    for (let i = 0; i < 3; i++) {
      await clock.advance(SECOND);
      counts.push(target.hits.length);
    }
    assert.deepEqual(counts, [2, 12, 22, 30]);
    const times = emu.tasks.dispatches({ queue }).map((d) => d.atMs);
    const gaps = times.slice(2).map((t, i) => t - (times[i + 1] as number));
    assert.deepEqual(new Set(gaps), new Set([100]), 'after the burst, one dispatch every 100 ms');
  });

  test('a queue paused while tasks arrive sends its burst on resume, then keeps the rate', async () => {
    const queue = await createQueue('resume', { rateLimits: { maxDispatchesPerSecond: 5 } }, true);
    await addTasks(queue, ids(8));
    await clock.advance(60 * SECOND);
    assert.equal(target.hits.length, 0, 'a paused queue dispatches nothing');
    const [paused] = await client.getQueue({ name: queue });
    assert.equal(paused.state, 'PAUSED');
    const [resumed] = await client.resumeQueue({ name: queue });
    assert.equal(resumed.state, 'RUNNING');
    await clock.settle();
    assert.equal(target.hits.length, 1, 'the burst of a 5/s queue is 1');
    await clock.advance(SECOND);
    assert.equal(target.hits.length, 6);
    await client.pauseQueue({ name: queue });
    await clock.advance(10 * SECOND);
    assert.equal(target.hits.length, 6, 'paused again: nothing more');
    await client.resumeQueue({ name: queue });
    await clock.advance(SECOND);
    assert.equal(target.hits.length, 8);
  });

  test('two queues pace independently', async () => {
    const slow = await createQueue('slow', { rateLimits: { maxDispatchesPerSecond: 2 } });
    const fast = await createQueue('fast', { rateLimits: { maxDispatchesPerSecond: 20 } });
    await addTasks(slow, ids(10, 's'));
    await addTasks(fast, ids(40, 'f'));
    await clock.advance(SECOND);
    const by = (prefix: string) => target.hits.filter((h) => String(h.headers['x-cloudtasks-taskname']).startsWith(prefix)).length;
    assert.deepEqual([by('s'), by('f')], [1 + 2, 4 + 20]);
  });

  test('max_concurrent_dispatches bounds the attempts in flight', async () => {
    const queue = await createQueue('concurrent', { rateLimits: { maxConcurrentDispatches: 3 } });
    const held: (() => void)[] = [];
    target.answer = () => new Promise((resolve) => held.push(() => resolve({ status: 200 })));
    for (const id of ids(7)) {
      await client.createTask({ parent: queue, task: { name: `${queue}/tasks/${id}`, httpRequest: { url: `${target.url}/backup` } } });
    }
    await target.waitForHits(3);
    // The pump is synchronous: once every CreateTask has returned, what it started is in the log.
    assert.equal(emu.tasks.dispatches({ queue }).length, 3);
    assert.equal(emu.tasks.stats()[0]?.concurrentDispatchesCount, 3);
    for (let sent = 4; sent <= 7; sent++) {
      held.shift()?.();
      await target.waitForHits(sent);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(emu.tasks.dispatches({ queue }).length, sent, 'one answer frees one slot');
    }
    while (held.length > 0) held.shift()?.();
    await clock.settle();
    assert.equal(emu.tasks.stats()[0]?.tasksCount, 0);
  });
});

describe('retries', () => {
  test('the documented schedule: 10 s min, 300 s max, 3 doublings → 10, 20, 40, 80, 160, 240, 300, 300 s; then deleted', async () => {
    const queue = await createQueue('backoff', {
      retryConfig: { maxAttempts: 9, minBackoff: { seconds: 10 }, maxBackoff: { seconds: 300 }, maxDoublings: 3 },
    });
    target.answer = () => ({ status: 500 });
    await addTasks(queue, ['doomed']);
    await clock.advance(3600 * SECOND);
    const times = target.hitsOf('doomed').map((_, i) => emu.tasks.dispatches({ queue })[i]?.atMs as number);
    assert.deepEqual(offsets(times), [0, 10, 30, 70, 150, 310, 550, 850, 1150]);
    const gone = await rpcFailure(client.getTask({ name: `${queue}/tasks/doomed` }));
    assert.match(gone.message, /existed recently/, 'out of attempts: the task is deleted');
    const counters = emu.tasks.stats()[0]?.counters;
    assert.deepEqual([counters?.dispatched, counters?.failed, counters?.retriesScheduled, counters?.exhausted], [9, 9, 8, 1]);
  });

  const limits: [string, number, number, number][] = [
    ['max_attempts 3, no duration', 3, 0, 3],
    ['max_attempts 2 and 35 s: retried until both are spent', 2, 35, 5],
    ['unlimited attempts, 25 s', -1, 25, 4],
  ];
  for (const [what, maxAttempts, seconds, attempts] of limits) {
    test(`retry limits: ${what} → ${attempts} attempts`, async () => {
      const queue = await createQueue('limits', {
        retryConfig: {
          maxAttempts,
          ...(seconds ? { maxRetryDuration: { seconds } } : {}),
          minBackoff: { seconds: 10 },
          maxBackoff: { seconds: 10 },
        },
      });
      target.answer = () => ({ status: 404 });
      await addTasks(queue, ['t']);
      await clock.advance(600 * SECOND);
      assert.equal(target.hits.length, attempts);
    });
  }

  test('X-CloudTasks-* headers across attempts (503, 404, 200), as real Cloud Tasks sends them', async () => {
    const queue = await createQueue('headers', { retryConfig: { minBackoff: { seconds: 1 }, maxBackoff: { seconds: 1 } } });
    const statuses = [503, 404, 200];
    target.answer = () => ({ status: statuses.shift() ?? 200 });
    await addTasks(queue, ['h1'], { headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{"a":1}') });
    await clock.advance(10 * SECOND);
    const pick = (i: number) => {
      const h = target.hits[i]?.headers ?? {};
      return Object.fromEntries(Object.entries(h).filter(([k]) => k.startsWith('x-cloudtasks-') && k !== 'x-cloudtasks-tasketa'));
    };
    const common = { 'x-cloudtasks-queuename': 'headers', 'x-cloudtasks-taskname': 'h1' };
    assert.deepEqual(pick(0), { ...common, 'x-cloudtasks-taskretrycount': '0', 'x-cloudtasks-taskexecutioncount': '0' });
    assert.deepEqual(pick(1), {
      ...common,
      'x-cloudtasks-taskretrycount': '1',
      'x-cloudtasks-taskexecutioncount': '0',
      'x-cloudtasks-taskpreviousresponse': '503',
      'x-cloudtasks-taskretryreason': '',
    });
    assert.deepEqual(pick(2), {
      ...common,
      'x-cloudtasks-taskretrycount': '2',
      'x-cloudtasks-taskexecutioncount': '1',
      'x-cloudtasks-taskpreviousresponse': '404',
      'x-cloudtasks-taskretryreason': '',
    });
    const first = target.hits[0];
    assert.equal(first?.method, 'POST');
    assert.equal(first?.path, '/backup');
    assert.equal(first?.headers['user-agent'], 'Google-Cloud-Tasks');
    assert.equal(first?.headers['content-type'], 'application/json');
    assert.equal(first?.body.toString(), '{"a":1}');
    const eta = Number(target.hits[1]?.headers['x-cloudtasks-tasketa']);
    assert.equal(eta * 1000, emu.tasks.dispatches({ queue })[1]?.atMs as number, 'the ETA of a retry is its new schedule time');
    assert.equal(target.hits.length, 3);
  });

  test('429 and 503 honour Retry-After and halve the effective rate; a 2xx gives a tenth back', async () => {
    const queue = await createQueue('throttle', {
      rateLimits: { maxDispatchesPerSecond: 100 },
      retryConfig: { minBackoff: { seconds: 1 }, maxBackoff: { seconds: 1 } },
    });
    const answers: { status: number; headers?: Record<string, string> }[] = [
      { status: 429, headers: { 'Retry-After': '120' } },
      { status: 503 },
      { status: 200 },
    ];
    target.answer = () => answers.shift() ?? { status: 200 };
    await addTasks(queue, ['busy']);
    assert.equal(emu.tasks.stats()[0]?.effectiveExecutionRate, 50);
    await clock.advance(119 * SECOND);
    assert.equal(target.hits.length, 1, 'Retry-After: 120 outweighs the 1 s backoff');
    await clock.advance(SECOND);
    assert.equal(target.hits.length, 2);
    assert.equal(emu.tasks.stats()[0]?.effectiveExecutionRate, 25);
    await clock.advance(SECOND);
    assert.equal(target.hits.length, 3, 'a 503 without Retry-After waits the normal backoff');
    assert.equal(emu.tasks.stats()[0]?.effectiveExecutionRate, 35);
    assert.equal(emu.tasks.stats()[0]?.counters.throttled, 2);
  });

  test('a target that refuses connections is retried; the attempt has no response', async () => {
    const queue = await createQueue('refused', { retryConfig: { maxAttempts: 2, minBackoff: { seconds: 1 } } });
    await client.createTask({ parent: queue, task: { name: `${queue}/tasks/r`, httpRequest: { url: 'http://127.0.0.1:9/backup' } } });
    await clock.settle();
    const [task] = await client.getTask({ name: `${queue}/tasks/r` });
    assert.equal(task.dispatchCount, 1);
    assert.equal(task.responseCount, 0);
    assert.equal(task.lastAttempt?.responseStatus?.code, 14);
    await clock.advance(2 * SECOND);
    assert.deepEqual([emu.tasks.stats()[0]?.counters.unanswered, emu.tasks.stats()[0]?.counters.exhausted], [2, 1]);
  });

  test('an executed task’s name stays taken for an hour', async () => {
    const queue = await createQueue('executed');
    await addTasks(queue, ['once']);
    assert.equal(target.hits.length, 1);
    const again = await rpcFailure(
      client.createTask({ parent: queue, task: { name: `${queue}/tasks/once`, httpRequest: { url: target.url } } }),
    );
    assert.equal(again.code, 6);
    await clock.advance(3600 * SECOND);
    await addTasks(queue, ['once']);
    assert.equal(target.hits.length, 2);
  });

  test('a task deleted while waiting for its retry is not sent again', async () => {
    const queue = await createQueue('deleted', { retryConfig: { minBackoff: { seconds: 5 } } });
    target.answer = () => ({ status: 500 });
    await addTasks(queue, ['d']);
    await client.deleteTask({ name: `${queue}/tasks/d` });
    await clock.advance(60 * SECOND);
    assert.equal(target.hits.length, 1);
  });
});

describe('OIDC tokens', () => {
  test('a signed ID token with email, audience (the URL by default) and Google’s issuer, verifiable with google-auth-library', async () => {
    // The emulators' clock two hours on: tokens are still issued on wall time, the verifier's clock.
    await clock.advance(2 * 3600 * SECOND);
    const queue = await createQueue('oidc');
    const email = 'dispatcher@emu-project.iam.gserviceaccount.com';
    await addTasks(queue, ['default-aud'], { oidcToken: { serviceAccountEmail: email } });
    await addTasks(queue, ['explicit-aud'], {
      oidcToken: { serviceAccountEmail: email, audience: 'https://backup.example' },
      headers: { Authorization: 'Bearer mine' },
    });
    const verifier = new OAuth2Client({
      endpoints: { oauth2FederatedSignonPemCertsUrl: `${emu.env.CLOUD_TASKS_EMULATOR_HOST}/_emulator/tasks/oidc/certs` },
    });
    const tokenOf = (id: string) => {
      const header = String(target.hitsOf(id)[0]?.headers.authorization);
      assert.match(header, /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      return header.slice('Bearer '.length);
    };
    const ticket = await verifier.verifyIdToken({ idToken: tokenOf('default-aud'), audience: `${target.url}/backup` });
    const claims = ticket.getPayload();
    assert.equal(claims?.email, email);
    assert.equal(claims?.email_verified, true);
    assert.equal(claims?.iss, 'https://accounts.google.com');
    assert.match(String(claims?.sub), /^\d{21}$/);
    assert.equal(claims?.exp, (claims?.iat as number) + 3600);
    const explicit = await verifier.verifyIdToken({ idToken: tokenOf('explicit-aud'), audience: 'https://backup.example' });
    assert.equal(explicit.getPayload()?.aud, 'https://backup.example', 'the task’s own Authorization header is replaced');
    await assert.rejects(
      verifier.verifyIdToken({ idToken: tokenOf('explicit-aud'), audience: 'https://other.example' }),
      /Wrong recipient/,
    );
  });

  test('a task with oauthToken gets an opaque bearer access token; one without any keeps its own header', async () => {
    const queue = await createQueue('oauth');
    await addTasks(queue, ['oauth'], { oauthToken: { serviceAccountEmail: 'sa@emu-project.iam.gserviceaccount.com' } });
    await addTasks(queue, ['plain'], { headers: { Authorization: 'Bearer caller' } });
    assert.match(String(target.hitsOf('oauth')[0]?.headers.authorization), /^Bearer ya29\.emulator-/);
    assert.equal(target.hitsOf('plain')[0]?.headers.authorization, 'Bearer caller');
  });
});
