/**
 * The transfer's garbage collector (src/core/memory.ts), on injected buffer figures and an injected `gc`:
 * it looks at the buffers' memory every `checkEveryBytes` moved and collects only once they grew past
 * `maxGrowthBytes` since the last collection; without `gc` it does nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { garbageCollectorFor } from '../../src/core/memory.js';

/** Each move: bytes moved, then how much the buffers' memory grew (a collection frees it all). */
const cases: [name: string, moves: [bytes: number, growth: number][], collections: number][] = [
  [
    'no growth: never',
    [
      [4, 0],
      [4, 0],
      [4, 0],
      [4, 0],
    ],
    0,
  ],
  [
    'growth under the bound: never',
    [
      [10, 50],
      [10, 40],
      [10, 9],
    ],
    0,
  ],
  [
    'growth to the bound: collects, and counts again from there',
    [
      [10, 100],
      [10, 50],
      [10, 50],
      [10, 50],
    ],
    2,
  ],
  [
    'growth is looked at only every 10 bytes moved',
    [
      [4, 500],
      [4, 0],
      [4, 0],
    ],
    1,
  ],
  [
    'memory V8 freed on its own lowers the figure',
    [
      [10, 60],
      [10, -60],
      [10, 90],
    ],
    0,
  ],
];

for (const [name, moves, collections] of cases) {
  test(`collector: ${name}`, () => {
    let buffers = 0;
    let runs = 0;
    const moved = garbageCollectorFor({
      maxGrowthBytes: 100,
      checkEveryBytes: 10,
      bufferBytes: () => buffers,
      gc: () => {
        runs++;
        buffers = 0;
      },
    });
    for (const [bytes, growth] of moves) {
      buffers += growth;
      moved(bytes);
    }
    assert.equal(runs, collections);
  });
}

test('collector: without an exposed gc, nothing happens', () => {
  const g = globalThis as { gc?: () => void };
  const saved = g.gc;
  let looked = 0;
  try {
    g.gc = undefined;
    const moved = garbageCollectorFor({ maxGrowthBytes: 1, checkEveryBytes: 1, bufferBytes: () => (looked++, 1e9) });
    moved(100);
    moved(100);
  } finally {
    g.gc = saved;
  }
  assert.equal(looked, 0, 'without gc it never even looks');
});
