/**
 * The transfer's garbage collector (src/core/memory.ts), on injected buffer figures and an injected `gc`
 * that frees what each kind of collection frees: a young-generation one the young dead buffers, a full one
 * every dead buffer. It looks every `checkEveryBytes` moved; a young collection once buffers grew past
 * `minorGrowthBytes` since the last collection; a full one only when old dead buffers held
 * `majorGrowthBytes` more than after the last full one; without `gc` it does nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { garbageCollectorFor } from '../../../src/core/memory.js';

/** Each move: bytes moved, then how much young and old dead buffers grew (negative: V8 freed some itself). */
type Move = [bytes: number, young: number, old: number];
const cases: [name: string, moves: Move[], minors: number, majors: number][] = [
  [
    'no growth: never',
    [
      [4, 0, 0],
      [4, 0, 0],
      [4, 0, 0],
      [4, 0, 0],
    ],
    0,
    0,
  ],
  [
    'growth under the bound: never',
    [
      [10, 50, 0],
      [10, 40, 0],
      [10, 9, 0],
    ],
    0,
    0,
  ],
  [
    'growth to the bound: a young collection, and counts again from there',
    [
      [10, 100, 0],
      [10, 50, 0],
      [10, 50, 0],
      [10, 50, 0],
    ],
    2,
    0,
  ],
  [
    'growth is looked at only every 10 bytes moved',
    [
      [4, 500, 0],
      [4, 0, 0],
      [4, 0, 0],
    ],
    1,
    0,
  ],
  [
    'memory V8 freed on its own lowers the figure',
    [
      [10, 60, 0],
      [10, -60, 0],
      [10, 90, 0],
    ],
    0,
    0,
  ],
  [
    'old dead buffers under the full bound: young collections only',
    [
      [10, 100, 100],
      [10, 100, 100],
      [10, 100, 99],
    ],
    3,
    0,
  ],
  [
    'old dead buffers to the full bound: one full collection, then counted from there',
    [
      [10, 100, 150],
      [10, 100, 150],
      [10, 100, 150],
      [10, 100, 150],
    ],
    4,
    2,
  ],
  [
    'old growth alone, under the young bound, waits for it',
    [
      [10, 0, 99],
      [10, 0, 300],
    ],
    1,
    1,
  ],
];

for (const [name, moves, minors, majors] of cases) {
  test(`collector: ${name}`, () => {
    let young = 0;
    let old = 0;
    const runs = { minor: 0, major: 0 };
    const moved = garbageCollectorFor({
      minorGrowthBytes: 100,
      majorGrowthBytes: 300,
      checkEveryBytes: 10,
      bufferBytes: () => young + old,
      gc: ({ type }) => {
        runs[type]++;
        young = 0;
        if (type === 'major') old = 0;
      },
    });
    for (const [bytes, youngGrowth, oldGrowth] of moves) {
      young += youngGrowth;
      old += oldGrowth;
      moved(bytes);
    }
    assert.deepEqual(runs, { minor: minors, major: majors });
  });
}

test('collector: without an exposed gc, nothing happens', () => {
  const g = globalThis as { gc?: unknown };
  const saved = g.gc;
  let looked = 0;
  try {
    g.gc = undefined;
    const moved = garbageCollectorFor({ minorGrowthBytes: 1, checkEveryBytes: 1, bufferBytes: () => (looked++, 1e9) });
    moved(100);
    moved(100);
  } finally {
    g.gc = saved;
  }
  assert.equal(looked, 0, 'without gc it never even looks');
});
