/**
 * Tests for the gateway every Google call goes through: a table of scripted attempts (errors shaped as
 * the clients throw them) → attempts made, waits, what is thrown; the service mark on errors that leave
 * it; and the seams pacing plugs into (a pacer awaited per attempt, the "rate-limited: give up" policy,
 * the per-instance and per-invocation retry notices, the failed-attempt hook). No test really waits.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyFailure } from '../../../src/core/classify.js';
import { markedService } from '../../../src/core/failure.js';
import { Gateway, type GatewayOptions, type Pacer, type RetryNotice } from '../../../src/core/gateway.js';
import { RetriesExhaustedError } from '../../../src/core/retry.js';

/** An error shaped like a googleapis (gaxios) error with a JSON API reason. */
const httpError = (status: number, reason = 'backendError', headers: Record<string, string> = {}) =>
  Object.assign(new Error(`${status} ${reason}`), {
    response: { status, headers, data: { error: { code: status, errors: [{ reason, message: reason }] } } },
  });
const network = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

type Step = Error | 'ok';

function run(script: Step[], options: Partial<GatewayOptions<string>> = {}, scope: Parameters<Gateway<string>['call']>[2] = {}) {
  const sleeps: number[] = [];
  const attempts: number[] = [];
  const clients: string[] = [];
  const gateway = new Gateway<string>({
    service: 'drive',
    client: () => Promise.resolve('the client'),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...options,
  });
  const outcome = gateway
    .call(
      'files.get',
      (client, attempt) => {
        clients.push(client);
        attempts.push(attempt);
        const step = script[attempt - 1] ?? new Error('script ran out');
        return step === 'ok' ? Promise.resolve(`done on ${attempt}`) : Promise.reject(step);
      },
      scope,
    )
    .then(
      (value): { value?: string; error?: unknown } => ({ value }),
      (error: unknown): { value?: string; error?: unknown } => ({ error }),
    );
  return outcome.then((result) => ({ ...result, sleeps, attempts, clients }));
}

describe('Gateway.call: what is retried', () => {
  type Row = [name: string, script: Step[], attempts: number, result: 'ok' | 'thrown' | 'exhausted'];
  const rows: Row[] = [
    ['success at once', ['ok'], 1, 'ok'],
    ['503 then success', [httpError(503), 'ok'], 2, 'ok'],
    ['a network reset then success', [network(), 'ok'], 2, 'ok'],
    ['429 (rate-limited) then success', [httpError(429, 'rateLimitExceeded'), 'ok'], 2, 'ok'],
    ['403 rate limit then success', [httpError(403, 'userRateLimitExceeded'), 'ok'], 2, 'ok'],
    ['403 storage full: the operator must act, not retried', [httpError(403, 'storageQuotaExceeded'), 'ok'], 1, 'thrown'],
    ['400: retrying cannot help', [httpError(400, 'invalid'), 'ok'], 1, 'thrown'],
    ['six 503s: exhausted', Array.from({ length: 8 }, () => httpError(503)), 6, 'exhausted'],
  ];
  for (const [name, script, attempts, result] of rows) {
    test(name, async () => {
      const r = await run(script);
      assert.equal(r.attempts.length, attempts);
      assert.deepEqual(
        r.clients,
        Array.from({ length: attempts }, () => 'the client'),
      );
      if (result === 'ok') assert.equal(r.value, `done on ${attempts}`);
      if (result === 'thrown') assert.equal(r.error, script[0]);
      if (result === 'exhausted') assert.ok(r.error instanceof RetriesExhaustedError);
    });
  }

  test('Retry-After sets the wait', async () => {
    const r = await run([httpError(503, 'backendError', { 'retry-after': '3' }), 'ok']);
    assert.deepEqual(r.sleeps, [3000]);
  });

  test('no wait runs past the scope deadline', async () => {
    const r = await run([httpError(503), 'ok'], {}, { deadline: { remainingMs: () => 10 } });
    assert.ok(r.error instanceof RetriesExhaustedError);
    assert.equal(r.error.stoppedBy, 'deadline');
    assert.deepEqual(r.sleeps, []);
  });
});

