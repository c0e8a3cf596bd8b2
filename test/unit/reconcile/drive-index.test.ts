/** Table-driven tests of the compact Drive index: which files count, and which generation is kept. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DriveIndex } from '../../../src/reconcile/drive-index.js';

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
    // A name longer than one appProperty is split over gdb.object.1, gdb.object.2, … (src/drive/object-path.ts).
    ['split name inside the prefix', file('5', { 'gdb.object.1': 'logs/2026/', 'gdb.object.2': 'a' }), 'logs/', true],
    ['split name outside the prefix', file('5', { 'gdb.object.1': 'img/2026/', 'gdb.object.2': 'a' }), 'logs/', false],
    ['split name, the prefix spanning two parts', file('5', { 'gdb.object.1': 'logs/20', 'gdb.object.2': '26/a' }), 'logs/2026/', true],
    ['split name, a part past the prefix differs', file('5', { 'gdb.object.1': 'logs/20', 'gdb.object.2': '25/a' }), 'logs/2026/', false],
    ['a key that is not 40 lowercase hex chars (never a lookup key)', file('5', { 'gdb.key': 'A'.repeat(40) }), '', false],
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

test('a lookup before any file, and files added after a lookup', () => {
  const index = new DriveIndex({ bucket: 'b', prefix: '', everyGeneration: false });
  assert.equal(index.newestGeneration(K1), undefined);
  assert.equal(index.holds(K1, '5'), false);
  index.add(file('5'));
  assert.equal(index.holds(K1, '5'), true);
  index.add(file('6'));
  assert.deepEqual([index.holds(K1, '5'), index.newestGeneration(K1), index.size], [false, '6', 1]);
});

test('lookups with keys or generations no file can have answer nothing', () => {
  const index = new DriveIndex({ bucket: 'b', prefix: '', everyGeneration: true });
  index.add(file('5'));
  assert.deepEqual(
    [index.holds('not-a-key', '5'), index.holds(K1, 'x'), index.newestGeneration('A'.repeat(40))],
    [false, false, undefined],
  );
});

test('generations at the int64 limit and beyond any safe integer compare exactly', () => {
  const index = new DriveIndex({ bucket: 'b', prefix: '', everyGeneration: false });
  for (const g of ['9223372036854775806', '9223372036854775807', '9007199254740993']) index.add(file(g));
  assert.equal(index.newestGeneration(K1), '9223372036854775807');
  assert.equal(index.holds(K1, '9223372036854775806'), false);
});

/** A deterministic pseudo-random sequence (xorshift32), so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

for (const everyGeneration of [false, true]) {
  test(`answers as a map of every file would (${everyGeneration ? 'copy' : 'revision'} mode, 5,000 files)`, () => {
    const next = random(everyGeneration ? 7 : 11);
    const hex = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join('');
    // Few distinct keys, some sharing their first words, so that equal keys and near keys both occur.
    const keys = Array.from({ length: 800 }, (_, i) => (i % 4 === 0 ? '0'.repeat(32) + hex(8) : hex(40)));
    const index = new DriveIndex({ bucket: 'b', prefix: '', everyGeneration });
    const newest = new Map<string, bigint>();
    const files = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const key = keys[Math.floor(next() * keys.length)];
      const generation = BigInt(Math.floor(next() * 50)) * 10n ** 15n + BigInt(Math.floor(next() * 3));
      index.add({ 'gdb.key': key, 'gdb.bucket': 'b', 'gdb.generation': String(generation) });
      if (!((newest.get(key) ?? -1n) >= generation)) newest.set(key, generation);
      files.add(`${key}#${generation}`);
      if (i % 1000 === 999) {
        // Lookups between adds too: the index sorts again.
        for (const probe of keys.slice(0, 50)) assert.equal(index.newestGeneration(probe), newest.get(probe)?.toString());
      }
    }
    assert.equal(index.size, newest.size);
    for (const key of [...keys, hex(40)]) {
      assert.equal(index.newestGeneration(key), newest.get(key)?.toString(), key);
      for (let g = 0n; g < 50n; g += 7n) {
        const generation = String(g * 10n ** 15n + (g % 3n));
        const expected = everyGeneration ? files.has(`${key}#${generation}`) : newest.get(key)?.toString() === generation;
        assert.equal(index.holds(key, generation), expected, `${key} ${generation}`);
      }
    }
  });
}
