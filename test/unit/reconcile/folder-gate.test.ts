/** Tests of the folder gate: one backup per unresolved folder path at a time, the rest after it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { FolderGate } from '../../../src/reconcile/folder-gate.js';

/** Admits each folder list in order without awaiting; returns who got in and their release functions. */
function admitAll(gate: FolderGate, lists: string[][]) {
  const admitted: number[] = [];
  const releases = new Map<number, (ok: boolean) => void>();
  lists.forEach(
    (folders, i) =>
      void gate.admit(folders).then((release) => {
        admitted.push(i);
        releases.set(i, release);
      }),
  );
  return { admitted, releases };
}

const rows: [title: string, lists: string[][], first: number[]][] = [
  ['same new folder: only the first goes', [['a'], ['a'], ['a']], [0]],
  ['different folders go together', [['a'], ['b']], [0, 1]],
  [
    'a shared new ancestor holds the second back',
    [
      ['a', 'x'],
      ['a', 'y'],
    ],
    [0],
  ],
  ['top-level objects need no folder', [[], [], []], [0, 1, 2]],
];
for (const [title, lists, first] of rows) {
  test(title, async () => {
    const { admitted } = admitAll(new FolderGate(), lists);
    await tick();
    assert.deepEqual(admitted, first);
  });
}

test('after the pioneer succeeds, the others go at once, and later ones never wait', async () => {
  const gate = new FolderGate();
  const { admitted, releases } = admitAll(gate, [['a'], ['a'], ['a']]);
  await tick();
  releases.get(0)?.(true);
  await tick();
  assert.deepEqual(admitted, [0, 1, 2]);
  let later = false;
  void gate.admit(['a']).then(() => (later = true));
  await tick();
  assert.equal(later, true);
});

test('after the pioneer fails, the next one becomes the pioneer', async () => {
  const { admitted, releases } = admitAll(new FolderGate(), [['a'], ['a'], ['a']]);
  await tick();
  releases.get(0)?.(false);
  await tick();
  await tick();
  assert.deepEqual(admitted, [0, 1]);
});
