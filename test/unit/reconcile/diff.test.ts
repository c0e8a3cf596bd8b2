/** Table-driven tests of the per-object reconcile decision for each ON_NEW_GENERATION mode and filter. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CANARY_METADATA_KEY } from '../../../src/backup/select.js';
import { planObject, type DiffSettings, type ObjectPlan } from '../../../src/reconcile/diff.js';
import { DriveIndex } from '../../../src/reconcile/drive-index.js';
import { sourceKey } from '../../../src/drive/object-path.js';

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
    object: [name: string, generation: string, canary?: boolean],
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
    // A canary of `verify` is the event path's to back up, never reconcile's; unmarked, it is user data.
    ['canary', 'revision', [], ['.canary/c.txt', '5', true], { action: 'leave', reason: 'canary' }],
    [
      'canary under filters',
      'revision',
      [],
      ['.canary/c.txt', '5', true],
      { action: 'leave', reason: 'canary' },
      { includePrefixes: ['data/'] },
    ],
    ['unmarked object in the canary prefix', 'revision', [], ['.canary/c.txt', '5', false], { action: 'upload' }],
  ];
  for (const [title, mode, drive, [name, generation, canary], expected, filter] of rows) {
    test(title, () => {
      const settings: DiffSettings = { onNewGeneration: mode, includePrefixes: [], excludeGlobs: [], canaryPrefix: '.canary/', ...filter };
      const metadata = canary ? { [CANARY_METADATA_KEY]: 'run' } : undefined;
      assert.deepEqual(planObject({ name, generation, metadata }, sourceKey('b', name), indexWith(mode, drive), settings), expected);
    });
  }
});
