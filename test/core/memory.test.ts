import { test } from 'node:test';
import assert from 'node:assert/strict';
import { garbageCollectorFor } from '../../src/core/memory.js';

test('collects once per interval of transferred bytes when gc is exposed, never otherwise', () => {
  const g = globalThis as { gc?: () => void };
  const saved = g.gc;
  try {
    let runs = 0;
    g.gc = () => void runs++;
    const collect = garbageCollectorFor(10);
    for (const bytes of [4, 4, 4, 9, 1, 3]) collect(bytes);
    assert.equal(runs, 2);
    g.gc = undefined;
    const none = garbageCollectorFor(1);
    none(100);
    assert.equal(runs, 2);
  } finally {
    g.gc = saved;
  }
});
