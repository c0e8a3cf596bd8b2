/** The reconcile's garbage collection cadence, with an injected `gc`: counts, never timing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKUP_UNITS, COLLECT_EVERY_UNITS, heapCollector } from '../../../src/reconcile/heap-collector.js';

test('collects once per `every` units of work, and not before', () => {
  let collections = 0;
  const collect = heapCollector(100, () => collections++);
  const rows: [units: number, total: number][] = [
    [99, 0],
    [1, 1],
    [50, 1],
    [60, 2],
    [250, 3],
  ];
  for (const [units, total] of rows) {
    collect(units);
    assert.equal(collections, total, `after ${units} more units`);
  }
});

test('by default: every 50 backups, or every 1,000 listed objects', () => {
  let collections = 0;
  const collect = heapCollector(undefined, () => collections++);
  for (let i = 0; i < 49; i++) collect(BACKUP_UNITS);
  assert.equal(collections, 0);
  collect(BACKUP_UNITS);
  assert.equal(collections, 1);
  collect(COLLECT_EVERY_UNITS);
  assert.equal(collections, 2);
});

test('does nothing where the runtime exposes no gc', () => {
  const g = globalThis as { gc?: unknown };
  const saved = g.gc;
  try {
    // Without an exposed gc (the default argument reads it), collecting past the cadence must not call one.
    g.gc = undefined;
    const collect = heapCollector(1);
    assert.doesNotThrow(() => {
      collect(5);
      collect(5);
    });
  } finally {
    g.gc = saved;
  }
});
