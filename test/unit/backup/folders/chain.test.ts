/**
 * Table tests of a folder path's record chain (pure): which folder new items go to, how a full folder is
 * continued (only against the full folder's id, so a second instance uses the first one's continuation),
 * how an entry is replaced, and the names and keys of overflow folders.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  currentEntry,
  entryKey,
  entryName,
  extendChain,
  withCurrentEntry,
  type FolderRecord,
} from '../../../../src/backup/folders/chain.js';

const base: FolderRecord = { id: 'A', created: true };
const continued: FolderRecord = { id: 'A', created: true, overflow: [{ id: 'B', created: true }, { id: 'C' }] };

describe('currentEntry', () => {
  const rows: [title: string, record: FolderRecord, expected: ReturnType<typeof currentEntry>][] = [
    ['a folder not created yet', { id: 'A' }, { index: 0, entry: { id: 'A', created: undefined } }],
    ['its own folder', base, { index: 0, entry: { id: 'A', created: true } }],
    ['the last overflow folder', continued, { index: 2, entry: { id: 'C' } }],
  ];
  for (const [title, record, expected] of rows) test(title, () => assert.deepEqual(currentEntry(record), expected));
});

describe('extendChain', () => {
  const rows: [title: string, record: FolderRecord, fullId: string, expected: FolderRecord | undefined][] = [
    ['the full folder is the current one: continued', base, 'A', { id: 'A', created: true, overflow: [{ id: 'N' }] }],
    [
      'an overflow folder full in turn: continued again',
      continued,
      'C',
      { ...continued, overflow: [...(continued.overflow ?? []), { id: 'N' }] },
    ],
    ['someone continued it already: theirs is used', continued, 'A', undefined],
    ['an older overflow folder reported full: nothing to do', continued, 'B', undefined],
  ];
  for (const [title, record, fullId, expected] of rows) test(title, () => assert.deepEqual(extendChain(record, fullId, 'N'), expected));
});

describe('withCurrentEntry', () => {
  const rows: [title: string, record: FolderRecord, entry: { id: string; created?: boolean }, expected: FolderRecord][] = [
    ['marks its own folder created', { id: 'A' }, { id: 'A', created: true }, { id: 'A', created: true }],
    ['replaces a folder deleted in Drive (no longer created)', base, { id: 'Z' }, { id: 'Z' }],
    [
      'marks the last overflow folder created',
      continued,
      { id: 'C', created: true },
      {
        ...continued,
        overflow: [
          { id: 'B', created: true },
          { id: 'C', created: true },
        ],
      },
    ],
    [
      'replaces the last overflow folder only',
      continued,
      { id: 'Z' },
      { ...continued, overflow: [{ id: 'B', created: true }, { id: 'Z' }] },
    ],
  ];
  for (const [title, record, entry, expected] of rows) test(title, () => assert.deepEqual(withCurrentEntry(record, entry), expected));
});

test('overflow folders are named and keyed by their place in the chain, from 2', () => {
  assert.deepEqual(
    [0, 1, 2].map((i) => entryName('photos', i)),
    ['photos', 'photos (overflow 2)', 'photos (overflow 3)'],
  );
  assert.deepEqual(
    [0, 1, 2].map((i) => entryKey('k', i)),
    ['k', 'k~2', 'k~3'],
  );
});
