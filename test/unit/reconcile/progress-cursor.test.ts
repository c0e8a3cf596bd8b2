/** Tests of the reconcile cursor under out-of-order completion: scripted steps and the expected position. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressCursor } from '../../../src/reconcile/progress-cursor.js';

type Step = ['settle', string] | ['begin', string] | ['finish', string];

const rows: [title: string, start: string | undefined, steps: Step[], position: string | undefined][] = [
  ['nothing listed keeps the start', 'k', [], 'k'],
  ['nothing at all', undefined, [], undefined],
  [
    'settled objects move it',
    undefined,
    [
      ['settle', 'a'],
      ['settle', 'b'],
    ],
    'b',
  ],
  [
    'an object in flight holds it before itself',
    undefined,
    [
      ['settle', 'a'],
      ['begin', 'b'],
      ['settle', 'c'],
    ],
    'a',
  ],
  [
    'first object in flight: back to the start',
    's',
    [
      ['begin', 'b'],
      ['settle', 'c'],
    ],
    's',
  ],
  [
    'later ones finishing first do not move it',
    undefined,
    [
      ['begin', 'a'],
      ['begin', 'b'],
      ['begin', 'c'],
      ['finish', 'c'],
      ['finish', 'b'],
    ],
    undefined,
  ],
  [
    'the oldest finishing releases up to the next in flight',
    undefined,
    [
      ['begin', 'a'],
      ['begin', 'b'],
      ['begin', 'c'],
      ['finish', 'a'],
    ],
    'a',
  ],
  [
    'all finished: the last listed',
    undefined,
    [
      ['begin', 'a'],
      ['begin', 'b'],
      ['settle', 'c'],
      ['finish', 'b'],
      ['finish', 'a'],
    ],
    'c',
  ],
];

for (const [title, start, steps, position] of rows) {
  test(title, () => {
    const cursor = new ProgressCursor(start);
    const tickets = new Map<string, number>();
    for (const [op, name] of steps) {
      if (op === 'settle') cursor.settled(name);
      else if (op === 'begin') tickets.set(name, cursor.begin(name));
      else cursor.finish(tickets.get(name) as number);
    }
    assert.equal(cursor.position, position);
  });
}

test('pending counts the objects in flight', () => {
  const cursor = new ProgressCursor();
  const a = cursor.begin('a');
  cursor.begin('b');
  cursor.finish(a);
  assert.equal(cursor.pending, 1);
});
