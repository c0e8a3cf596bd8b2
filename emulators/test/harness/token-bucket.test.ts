/** Table tests of the token buckets behind the rate limits, and of their control-API validation. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRateLimit, TokenBuckets, type RateLimit } from '../../harness/token-bucket.js';

describe('TokenBuckets', () => {
  // Each row: the limit, then [ms since start, expected outcome] for one key.
  const rows: Array<[string, RateLimit, Array<[number, boolean | number]>]> = [
    [
      '1/s, burst 1: one at once, the next a second later',
      { perSecond: 1, burst: 1 },
      [
        [0, true],
        [0, 1000],
        [999, 1],
        [1000, true],
        [1000, 1000],
      ],
    ],
    [
      '2/s, burst 3: three back to back, then one per 500 ms',
      { perSecond: 2, burst: 3 },
      [
        [0, true],
        [0, true],
        [0, true],
        [0, 500],
        [250, 250],
        [500, true],
        [500, 500],
        [1000, true],
      ],
    ],
    [
      'a long pause refills no more than the burst',
      { perSecond: 5, burst: 2 },
      [
        [0, true],
        [0, true],
        [60_000, true],
        [60_000, true],
        [60_000, 200],
      ],
    ],
    [
      'refused requests take nothing',
      { perSecond: 1, burst: 1 },
      [
        [0, true],
        [100, 900],
        [200, 800],
        [1000, true],
      ],
    ],
  ];
  for (const [name, limit, steps] of rows) {
    test(name, () => {
      const buckets = new TokenBuckets();
      for (const [i, [at, expected]] of steps.entries()) {
        const got = buckets.take('k', at, limit);
        assert.deepEqual(got, expected === true ? { ok: true } : { ok: false, retryAfterMs: expected }, `step ${i} at ${at} ms`);
      }
    });
  }

  test('keys are independent; clear forgets every bucket', () => {
    const buckets = new TokenBuckets();
    const limit = { perSecond: 1, burst: 1 };
    assert.equal(buckets.take('a', 0, limit).ok, true);
    assert.equal(buckets.take('b', 0, limit).ok, true);
    assert.equal(buckets.take('a', 0, limit).ok, false);
    buckets.clear();
    assert.equal(buckets.take('a', 0, limit).ok, true);
  });
});

describe('parseRateLimit', () => {
  const ok: Array<[unknown, RateLimit | null]> = [
    [null, null],
    [{ perSecond: 2 }, { perSecond: 2, burst: 1 }],
    [
      { perSecond: 0.5, burst: 10 },
      { perSecond: 0.5, burst: 10 },
    ],
  ];
  for (const [input, expected] of ok)
    test(`${JSON.stringify(input)} →  ${JSON.stringify(expected)}`, () => assert.deepEqual(parseRateLimit(input, 'r'), expected));
  const bad: unknown[] = [undefined, 5, {}, { perSecond: 0 }, { perSecond: -1 }, { perSecond: 1, burst: 0.5 }, { perSecond: 1, burts: 2 }];
  for (const input of bad) test(`refuses ${JSON.stringify(input)}`, () => assert.throws(() => parseRateLimit(input, 'r'), /^Error: r/));
});
