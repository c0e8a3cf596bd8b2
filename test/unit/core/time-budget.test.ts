/**
 * Tests for the per-invocation deadline: a fake clock is advanced and each query is checked against a
 * table of (elapsed, estimate) → expected rows.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createDeadline } from '../../../src/core/time-budget.js';

function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('createDeadline', () => {
  type Row = [elapsedMs: number, remaining: number, expired: boolean];
  const rows: Row[] = [
    [0, 10_000, false],
    [1, 9_999, false],
    [9_999, 1, false],
    [10_000, 0, true],
    [25_000, 0, true],
  ];
  for (const [elapsed, remaining, expired] of rows) {
    test(`after ${elapsed} ms of a 10 s budget: ${remaining} ms left, expired=${expired}`, () => {
      const clock = fakeClock();
      const deadline = createDeadline(10_000, clock.now);
      clock.advance(elapsed);
      assert.equal(deadline.remainingMs(), remaining);
      assert.equal(deadline.expired(), expired);
    });
  }

  type StartRow = [elapsedMs: number, estimateMs: number, expected: boolean];
  const startRows: StartRow[] = [
    [0, 5_000, true],
    [0, 10_000, true],
    [0, 10_001, false],
    [6_000, 4_000, true],
    [6_000, 4_001, false],
    [10_000, 0, false],
    [0, -5, true],
    [0, Number.NaN, false],
  ];
  for (const [elapsed, estimate, expected] of startRows) {
    test(`canStart(${estimate}) after ${elapsed} ms of 10 s is ${expected}`, () => {
      const clock = fakeClock();
      const deadline = createDeadline(10_000, clock.now);
      clock.advance(elapsed);
      assert.equal(deadline.canStart(estimate), expected);
    });
  }

  test('a zero budget is expired at once', () => {
    const deadline = createDeadline(0, fakeClock().now);
    assert.equal(deadline.expired(), true);
  });

  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    test(`rejects budget ${bad}`, () => {
      assert.throws(() => createDeadline(bad, fakeClock().now), RangeError);
    });
  }

  test('defaults to the real clock', () => {
    const deadline = createDeadline(60_000);
    assert.ok(deadline.remainingMs() > 50_000);
    assert.equal(deadline.expired(), false);
  });
});
