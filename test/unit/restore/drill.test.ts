/**
 * The restore drill's pick: the newest object always, N−1 others at random, only objects live now.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Catalog, CatalogEntry } from '../../../src/restore/catalog.js';
import { pickForDrill } from '../../../src/restore/drill.js';

function catalogOf(entries: CatalogEntry[][]): Catalog {
  return {
    async *entries() {
      for (const group of entries) yield await Promise.resolve(group);
    },
  };
}
const gen = (name: string, minute: number, bucket = 'src'): CatalogEntry => ({
  kind: 'generation',
  value: {
    bucket,
    name,
    generation: String(minute),
    timeCreated: new Date(Date.UTC(2026, 11, 1, 10, minute)).toISOString(),
    size: '1',
    driveFileId: `F-${name}`,
  },
});

const NOW = Date.UTC(2026, 11, 2);
const objects = [
  [gen('a', 5)],
  [gen('b', 50)],
  [gen('c', 1)],
  [gen('d', 2), { kind: 'tombstone', value: { bucket: 'src', name: 'd', deletedAt: '2026-12-01T11:00:00.000Z' } } as CatalogEntry],
  [gen('e', 3)],
  [gen('f', 59, 'other-bucket')],
];

test('the newest live object first, then N-1 distinct others; deleted objects and other buckets never', async () => {
  for (const seed of [0, 0.3, 0.99]) {
    const picked = await pickForDrill(catalogOf(objects), 'src', 3, () => seed, NOW);
    assert.equal(picked.length, 3);
    assert.equal(picked[0].name, 'b', 'the newest first');
    assert.equal(new Set(picked.map((p) => p.name)).size, 3, 'distinct');
    for (const p of picked) assert.ok(!['d', 'f'].includes(p.name), p.name);
  }
});

test('fewer objects than asked: all of them; none: nothing', async () => {
  const all = await pickForDrill(catalogOf(objects), 'src', 10, Math.random, NOW);
  assert.deepEqual(all.map((p) => p.name).sort(), ['a', 'b', 'c', 'e']);
  assert.deepEqual(await pickForDrill(catalogOf([]), 'src', 3, Math.random, NOW), []);
});

test('the random part follows the injected randomness', async () => {
  const low = await pickForDrill(catalogOf(objects), 'src', 2, () => 0, NOW);
  const high = await pickForDrill(catalogOf(objects), 'src', 2, () => 0.999, NOW);
  assert.equal(low[0].name, 'b');
  assert.equal(high[0].name, 'b');
  assert.notEqual(low[1].name, high[1].name);
});