describe('Gateway.call: errors leave marked with the service', () => {
  for (const service of ['drive', 'gcs-source', 'state', 'secret-manager', 'oauth'] as const) {
    test(service, async () => {
      const err = httpError(403, 'forbidden');
      const r = await run([err], { service });
      assert.equal(r.error, err);
      assert.equal(markedService(err), service);
      assert.equal(classifyFailure(err, 'drive').service, service, 'classified as the marking service, whatever the fallback');
    });
  }

  test('an inner gateway keeps its mark when an outer one passes the error on', async () => {
    const inner = new Gateway<string>({ service: 'drive', client: () => Promise.resolve('d') });
    const err = httpError(403, 'forbidden');
    const r = await run([], {
      service: 'state',
      client: () => inner.call('files.get', () => Promise.reject(err)),
    });
    assert.equal(r.error, err);
    assert.equal(markedService(err), 'drive');
  });
});

describe('Gateway seams for pacing', () => {
  test('the pacer is awaited before every attempt', async () => {
    const acquired: string[] = [];
    const pacer: Pacer = {
      acquire: (what) => {
        acquired.push(what);
        return Promise.resolve(undefined);
      },
    };
    const r = await run([httpError(503), httpError(503), 'ok'], { pacer });
    assert.deepEqual(acquired, ['files.get', 'files.get', 'files.get']);
    assert.equal(r.value, 'done on 3');
  });

  test("policy onRateLimit 'give-up': a rate limit is rethrown at once, other transient failures still retried", async () => {
    const limited = await run([httpError(429, 'rateLimitExceeded'), 'ok'], { policy: { onRateLimit: 'give-up' } });
    assert.equal(limited.attempts.length, 1);
    assert.equal(classifyFailure(limited.error, 'drive').kind, 'rate-limited');
    const flaky = await run([httpError(503), 'ok'], { policy: { onRateLimit: 'give-up' } });
    assert.equal(flaky.value, 'done on 2');
  });

  test("a scope's onRateLimit overrides the policy of the services it names, for its calls only", async () => {
    const worker = await run([httpError(403, 'userRateLimitExceeded'), 'ok'], {}, { onRateLimit: { drive: 'give-up' } });
    assert.equal(worker.attempts.length, 1, 'a Cloud Tasks dispatch gives up on Drive at once');
    assert.equal(classifyFailure(worker.error, 'drive').kind, 'rate-limited');
    const direct = await run([httpError(403, 'userRateLimitExceeded'), 'ok']);
    assert.equal(direct.value, 'done on 2', 'direct mode backs off and retries');
    const state = await run([httpError(429), 'ok'], { service: 'state' }, { onRateLimit: { drive: 'give-up' } });
    assert.equal(state.value, 'done on 2', "another service's rate limit is still waited out");
    const back = await run([httpError(429), 'ok'], { policy: { onRateLimit: 'give-up' } }, { onRateLimit: { drive: 'backoff' } });
    assert.equal(back.value, 'done on 2');
  });

  test('policy maxAttempts bounds the attempts', async () => {
    const r = await run([httpError(503), httpError(503), 'ok'], { policy: { maxAttempts: 2 } });
    assert.ok(r.error instanceof RetriesExhaustedError);
    assert.equal(r.attempts.length, 2);
  });

  test('every retry is told to the instance and to the invocation', async () => {
    const instance: RetryNotice[] = [];
    const invocation: RetryNotice[] = [];
    await run([httpError(503), network(), 'ok'], { onRetry: (n) => instance.push(n) }, { onRetry: (n) => invocation.push(n) });
    assert.deepEqual(
      instance.map((n) => [n.what, n.attempt, n.failure.kind]),
      [
        ['files.get', 1, 'transient'],
        ['files.get', 2, 'transient'],
      ],
    );
    assert.deepEqual(invocation, instance);
  });

  test('every failed attempt is told to onAttemptFailed before it is classified (Drive drops its token on 401)', async () => {
    const seen: unknown[] = [];
    const err = httpError(401, 'authError');
    const r = await run([err, 'ok'], { onAttemptFailed: (e) => seen.push(e) });
    assert.deepEqual(seen, [err]);
    assert.equal(r.value, 'done on 2');
  });
});

test('Gateway.retry binds the scope into the one Retry type', async () => {
  const notices: string[] = [];
  const gateway = new Gateway<number>({ service: 'state', client: () => Promise.resolve(7), sleep: () => Promise.resolve() });
  const retry = gateway.retry({ onRetry: (n) => notices.push(n.what) });
  let calls = 0;
  const value = await retry('state read', (client, attempt) => {
    calls++;
    return attempt === 1 ? Promise.reject(network()) : Promise.resolve(client * attempt);
  });
  assert.deepEqual([value, calls, notices], [14, 2, ['state read']]);
});

