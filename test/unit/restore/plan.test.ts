/**
 * The restore planner, as a table: one object's catalog entries, the request (time, filters, one
 * generation), what the target and Drive hold → the decision.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BackedUpGeneration, CatalogEntry } from '../../../src/restore/catalog.js';
import { planObject, type DriveFact, type RestoreSelection, type TargetFact } from '../../../src/restore/plan.js';

const md5 = (hex: string) => Buffer.from(hex.padEnd(32, '0'), 'hex').toString('base64');

function gen(generation: string, timeCreated: string, extra: Partial<BackedUpGeneration> = {}): CatalogEntry {
  return {
    kind: 'generation',
    value: {
      bucket: 'src',
      name: 'a/b.txt',
      generation,
      timeCreated,
      size: '3',
      md5Hash: md5(`a${generation}`),
      driveFileId: 'F1',
      driveRevisionId: `R${generation}`,
      ...extra,
    },
  };
}
const tomb = (deletedAt: string, generation?: string): CatalogEntry => ({
  kind: 'tombstone',
  value: { bucket: 'src', name: 'a/b.txt', deletedAt, ...(generation !== undefined ? { generation } : {}) },
});

const THREE = [gen('1', '2026-12-01T10:00:00.000Z'), gen('2', '2026-12-01T11:00:00.000Z'), gen('3', '2026-12-01T12:00:00.000Z')];
const ALL_REVISIONS: DriveFact = {
  revisions: [
    { id: 'R1', md5Checksum: 'a1'.padEnd(32, '0') },
    { id: 'R2', md5Checksum: 'a2'.padEnd(32, '0') },
    { id: 'R3', md5Checksum: 'a3'.padEnd(32, '0') },
  ],
};
const ABSENT: TargetFact = { exists: false };
const NOW = Date.parse('2026-12-07T00:00:00Z');

const sel = (over: Partial<RestoreSelection> = {}): RestoreSelection => ({
  prefix: '',
  include: [],
  exclude: [],
  atMs: NOW,
  targetPrefix: 'restored/',
  ...over,
});

type Row = [
  what: string,
  entries: CatalogEntry[],
  selection: RestoreSelection,
  facts: { target?: TargetFact; drive?: DriveFact; overwrite?: boolean },
  expected: { kind: string; generation?: string; revisionId?: string; head?: boolean; same?: boolean; deletedAt?: string } | undefined,
];

const rows: Row[] = [
  [
    'default: the newest generation, from its revision (the head)',
    THREE,
    sel(),
    {},
    { kind: 'restore', generation: '3', revisionId: 'R3', head: true },
  ],
  [
    '--at between generations: the one created before',
    THREE,
    sel({ atMs: Date.parse('2026-12-01T11:30:00Z') }),
    {},
    { kind: 'restore', generation: '2', revisionId: 'R2', head: false },
  ],
  [
    '--at exactly a creation time includes it',
    THREE,
    sel({ atMs: Date.parse('2026-12-01T11:00:00Z') }),
    {},
    { kind: 'restore', generation: '2', revisionId: 'R2', head: false },
  ],
  ['--at before the first generation: not part of the restore', THREE, sel({ atMs: Date.parse('2026-12-01T09:00:00Z') }), {}, undefined],
  [
    'deleted before T',
    [...THREE, tomb('2026-12-01T13:00:00.000Z', '3')],
    sel(),
    {},
    { kind: 'deleted-before-T', deletedAt: '2026-12-01T13:00:00.000Z' },
  ],
  [
    'deleted after T: restored as it was',
    [...THREE, tomb('2026-12-01T13:00:00.000Z', '3')],
    sel({ atMs: Date.parse('2026-12-01T12:30:00Z') }),
    {},
    { kind: 'restore', generation: '3', revisionId: 'R3', head: true },
  ],
  [
    'deleted, then created again before T: the new generation',
    [gen('1', '2026-12-01T10:00:00.000Z'), tomb('2026-12-01T10:30:00.000Z', '1'), gen('2', '2026-12-01T11:00:00.000Z')],
    sel(),
    { drive: { revisions: [{ id: 'R1' }, { id: 'R2' }] } },
    { kind: 'restore', generation: '2', revisionId: 'R2', head: true },
  ],
  [
    'a tombstone without its generation counts when it follows the creation',
    [gen('1', '2026-12-01T10:00:00.000Z'), tomb('2026-12-01T10:30:00.000Z')],
    sel(),
    {},
    { kind: 'deleted-before-T', deletedAt: '2026-12-01T10:30:00.000Z' },
  ],
  [
    'a tombstone of an older generation does not delete a newer one',
    [gen('1', '2026-12-01T10:00:00.000Z'), gen('2', '2026-12-01T10:00:00.000Z'), tomb('2026-12-01T10:30:00.000Z', '1')],
    sel(),
    { drive: { revisions: [{ id: 'R1' }, { id: 'R2' }] } },
    { kind: 'restore', generation: '2', revisionId: 'R2', head: true },
  ],
  ['--prefix leaves other names out', THREE, sel({ prefix: 'b/' }), {}, undefined],
  ['--prefix keeps its names', THREE, sel({ prefix: 'a/' }), {}, { kind: 'restore', generation: '3', revisionId: 'R3', head: true }],
  ['--include that does not match', THREE, sel({ include: ['**/*.png'] }), {}, undefined],
  [
    '--include that matches',
    THREE,
    sel({ include: ['*.png', 'a/*.txt'] }),
    {},
    { kind: 'restore', generation: '3', revisionId: 'R3', head: true },
  ],
  ['--exclude that matches', THREE, sel({ exclude: ['**/*.txt'] }), {}, undefined],
  [
    '--generation: that one, even when deleted',
    [...THREE, tomb('2026-12-01T13:00:00.000Z', '3')],
    sel({ prefix: 'a/b.txt', generation: '1' }),
    {},
    { kind: 'restore', generation: '1', revisionId: 'R1', head: false },
  ],
  ['--generation names the whole object, not a prefix', THREE, sel({ prefix: 'a/', generation: '1' }), {}, undefined],
  ['--generation not backed up', THREE, sel({ prefix: 'a/b.txt', generation: '9' }), {}, { kind: 'not-in-backup' }],
  ['the target has it: exists, same bytes', THREE, sel(), { target: { exists: true, md5Hash: md5('a3') } }, { kind: 'exists', same: true }],
  [
    'the target has other bytes: exists, not the same',
    THREE,
    sel(),
    { target: { exists: true, md5Hash: md5('ff') } },
    { kind: 'exists', same: false },
  ],
  [
    '--overwrite restores over it',
    THREE,
    sel(),
    { target: { exists: true, md5Hash: md5('ff') }, overwrite: true },
    { kind: 'restore', generation: '3', revisionId: 'R3', head: true },
  ],
  ['the Drive file is gone', THREE, sel(), { drive: 'missing' }, { kind: 'missing-in-drive' }],
  [
    'the revision is no longer listed: purged',
    THREE,
    sel({ atMs: Date.parse('2026-12-01T10:30:00Z') }),
    { drive: { revisions: [{ id: 'R2' }, { id: 'R3' }] } },
    { kind: 'revision-purged' },
  ],
  [
    'no revision id recorded: the revision with the recorded MD5',
    [gen('1', '2026-12-01T10:00:00.000Z', { driveRevisionId: undefined })],
    sel(),
    {},
    { kind: 'restore', generation: '1', revisionId: 'R1', head: false },
  ],
  [
    'no revision id and no revision with its MD5: purged',
    [gen('7', '2026-12-01T10:00:00.000Z', { driveRevisionId: undefined })],
    sel(),
    {},
    { kind: 'revision-purged' },
  ],
  [
    'no revision id and no MD5 (composite): the head',
    [gen('7', '2026-12-01T10:00:00.000Z', { driveRevisionId: undefined, md5Hash: undefined, crc32c: 'AAAAAA==' })],
    sel(),
    {},
    { kind: 'restore', generation: '7', revisionId: 'R3', head: true },
  ],
  [
    'a target name past 1,024 bytes',
    [gen('1', '2026-12-01T10:00:00.000Z', { name: 'x'.repeat(1020) })],
    sel(),
    {},
    { kind: 'target-invalid' },
  ],
];

describe('the restore planner', () => {
  for (const [what, entries, selection, facts, expected] of rows) {
    test(what, () => {
      const decision = planObject(entries, selection, {
        target: facts.target ?? ABSENT,
        drive: facts.drive ?? ALL_REVISIONS,
        overwrite: facts.overwrite ?? false,
      });
      if (expected === undefined) return assert.equal(decision, undefined);
      assert.ok(decision, 'a decision');
      assert.equal(decision.kind, expected.kind);
      if (expected.generation !== undefined && 'source' in decision) assert.equal(decision.source.generation, expected.generation);
      if (decision.kind === 'restore') {
        assert.equal(decision.revisionId, expected.revisionId);
        assert.equal(decision.head, expected.head);
        assert.equal(decision.target, `restored/${decision.name}`, 'target prefix + exact name');
      }
      if (expected.same !== undefined && decision.kind === 'exists') assert.equal(decision.same, expected.same);
      if (expected.deletedAt !== undefined && decision.kind === 'deleted-before-T') assert.equal(decision.deletedAt, expected.deletedAt);
    });
  }
});
