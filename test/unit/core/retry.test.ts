/**
 * Tests for withRetry: scripted operations (each attempt fails with a given failure or succeeds) run with
 * an injected sleep that records the waits and an injected random, so no test really waits.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Failure } from '../../../src/core/failure.js';
import { backoffDelayMs, RetriesExhaustedError, withRetry, type RetryInfo, type RetryOptions } from '../../../src/core/retry.js';

/** An error that carries the failure the test wants `classify` to return. */
class Scripted extends Error {
  constructor(readonly failure: Failure) {
    super(failure.reason);
  }
}

const transient = (retryAfterMs?: number): Failure => ({
  kind: 'transient',
  service: 'drive',
  reason: 'flaky',
  ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
});
const classify = (err: unknown): Failure =>
  err instanceof Scripted
    ? err.failure
    : { kind: 'permanent', service: 'drive', reason: 'not scripted', problemCode: 'drive-request-rejected', action: 'none' };

/** Runs withRetry over `script`: one entry per attempt, a Failure to throw or 'ok'. */
async function run(script: (Failure | 'ok')[], options: Partial<RetryOptions> = {}) {
  const sleeps: number[] = [];
  const retries: RetryInfo[] = [];
  const attempts: number[] = [];
  let outcome: unknown;
  try {
    outcome = await withRetry(
      async (attempt) => {
        attempts.push(attempt);
        const step = script[attempt - 1];
        if (step === undefined) throw new Error('script ran out');
        if (step === 'ok') return `done on ${attempt}`;
        throw new Scripted(step);
      },
      {
        classify,
        sleep: async (ms) => void sleeps.push(ms),
        random: () => 0.5,
        onRetry: (info) => retries.push(info),
        ...options,
      },
    );
  } catch (err) {
    outcome = err;
  }
  return { outcome, sleeps, retries, attempts };
}

describe('backoffDelayMs', () => {
  type Row = [attempt: number, random: number, retryAfterMs: number | undefined, expected: number];
  const rows: Row[] = [
    [1, 0.5, undefined, 125], // 0.5 · min(32000, 250·2^0)
    [2, 0.5, undefined, 250],
    [3, 0.999, undefined, 999], // floor(0.999 · 1000)
    [8, 0.5, undefined, 16_000], // 250·2^7 = 32000, the cap
    [12, 0.5, undefined, 16_000], // still capped
    [1, 0, undefined, 0],
    [1, 0.5, 5_000, 5_000], // Retry-After wins when longer
    [8, 0.9, 1_000, 28_800], // the backoff wins when longer
    [3, 0.5, 60_000, 60_000], // Retry-After is honoured even beyond the cap
  ];
  for (const [attempt, random, retryAfterMs, expected] of rows) {
    test(`attempt ${attempt}, random ${random}, Retry-After ${retryAfterMs} → ${expected} ms`, () => {
      assert.equal(backoffDelayMs(attempt, { baseDelayMs: 250, maxDelayMs: 32_000, random: () => random, retryAfterMs }), expected);
    });
  }
});

