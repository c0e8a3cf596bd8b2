/** Table-driven tests of the compact Drive index: which files count, and which generation is kept. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DriveIndex } from '../../src/reconcile/drive-index.js';

const K1 = 'a'.repeat(40);
const file = (generation: string, extra: Record<string, string> = {}) => ({
  'gdb.key': K1,
  'gdb.bucket': 'b',
  'gdb.generation': generation,
  ...extra,
});

describe('DriveIndex.add', () => {
  const rows: [title: string, props: Record<string, string> | null, prefix: string, kept: boolean][] = [
    ['a file of the bucket', file('5'), '', true],
    ['another bucket', file('5', { 'gdb.bucket': 'other' }), '', false],
    ['no gdb.bucket (name too long to fit)', { 'gdb.key': K1, 'gdb.generation': '5' }, '', false],
    ['no generation', { 'gdb.key': K1, 'gdb.bucket': 'b' }, '', false],
    ['generation not a number', file('x5'), '', false],
    ['no appProperties', null, '', false],
    ['object inside the prefix', file('5', { 'gdb.object': 'logs/a' }), 'logs/', true],
    ['object outside the prefix', file('5', { 'gdb.object': 'img/a' }), 'logs/', false],
    ['long name (only its sha256) is kept: cannot tell', file('5', { 'gdb.objectSha256': 'f'.repeat(64) }), 'logs/', true],
  ];
  for (const [title, props, prefix, kept] of rows) {
    test(title, () => {
      const index = new DriveIndex({ bucket: 'b', prefix, everyGeneration: false });
      index.add(props);
      assert.equal(index.size, kept ? 1 : 0);
      assert.equal(index.holds(K1, '5'), kept);
    });
  }
});

test('keeps the newest generation, compared as integers', () => {
  const index = new DriveIndex({ bucket: 'b', prefix: '', everyGeneration: false });
  for (const g of ['9', '10', '2']) index.add(file(g));
  assert.equal(index.newestGeneration(K1), '10');
  assert.equal(index.holds(K1, '9'), false);
  assert.equal(index.size, 1);
});

test('copy mode remembers every generation', () => {
  const index = new DriveIndex({ bucket: 'b', prefix: '', everyGeneration: true });
  for (const g of ['9', '10']) index.add(file(g));
  assert.deepEqual([index.holds(K1, '9'), index.holds(K1, '10'), index.holds(K1, '11')], [true, true, false]);
});
