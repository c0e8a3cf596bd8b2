/**
 * A restore's progress (src/restore/progress.ts), by table: the record's own counts plus its tasks'
 * markers (running ones not counted), what is left, when it is done, and the problem lines kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clipProblem,
  countOutcome,
  progressOf,
  PROBLEM_CHARS,
  PROBLEM_LINES,
  type ObjectMarker,
  type RestoreRecord,
} from '../../../src/restore/progress.js';

function record(over: Partial<RestoreRecord> = {}): RestoreRecord {
  return {
    v: 1,
    id: 'a'.repeat(32),
    spec: {
      to: { bucket: 'b', prefix: '' },
      prefix: '',
      include: [],
      exclude: [],
      atMs: 0,
      dryRun: false,
      overwrite: false,
      acknowledgeAbuse: false,
      customTime: true,
    },
    sourceBucket: 'src',
    mode: 'tasks',
    listed: true,
    counts: {},
    enqueued: 0,
    bytes: 0,
    problems: [],
    startedAt: '',
    updatedAt: '',
    ...over,
  };
}
const marker = (status: string, extra: Partial<ObjectMarker> = {}): ObjectMarker => ({ status, name: status, ...extra });

test('progressOf', () => {
  const rows: [
    title: string,
    rec: RestoreRecord,
    markers: ObjectMarker[],
    want: { done: boolean; remaining: number; waiting: number; counts: Record<string, number>; problemCount: number },
  ][] = [
    ['nothing enqueued, listed: done', record(), [], { done: true, remaining: 0, waiting: 0, counts: {}, problemCount: 0 }],
    ['still listing: not done', record({ listed: false }), [], { done: false, remaining: 0, waiting: 0, counts: {}, problemCount: 0 }],
    [
      'three tasks, one running',
      record({ enqueued: 3, counts: { 'deleted-before-T': 1 } }),
      [marker('restored', { bytes: 5 }), marker('running'), marker('exists')],
      { done: false, remaining: 1, waiting: 0, counts: { 'deleted-before-T': 1, restored: 1, exists: 1 }, problemCount: 0 },
    ],
    [
      'two running, one of them waiting for Drive',
      record({ enqueued: 2 }),
      [marker('running'), marker('running', { waiting: 'Drive replied 403 downloadQuotaExceeded' })],
      { done: false, remaining: 2, waiting: 1, counts: {}, problemCount: 0 },
    ],
    [
      'all ended, one a problem',
      record({ enqueued: 2 }),
      [marker('restored'), marker('mismatch', { problem: true, line: 'mismatch x' })],
      { done: true, remaining: 0, waiting: 0, counts: { restored: 1, mismatch: 1 }, problemCount: 1 },
    ],
    [
      'a dry run: restore is no problem',
      record({ mode: 'direct', counts: { restore: 4 }, spec: { ...record().spec, dryRun: true } }),
      [],
      { done: true, remaining: 0, waiting: 0, counts: { restore: 4 }, problemCount: 0 },
    ],
  ];
  for (const [title, rec, markers, want] of rows) {
    const p = progressOf(rec, markers);
    assert.deepEqual(
      { done: p.done, remaining: p.remaining, waiting: p.waiting, counts: p.counts, problemCount: p.problemCount },
      want,
      title,
    );
  }
});

test('countOutcome keeps the first problem lines only', () => {
  const rec = record();
  for (let i = 0; i < PROBLEM_LINES + 3; i++) countOutcome(rec, { status: 'failed', problem: true, line: `failed ${i}` });
  countOutcome(rec, { status: 'restored', bytes: 7, problem: false, line: 'restored x' });
  assert.equal(rec.problems.length, PROBLEM_LINES);
  assert.deepEqual(rec.counts, { failed: PROBLEM_LINES + 3, restored: 1 });
  assert.equal(rec.bytes, 7);
});

test("clipProblem keeps a long line's start and its end (what to do)", () => {
  const action = 'delete gs://b/n#1 yourself (gcloud storage rm "gs://b/n#1"), then run the restore again';
  const rows: [line: string, want: (clipped: string) => boolean][] = [
    ['short', (c) => c === 'short'],
    ['x'.repeat(PROBLEM_CHARS), (c) => c === 'x'.repeat(PROBLEM_CHARS)],
    [`mismatch name: ${'y'.repeat(1000)}; ${action}`, (c) => c.startsWith('mismatch name: yyy') && c.endsWith(action) && c.includes(' … ')],
  ];
  for (const [line, want] of rows) {
    const clipped = clipProblem(line);
    assert.ok(clipped.length <= PROBLEM_CHARS, `${clipped.length} chars`);
    assert.ok(want(clipped), clipped);
  }
});
