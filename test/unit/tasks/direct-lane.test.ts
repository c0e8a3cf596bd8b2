/**
 * DISPATCH=auto's direct lane (src/tasks/direct-lane.ts): an event goes direct only while the instance's
 * direct backups in flight would get their Drive writes within DIRECT_WAIT_MS at its pacer's rate; one
 * always may. `laneOpen` is the table; `DirectLane` counts entries and leaves against a changing rate.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIRECT_WAIT_MS, DirectLane, laneOpen } from '../../../src/tasks/direct-lane.js';

describe('laneOpen', () => {
  const rows: [title: string, inFlight: number, rate: number, maxWaitMs: number, open: boolean][] = [
    ['a quiet instance: open', 0, 10, 1000, true],
    ['nine in flight at 10/s within 1 s: open', 9, 10, 1000, true],
    ['ten in flight at 10/s: full (the eleventh would wait over 1 s)', 10, 10, 1000, false],
    ['the pacer halved to 5/s: full at five', 5, 5, 1000, false],
    ['four at 5/s: open', 4, 5, 1000, true],
    ['a pacer at its floor (0.1/s): one at a time', 0, 0.1, 1000, true],
    ['a pacer at its floor, one in flight: full', 1, 0.1, 1000, false],
    ['a longer wait allowed: more in flight', 19, 10, 2000, true],
    ['a fractional capacity rounds down', 2, 2.9, 1000, false],
  ];
  for (const [title, inFlight, rate, wait, open] of rows) test(title, () => assert.equal(laneOpen(inFlight, rate, wait), open));

  test('the default wait is DIRECT_WAIT_MS (1 s)', () => {
    assert.equal(DIRECT_WAIT_MS, 1000);
    assert.equal(laneOpen(9, 10), true);
    assert.equal(laneOpen(10, 10), false);
  });
});

describe('DirectLane', () => {
  test('enters while open, refuses when full, reopens on leave, follows the rate', () => {
    let rate = 3;
    const lane = new DirectLane(() => rate);
    assert.deepEqual([lane.tryEnter(), lane.tryEnter(), lane.tryEnter(), lane.tryEnter()], [true, true, true, false]);
    assert.equal(lane.inFlight, 3);
    assert.match(lane.fullReason(), /3 direct backups waiting on its Drive pace of 3\.0 writes\/s/);
    lane.leave();
    assert.equal(lane.tryEnter(), true);
    rate = 1; // Drive refused: the pacer halved twice
    lane.leave();
    assert.equal(lane.tryEnter(), false, 'two in flight at 1/s: full');
    lane.leave();
    lane.leave();
    assert.equal(lane.tryEnter(), true, 'none in flight: one always may');
  });

  test('leave never counts below zero', () => {
    const lane = new DirectLane(() => 1);
    lane.leave();
    assert.equal(lane.inFlight, 0);
    assert.equal(lane.tryEnter(), true);
    assert.equal(lane.tryEnter(), false);
  });
});