describe('withRetry', () => {
  test('returns at once when the first attempt succeeds', async () => {
    const r = await run(['ok']);
    assert.deepEqual([r.outcome, r.attempts, r.sleeps], ['done on 1', [1], []]);
  });

  test('retries transient failures with growing jittered waits, then succeeds', async () => {
    const r = await run([transient(), transient(), transient(), 'ok']);
    assert.equal(r.outcome, 'done on 4');
    assert.deepEqual(r.attempts, [1, 2, 3, 4]);
    assert.deepEqual(r.sleeps, [125, 250, 500]);
    assert.deepEqual(
      r.retries.map((i) => [i.attempt, i.delayMs, i.failure.kind]),
      [
        [1, 125, 'transient'],
        [2, 250, 'transient'],
        [3, 500, 'transient'],
      ],
    );
  });

  test('waits at least the Retry-After the server asked for', async () => {
    const r = await run([transient(4_000), 'ok']);
    assert.deepEqual(r.sleeps, [4_000]);
  });

  const nonTransient: Failure[] = [
    { kind: 'operator', service: 'drive', reason: 'quota', action: 'free space', problemCode: 'drive-storage-full' },
    { kind: 'permanent', service: 'drive', reason: 'bad name', action: 'none', problemCode: 'drive-request-rejected' },
    { kind: 'reauthorize', service: 'oauth', reason: 'invalid_grant', problemCode: 'reauthorize' },
    { kind: 'object-gone', service: 'gcs-source', reason: 'gone' },
    { kind: 'session-gone', service: 'drive', reason: 'expired' },
    { kind: 'busy', service: 'state', reason: 'leased' },
    { kind: 'checkpoint', service: 'drive', reason: 'deadline', offset: 1, total: 2 },
    { kind: 'backup-file-gone', service: 'drive', reason: 'deleted' },
  ];
  for (const failure of nonTransient) {
    test(`a ${failure.kind} failure is rethrown unchanged without retrying`, async () => {
      const r = await run([failure, 'ok']);
      assert.ok(r.outcome instanceof Scripted);
      assert.equal(r.outcome.failure, failure);
      assert.deepEqual([r.attempts, r.sleeps], [[1], []]);
    });
  }

  test('a transient failure followed by a permanent one stops at the permanent one', async () => {
    const r = await run([
      transient(),
      { kind: 'permanent', service: 'drive', reason: 'no', action: 'none', problemCode: 'drive-request-rejected' },
      'ok',
    ]);
    assert.ok(r.outcome instanceof Scripted);
    assert.deepEqual(r.attempts, [1, 2]);
  });

  test('after maxAttempts transient failures it throws RetriesExhaustedError with the last error', async () => {
    const r = await run([transient(), transient(), transient(), 'ok'], { maxAttempts: 3 });
    assert.ok(r.outcome instanceof RetriesExhaustedError);
    assert.deepEqual([r.outcome.attempts, r.outcome.stoppedBy, r.outcome.failure.kind], [3, 'attempts', 'transient']);
    assert.ok(r.outcome.cause instanceof Scripted);
    assert.deepEqual(r.attempts, [1, 2, 3]);
    assert.equal(r.sleeps.length, 2);
  });

  test('defaults to 6 attempts', async () => {
    const r = await run(Array.from({ length: 10 }, () => transient()));
    assert.deepEqual(r.attempts, [1, 2, 3, 4, 5, 6]);
  });

  type DeadlineRow = [
    name: string,
    remainingMs: number,
    retryAfterMs: number | undefined,
    attempts: number[],
    stoppedBy: string | undefined,
  ];
  const deadlineRows: DeadlineRow[] = [
    ['plenty of time left: retries', 60_000, undefined, [1, 2], undefined],
    ['less time left than the wait: stops instead of sleeping', 100, undefined, [1], 'deadline'],
    ['Retry-After beyond the deadline: stops', 10_000, 30_000, [1], 'deadline'],
  ];
  for (const [name, remainingMs, retryAfterMs, attempts, stoppedBy] of deadlineRows) {
    test(`deadline: ${name}`, async () => {
      const r = await run([transient(retryAfterMs), 'ok'], { deadline: { remainingMs: () => remainingMs } });
      assert.deepEqual(r.attempts, attempts);
      if (stoppedBy) {
        assert.ok(r.outcome instanceof RetriesExhaustedError);
        assert.equal(r.outcome.stoppedBy, stoppedBy);
        assert.deepEqual(r.sleeps, []);
      } else {
        assert.equal(r.outcome, 'done on 2');
      }
    });
  }

  test('honours base and max delay options', async () => {
    const r = await run([transient(), transient(), transient(), 'ok'], { baseDelayMs: 1_000, maxDelayMs: 1_500, random: () => 0.999 });
    assert.deepEqual(r.sleeps, [999, 1498, 1498]);
  });

  test('rejects a maxAttempts below 1', async () => {
    const r = await run(['ok'], { maxAttempts: 0 });
    assert.ok(r.outcome instanceof RangeError);
    assert.deepEqual(r.attempts, []);
  });

  test('a rate limit is retried like a transient failure by default', async () => {
    const r = await run([{ kind: 'rate-limited', service: 'drive', reason: 'slow down', retryAfterMs: 2_000 }, 'ok']);
    assert.deepEqual([r.outcome, r.sleeps], ['done on 2', [2_000]]);
  });

  test("onRateLimit 'give-up' rethrows a rate limit at once, and still retries other transient failures", async () => {
    const limited = await run([{ kind: 'rate-limited', service: 'drive', reason: 'slow down' }, 'ok'], { onRateLimit: 'give-up' });
    assert.ok(limited.outcome instanceof Scripted);
    assert.deepEqual([limited.attempts, limited.sleeps], [[1], []]);
    const flaky = await run([transient(), 'ok'], { onRateLimit: 'give-up' });
    assert.equal(flaky.outcome, 'done on 2');
  });

  test('a failure some inner call already retried to exhaustion is not retried again', async () => {
    let attempts = 0;
    const inner = new RetriesExhaustedError(6, transient(), 'attempts', { cause: new Error('x') });
    await assert.rejects(
      withRetry(
        async () => {
          attempts++;
          throw inner;
        },
        { classify, sleep: async () => undefined },
      ),
      (err) => err === inner,
    );
    assert.equal(attempts, 1);
  });
});
