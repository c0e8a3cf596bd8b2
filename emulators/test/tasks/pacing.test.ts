/**
 * The pure pacing arithmetic of the Cloud Tasks emulator, by tables: retry delays (the documented
 * example and the defaults), when retrying stops, Retry-After, the token bucket, the derived burst size
 * and system throttling.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, derivedBurstSize, type QueueConfig } from '../../tasks/queue-config.js';
import { mayRetry, retryAfterMs, retryDelayMs, throttledRate, TokenBucket } from '../../tasks/pacing.js';

const config = (over: Partial<QueueConfig>): QueueConfig => ({ ...DEFAULT_CONFIG, ...over });

describe('retryDelayMs', () => {
  const cases: [string, Partial<QueueConfig>, number[]][] = [
    [
      'the documented example (10 s, 300 s, 3 doublings)',
      { minBackoffMs: 10_000, maxBackoffMs: 300_000, maxDoublings: 3 },
      [10, 20, 40, 80, 160, 240, 300, 300],
    ],
    ['no doublings: linear', { minBackoffMs: 1000, maxBackoffMs: 5000, maxDoublings: 0 }, [1, 2, 3, 4, 5, 5]],
    ['min = max: constant', { minBackoffMs: 10_000, maxBackoffMs: 10_000, maxDoublings: 16 }, [10, 10, 10]],
    ['the defaults (0.1 s, 3600 s, 16 doublings)', {}, [0.1, 0.2, 0.4, 0.8, 1.6]],
  ];
  for (const [what, over, seconds] of cases) {
    test(what, () => {
      const c = config(over);
      assert.deepEqual(
        seconds.map((_, i) => retryDelayMs(c, i + 1) / 1000),
        seconds,
      );
    });
  }
  test('the defaults reach max_backoff after 16 doublings', () => {
    assert.equal(retryDelayMs(DEFAULT_CONFIG, 17), 3_600_000);
    assert.equal(retryDelayMs(DEFAULT_CONFIG, 16), 0.1 * 2 ** 15 * 1000);
  });
});

describe('mayRetry', () => {
  // [maxAttempts, maxRetryDurationMs, attempts so far, ms since the first attempt, retry?]
  const cases: [number, number, number, number, boolean][] = [
    [3, 0, 2, 0, true],
    [3, 0, 3, 0, false],
    [3, 60_000, 3, 59_999, true],
    [3, 60_000, 3, 60_000, false],
    [3, 60_000, 2, 120_000, true],
    [-1, 60_000, 50, 59_999, true],
    [-1, 60_000, 50, 60_000, false],
    [-1, 0, 10_000, 1e12, true],
  ];
  for (const [maxAttempts, maxRetryDurationMs, attempts, elapsed, expected] of cases) {
    test(`max_attempts ${maxAttempts}, max_retry_duration ${maxRetryDurationMs} ms, ${attempts} attempts, ${elapsed} ms → ${expected}`, () => {
      assert.equal(mayRetry(config({ maxAttempts, maxRetryDurationMs }), attempts, 1000, 1000 + elapsed), expected);
    });
  }
});

describe('Retry-After', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  const cases: [string | undefined, number | undefined][] = [
    [undefined, undefined],
    ['120', 120_000],
    [' 5 ', 5000],
    ['Tue, 01 Jan 2030 00:00:30 GMT', 30_000],
    ['Mon, 31 Dec 2029 00:00:00 GMT', 0],
    ['soon', undefined],
  ];
  for (const [header, ms] of cases) {
    test(`${JSON.stringify(header)} → ${ms}`, () => assert.equal(retryAfterMs(header, now), ms));
  }
});

describe('TokenBucket', () => {
  test('starts full, refills at the rate up to the burst, says when the next token comes', () => {
    const bucket = new TokenBucket(2, 0);
    assert.deepEqual([bucket.take(0, 10, 2), bucket.take(0, 10, 2), bucket.take(0, 10, 2)], [true, true, false]);
    assert.equal(bucket.nextTokenAt(0, 10, 2), 100);
    assert.equal(bucket.take(99, 10, 2), false);
    assert.equal(bucket.take(100, 10, 2), true);
    assert.equal(
      bucket.take(10_000, 10, 2) && bucket.take(10_000, 10, 2) && !bucket.take(10_000, 10, 2),
      true,
      'never more than the burst',
    );
  });
  test('a fractional rate, and 3/s (a token every 333.3 ms) without drift', () => {
    const slow = new TokenBucket(1, 0);
    slow.take(0, 0.5, 1);
    assert.equal(slow.nextTokenAt(0, 0.5, 1), 2000);
    const thirds = new TokenBucket(1, 0);
    let taken = 0;
    for (let t = 0; taken < 31; t = thirds.nextTokenAt(t, 3, 1)) {
      if (thirds.take(t, 3, 1)) taken++;
    }
    assert.ok(Math.abs(thirds.lastMs - 10_000) < 1e-6, `31 tokens at 3/s take 10 s (${thirds.lastMs} ms)`);
  });
  test('at epoch-sized times (a double resolves ~0.0002 ms) the next token is always later than now', () => {
    const start = Date.UTC(2026, 10, 29);
    for (const rate of [3, 2.5, 7, 0.625, 499]) {
      const bucket = new TokenBucket(1, start);
      let [t, taken, steps, lastTaken] = [start, 0, 0, start];
      while (taken < 20 && steps++ < 200) {
        if (bucket.take(t, rate, 1)) [taken, lastTaken] = [taken + 1, t];
        const next = bucket.nextTokenAt(t, rate, 1);
        assert.ok(next > t || bucket.tokens >= 1 - 1e-9, `rate ${rate}: time moves on (${next - t} ms)`);
        t = next;
      }
      assert.equal(taken, 20, `rate ${rate}: 20 tokens in ${steps} steps`);
      assert.ok(Math.abs(lastTaken - start - (19 * 1000) / rate) < 1, `rate ${rate}: no drift (${lastTaken - start} ms)`);
    }
  });
});

describe('derivedBurstSize and throttling', () => {
  const bursts: [number, number][] = [
    [500, 100],
    [100, 20],
    [10, 2],
    [2, 1],
    [1, 10],
    [0.5, 1],
  ];
  for (const [rate, burst] of bursts) test(`rate ${rate}/s → burst ${burst}`, () => assert.equal(derivedBurstSize(rate), burst));

  test('429/503 halve the effective rate down to 1/16; each 2xx gives back a tenth', () => {
    let rate = 100;
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) seen.push((rate = throttledRate(rate, 100, 'throttle')));
    assert.deepEqual(seen, [50, 25, 12.5, 6.25, 6.25, 6.25]);
    assert.equal(throttledRate(95, 100, 'success'), 100);
    assert.equal(throttledRate(50, 100, 'success'), 60);
  });
});
