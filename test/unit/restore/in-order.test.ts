/**
 * Reports in the catalog's order whatever order the objects finish in, as a table: places taken in
 * order 0..n-1, filled in the row's order; after each fill, what has gone out so far. `undefined` fills
 * a place with nothing to report (an object the selection leaves out).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InOrder } from '../../../src/restore/in-order.js';

type Row = {
  name: string;
  /** Place filled at each step, and with what (a string, or undefined for nothing to report). */
  fills: [place: number, value: string | undefined][];
  /** What had gone out after each step. */
  out: string[][];
};

const rows: Row[] = [
  {
    name: 'in order: each goes out at once',
    fills: [
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
    ],
    out: [['a'], ['a', 'b'], ['a', 'b', 'c']],
  },
  {
    name: 'reversed: nothing until the first',
    fills: [
      [2, 'c'],
      [1, 'b'],
      [0, 'a'],
    ],
    out: [[], [], ['a', 'b', 'c']],
  },
  {
    name: 'the first slow, the rest waits for it',
    fills: [
      [1, 'b'],
      [2, 'c'],
      [0, 'a'],
      [3, 'd'],
    ],
    out: [[], [], ['a', 'b', 'c'], ['a', 'b', 'c', 'd']],
  },
  {
    name: 'a gap in the middle',
    fills: [
      [0, 'a'],
      [2, 'c'],
      [3, 'd'],
      [1, 'b'],
    ],
    out: [['a'], ['a'], ['a'], ['a', 'b', 'c', 'd']],
  },
  {
    name: 'nothing to report: the place still counts',
    fills: [
      [1, 'b'],
      [0, undefined],
      [2, 'c'],
    ],
    out: [[], ['b'], ['b', 'c']],
  },
  {
    name: 'a second fill of a place is ignored',
    fills: [
      [0, 'a'],
      [0, 'again'],
      [1, 'b'],
    ],
    out: [['a'], ['a'], ['a', 'b']],
  },
];

for (const row of rows) {
  test(row.name, () => {
    const out: string[] = [];
    const order = new InOrder<string>((v) => out.push(v));
    const places = Math.max(...row.fills.map(([p]) => p)) + 1;
    const fill = Array.from({ length: places }, () => order.take());
    assert.equal(order.waiting, places);
    row.fills.forEach(([place, value], step) => {
      fill[place](value);
      assert.deepEqual(out, row.out[step], `after step ${step}`);
    });
    assert.equal(order.waiting, 0);
  });
}

test('waiting counts the places not yet handed on', () => {
  const order = new InOrder<number>(() => undefined);
  const first = order.take();
  const second = order.take();
  second(2);
  assert.equal(order.waiting, 2, 'the second waits for the first');
  first(1);
  assert.equal(order.waiting, 0);
});