describe('Gateway: a paced call refused for rate waits on the pacer', () => {
  /** A pacer that paces `upload` only, records what it is told, and says the next turn is `waitMs` away. */
  function recordingPacer(waitMs = 500) {
    const told: string[] = [];
    const pacer: Required<Pacer> = {
      acquire: (what) => Promise.resolve(what === 'upload' ? { grantedAtMs: told.length } : undefined),
      settle: (_slot, err, failure) => void told.push(err === undefined ? 'accepted' : (failure?.kind ?? 'unclassified')),
      waitMs: () => waitMs,
    };
    return { pacer, told };
  }
  /** Runs `what` through a gateway whose operation follows `script` call by call (not attempt by attempt). */
  async function paced(what: string, script: Step[], pacer: Pacer, scope: Parameters<Gateway<string>['call']>[2]) {
    const sleeps: number[] = [];
    const notices: RetryNotice[] = [];
    let calls = 0;
    const gateway = new Gateway<string>({
      service: 'drive',
      client: () => Promise.resolve('c'),
      pacer,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
    });
    const outcome = await gateway
      .call(
        what,
        (_c, attempt) => {
          const step = script[calls++] ?? new Error('script ran out');
          return step === 'ok' ? Promise.resolve(`done on attempt ${attempt}`) : Promise.reject(step);
        },
        { ...scope, onRetry: (n) => notices.push(n) },
      )
      .then(
        (value) => ({ value, error: undefined as unknown }),
        (error: unknown) => ({ value: undefined, error }),
      );
    return { ...outcome, calls, sleeps, notices };
  }
  const refused = () => httpError(403, 'rateLimitExceeded');
  const deadline = (ms: number) => ({ remainingMs: () => ms });

  test('more refusals than maxAttempts allows: all waited out on the pacer, one attempt', async () => {
    const { pacer, told } = recordingPacer();
    const r = await paced('upload', [...Array.from({ length: 9 }, refused), 'ok'], pacer, { deadline: deadline(600_000) });
    assert.equal(r.value, 'done on attempt 1');
    assert.equal(r.calls, 10);
    assert.deepEqual(told, [...Array<string>(9).fill('rate-limited'), 'accepted']);
    // The pacer's 500 ms, until the call's own backoff (random 0.5 of 250 ms · 2^(n-1), at most 32 s) is longer:
    // then the gateway sleeps the difference, and the pacer's acquire the rest.
    const waits = [500, 500, 500, 1000, 2000, 4000, 8000, 16_000, 16_000];
    assert.deepEqual(
      r.notices.map((n) => [n.delayMs, n.failure.kind]),
      waits.map((ms) => [ms, 'rate-limited']),
    );
    assert.deepEqual(r.sleeps, [500, 1500, 3500, 7500, 15_500, 15_500]);
  });

  test("the pacer's next turn past the deadline: given up, stopped by the deadline", async () => {
    const { pacer } = recordingPacer(5000);
    const r = await paced('upload', [refused(), 'ok'], pacer, { deadline: deadline(4000) });
    assert.ok(r.error instanceof RetriesExhaustedError);
    assert.equal(r.error.stoppedBy, 'deadline');
    assert.equal(r.calls, 1);
  });

  test("a scope that gives up on Drive's rate limits rethrows at once, and the pacer still learns", async () => {
    const { pacer, told } = recordingPacer();
    const r = await paced('upload', [refused(), 'ok'], pacer, { deadline: deadline(60_000), onRateLimit: { drive: 'give-up' } });
    assert.equal(classifyFailure(r.error, 'drive').kind, 'rate-limited');
    assert.deepEqual([r.calls, told], [1, ['rate-limited']]);
  });

  test('an unpaced call, or one without a deadline, retries a rate limit as before (attempts, backoff)', async () => {
    const { pacer, told } = recordingPacer();
    const read = await paced('files.list', [refused(), 'ok'], pacer, { deadline: deadline(60_000) });
    assert.deepEqual([read.value, read.sleeps.length, told], ['done on attempt 2', 1, []]);
    const unbounded = await paced('upload', Array.from({ length: 6 }, refused), pacer, {});
    assert.ok(unbounded.error instanceof RetriesExhaustedError);
    assert.equal(unbounded.error.stoppedBy, 'attempts');
  });

  test('other failures of a paced call are retried as attempts, the pacer told of them unchanged', async () => {
    const { pacer, told } = recordingPacer();
    const r = await paced('upload', [httpError(503), 'ok'], pacer, { deadline: deadline(60_000) });
    assert.deepEqual([r.value, told], ['done on attempt 2', ['transient', 'accepted']]);
  });
});
