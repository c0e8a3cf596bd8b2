/**
 * One object's catalog entries from its claim records and spill objects (`catalogEntries`, pure): the
 * shapes the backup writes, read back as the restore contract's entries.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectRecord } from '../../../src/backup/claim/plan.js';
import type { GenerationFacts } from '../../../src/core/object-ref.js';
import { catalogEntries } from '../../../src/restore/state-catalog.js';
import type { CatalogEntry } from '../../../src/restore/catalog.js';
import type { SpilledHistory } from '../../../src/state/history.js';

const facts = (generation: string): GenerationFacts => ({
  generation,
  timeCreated: `2026-12-0${generation}T10:00:00.000Z`,
  size: generation,
  md5Hash: 'XrY7u+Ae7tCTyyK7j1rNww==',
  contentType: 'text/plain',
  metadata: { n: generation },
});
const record = (over: Partial<ObjectRecord>): ObjectRecord => ({
  v: 1,
  generation: '3',
  fileId: 'F',
  status: 'uploading',
  owner: 'me',
  leaseUntil: 0,
  fileCreated: true,
  source: { bucket: 'b', name: 'a/x.txt' },
  ...over,
});
const generation = (g: string, driveFileId: string, driveRevisionId?: string): CatalogEntry => ({
  kind: 'generation',
  value: { bucket: 'b', name: 'a/x.txt', ...facts(g), driveFileId, ...(driveRevisionId ? { driveRevisionId } : {}) },
});

describe('catalogEntries', () => {
  const rows: [title: string, records: ObjectRecord[], spills: SpilledHistory[], expected: CatalogEntry[]][] = [
    [
      'three generations and a deletion: the sealed ones with their revisions, the current one its head',
      [
        record({
          history: [
            { ...facts('1'), driveFileId: 'F', driveRevisionId: 'R1' },
            { ...facts('2'), driveFileId: 'F', driveRevisionId: 'R2' },
            { deletedAt: '2026-12-05T00:00:00.000Z', generation: '3' },
          ],
          pending: facts('3'),
        }),
      ],
      [],
      [
        generation('1', 'F', 'R1'),
        generation('2', 'F', 'R2'),
        generation('3', 'F'),
        { kind: 'tombstone', value: { bucket: 'b', name: 'a/x.txt', deletedAt: '2026-12-05T00:00:00.000Z', generation: '3' } },
      ],
    ],
    [
      'marked done by a resumable upload: its revision',
      [record({ status: 'done', revisionId: 'R3', pending: facts('3') })],
      [],
      [generation('3', 'F', 'R3')],
    ],
    [
      'older entries and the current facts in spill objects, stubs in the record',
      [record({ history: [{ generation: '2', driveFileId: 'F', driveRevisionId: 'R2' }], pendingMoved: true })],
      [
        {
          source: { bucket: 'b', name: 'a/x.txt' },
          entries: [{ ...facts('1'), driveFileId: 'F', driveRevisionId: 'R1' }, facts('2'), facts('3')],
        },
      ],
      [generation('1', 'F', 'R1'), generation('2', 'F', 'R2'), generation('3', 'F')],
    ],
    [
      'ON_NEW_GENERATION=copy: one record per generation, each its own file',
      [record({ generation: '1', fileId: 'F1', pending: facts('1') }), record({ generation: '2', fileId: 'F2', pending: facts('2') })],
      [],
      [generation('1', 'F1'), generation('2', 'F2')],
    ],
    [
      'a name kept in base64 comes back',
      [record({ source: { bucket: 'b', name64: Buffer.from('a/x.txt').toString('base64') }, pending: facts('3') })],
      [],
      [generation('3', 'F')],
    ],
    ['a record from before histories: nothing (Drive alone knows it)', [record({})], [], []],
  ];
  for (const [title, records, spills, expected] of rows) {
    test(title, () => assert.deepEqual(catalogEntries(records, spills).entries, expected));
  }
});
