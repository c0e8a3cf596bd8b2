/**
 * The history a claim record keeps (src/state/history.ts): sealing the current generation, the record's
 * budget and what spills, merging records and spills back, names JSON would escape. Tables, no IO.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerationFacts } from '../../../src/core/object-ref.js';
import {
  advanceHistory,
  fitRecord,
  mergeEntries,
  recordBytes,
  recordedSource,
  RECORD_BUDGET_BYTES,
  sealCurrent,
  sourceName,
  spillKey,
  withDeletion,
  type CurrentGeneration,
  type FileSeen,
  type HistoryEntry,
} from '../../../src/state/history.js';

const facts = (generation: string, extra: Partial<GenerationFacts> = {}): GenerationFacts => ({
  generation,
  timeCreated: `2026-12-0${generation.slice(-1)}T10:00:00.000Z`,
  size: '11',
  md5Hash: 'XrY7u+Ae7tCTyyK7j1rNww==',
  crc32c: 'yZRlqg==',
  contentType: 'text/plain',
  ...extra,
});

const current = (over: Partial<CurrentGeneration> = {}): CurrentGeneration => ({
  generation: '1',
  fileId: 'F1',
  status: 'uploading',
  source: { bucket: 'b', name: 'n' },
  pending: facts('1'),
  ...over,
});

describe('recordedSource: a name JSON would escape is kept in base64, and comes back exact', () => {
  const rows: [title: string, name: string, base64: boolean][] = [
    ['plain', 'a/b/c.txt', false],
    ['unicode kept as is', 'ünï/文件 名.txt', false],
    ['a quote', 'it"s', true],
    ['a backslash', 'a\\b', true],
    ['a control character', 'bell\u0007', true],
    ['1,024 control characters (6 bytes each in JSON)', '\u0001'.repeat(1024), true],
  ];
  for (const [title, name, base64] of rows) {
    test(title, () => {
      const source = recordedSource('b', name);
      assert.equal(source.name64 !== undefined, base64);
      assert.equal(sourceName(source), name);
      assert.ok(recordBytes(source) <= 1024 * 1.34 + 40, `${recordBytes(source)} bytes`);
    });
  }
});

describe('sealCurrent: the current generation becomes history only when it landed', () => {
  const rows: [title: string, record: CurrentGeneration, seen: FileSeen | undefined, expected: HistoryEntry | undefined][] = [
    [
      'the file holds it: sealed with its head revision',
      current(),
      { generation: '1', headRevisionId: 'R1' },
      { ...facts('1'), driveFileId: 'F1', driveRevisionId: 'R1' },
    ],
    [
      'marked done with the revision the upload named: that revision wins',
      current({ status: 'done', revisionId: 'R0' }),
      { generation: '1', headRevisionId: 'R1' },
      { ...facts('1'), driveFileId: 'F1', driveRevisionId: 'R0' },
    ],
    ['marked done, no probe, no revision known', current({ status: 'done' }), undefined, { ...facts('1'), driveFileId: 'F1' }],
    ['still uploading, the file holds another generation: never landed', current(), { generation: '0', headRevisionId: 'R0' }, undefined],
    ['still uploading, no file', current(), 'absent', undefined],
    [
      'a record from before histories (no facts): nothing',
      current({ pending: undefined }),
      { generation: '1', headRevisionId: 'R1' },
      undefined,
    ],
    [
      'facts moved to a spill object: a stub the spill completes',
      current({ pending: undefined, pendingMoved: true }),
      { generation: '1', headRevisionId: 'R1' },
      { generation: '1', driveFileId: 'F1', driveRevisionId: 'R1' },
    ],
  ];
  for (const [title, record, seen, expected] of rows) test(title, () => assert.deepEqual(sealCurrent(record, seen), expected));
});

describe('advanceHistory: a newer generation takes the record', () => {
  test('the one before is sealed, the new one pending, the source kept', () => {
    const next = advanceHistory(current({ history: [{ deletedAt: '2026-12-01T00:00:00.000Z' }] }), facts('2'), {
      generation: '1',
      headRevisionId: 'R1',
    });
    assert.deepEqual(next, {
      source: { bucket: 'b', name: 'n' },
      history: [{ deletedAt: '2026-12-01T00:00:00.000Z' }, { ...facts('1'), driveFileId: 'F1', driveRevisionId: 'R1' }],
      pending: facts('2'),
    });
  });
  test('the same generation again (its backup lost in Drive) is not sealed twice', () => {
    const next = advanceHistory(current({ status: 'done' }), facts('1'), 'absent');
    assert.deepEqual(next, { source: { bucket: 'b', name: 'n' }, pending: facts('1') });
  });
});

describe('withDeletion', () => {
  const deletion = { deletedAt: '2026-12-02T00:00:00.000Z', generation: '1' };
  test('appends the tombstone', () => assert.deepEqual(withDeletion(current(), deletion).history, [deletion]));
  test('a redelivered event adds nothing (the same object back: no write)', () => {
    const once = withDeletion(current(), deletion);
    assert.equal(withDeletion(once, { ...deletion }), once);
  });
});

describe('fitRecord: a record stays within one custom-metadata value', () => {
  const longName = '\u0001'.repeat(1024); // the worst name: base64, 1,368 bytes
  const session = `https://www.googleapis.com/upload/drive/v3/files/F?uploadType=resumable&upload_id=${'x'.repeat(900)}`;
  const sealed = (n: number): HistoryEntry[] =>
    Array.from({ length: n }, (_, i) => ({
      ...facts(String(i + 1), { cacheControl: 'no-store' }),
      driveFileId: 'F1',
      driveRevisionId: `R${i}`,
    }));

  test('a small record is written as it is', () => {
    const record = current({ history: sealed(2) });
    assert.deepEqual(fitRecord(record), { record });
  });

  test('a long history moves its oldest entries out, and the rest fits with room for a session URI', () => {
    const history = sealed(40);
    const { record, moved } = fitRecord(current({ source: recordedSource('b', longName), history }));
    assert.ok(moved && moved.length > 0);
    assert.deepEqual([...moved, ...(record.history ?? [])], history, 'nothing lost, oldest first');
    assert.ok(recordBytes(record) <= RECORD_BUDGET_BYTES);
    assert.ok(recordBytes({ ...record, session, owner: `${'e'.repeat(60)}/${'u'.repeat(36)}` }) <= 4096, 'under 4 KiB with a session');
  });

  test('one generation whose custom metadata alone is 8 KiB: its facts move out, a stub stays', () => {
    const metadata = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, 'v'.repeat(1000)]));
    const { record, moved } = fitRecord(current({ pending: facts('1', { metadata }) }));
    assert.equal(record.pending, undefined);
    assert.equal(record.pendingMoved, true);
    assert.deepEqual(moved, [facts('1', { metadata })]);
    assert.ok(recordBytes(record) <= RECORD_BUDGET_BYTES);
  });
});

describe('mergeEntries: records and spills back into one history', () => {
  const rows: [title: string, entries: HistoryEntry[], expected: HistoryEntry[]][] = [
    [
      'a stub completes the spilled facts (and keeps its revision)',
      [facts('1'), { generation: '1', driveFileId: 'F1', driveRevisionId: 'R1' }],
      [{ ...facts('1'), driveFileId: 'F1', driveRevisionId: 'R1' }],
    ],
    ['facts without a Drive file are left out (never landed)', [facts('1')], []],
    ['a stub without its facts is left out', [{ generation: '1', driveFileId: 'F1' }], []],
    [
      'generations ordered as integers, duplicates once',
      [
        { ...facts('10'), driveFileId: 'F' },
        { ...facts('9'), driveFileId: 'F' },
        { ...facts('10'), driveFileId: 'F' },
      ],
      [
        { ...facts('9'), driveFileId: 'F' },
        { ...facts('10'), driveFileId: 'F' },
      ],
    ],
    [
      'deletions once each, by time',
      [
        { deletedAt: '2026-12-03T00:00:00.000Z', generation: '2' },
        { deletedAt: '2026-12-01T00:00:00.000Z', generation: '1' },
        { deletedAt: '2026-12-03T00:00:00.000Z', generation: '2' },
      ],
      [
        { deletedAt: '2026-12-01T00:00:00.000Z', generation: '1' },
        { deletedAt: '2026-12-03T00:00:00.000Z', generation: '2' },
      ],
    ],
  ];
  for (const [title, entries, expected] of rows) test(title, () => assert.deepEqual(mergeEntries(entries), expected));
});

test('spillKey: named by its content, beside the record', () => {
  assert.equal(spillKey('objects/k', '[1]'), spillKey('objects/k', '[1]'));
  assert.notEqual(spillKey('objects/k', '[1]'), spillKey('objects/k', '[2]'));
  assert.match(spillKey('objects/k', '[1]'), /^objects\/k\.history\/[0-9a-f]{32}$/);
});
