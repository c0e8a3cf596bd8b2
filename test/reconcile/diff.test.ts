/** Table-driven tests of the per-object reconcile decision for each ON_NEW_GENERATION mode and filter. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { planObject, type DiffSettings, type ObjectPlan } from '../../src/reconcile/diff.js';
import { DriveIndex } from '../../src/reconcile/drive-index.js';
import { sourceKey } from '../../src/drive/object-path.js';

type Mode = DiffSettings['onNewGeneration'];

function indexWith(mode: Mode, files: [name: string, generation: string][]): DriveIndex {
  const index = new DriveIndex({ bucket: 'b', prefix: '', everyGeneration: mode === 'copy' });
  for (const [name, generation] of files) index.add({ 'gdb.key': sourceKey('b', name), 'gdb.bucket': 'b', 'gdb.generation': generation });
  return index;
}

describe('planObject', () => {
  type Row = [
    title: string,
    mode: Mode,
    drive: [string, string][],
    object: [string, string],
    expected: ObjectPlan,
    filter?: Partial<DiffSettings>,
  ];
  const rows: Row[] = [
    ['missing → upload', 'revision', [], ['a.txt', '5'], { action: 'upload' }],
    ['same generation → leave', 'revision', [['a.txt', '5']], ['a.txt', '5'], { action: 'leave', reason: 'up-to-date' }],
    ['older in Drive → revise', 'revision', [['a.txt', '5']], ['a.txt', '10'], { action: 'revise', from: '5' }],
    ['newer in Drive → leave', 'revision', [['a.txt', '50']], ['a.txt', '10'], { action: 'leave', reason: 'up-to-date' }],
    ['copy: older only → upload a new file', 'copy', [['a.txt', '5']], ['a.txt', '10'], { action: 'upload' }],
    [
      'copy: this generation present → leave',
      'copy',
      [
        ['a.txt', '5'],
        ['a.txt', '10'],
      ],
      ['a.txt', '5'],
      { action: 'leave', reason: 'up-to-date' },
    ],
    ['skip: older present → leave', 'skip', [['a.txt', '5']], ['a.txt', '10'], { action: 'leave', reason: 'exists' }],
    ['skip: missing → upload', 'skip', [], ['a.txt', '10'], { action: 'upload' }],
    ['another object in Drive does not count', 'revision', [['b.txt', '5']], ['a.txt', '5'], { action: 'upload' }],
    ['folder placeholder', 'revision', [], ['dir/', '5'], { action: 'leave', reason: 'folder-placeholder' }],
    ['not included', 'revision', [], ['tmp/x', '5'], { action: 'leave', reason: 'not-included' }, { includePrefixes: ['data/'] }],
    ['excluded', 'revision', [], ['data/x.tmp', '5'], { action: 'leave', reason: 'excluded' }, { excludeGlobs: ['**/*.tmp'] }],
  ];
  for (const [title, mode, drive, [name, generation], expected, filter] of rows) {
    test(title, () => {
      const settings: DiffSettings = { onNewGeneration: mode, includePrefixes: [], excludeGlobs: [], ...filter };
      assert.deepEqual(planObject({ name, generation }, sourceKey('b', name), indexWith(mode, drive), settings), expected);
    });
  }
});
