/** sandbox/outcomes.ts: which log lines are outcomes, and the bounded newest-first list. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseOutcomeLine, RecentOutcomes, type Outcome } from '../../../sandbox/outcomes.js';

const at = new Date('2026-01-01T00:00:00Z');

describe('parseOutcomeLine', () => {
  /** An upload's fields: what the line carries beside its severity and event, and what comes out. */
  const uploaded = {
    outcome: 'uploaded',
    bucket: 'b',
    name: 'a/b.txt',
    generation: '12',
    bytes: 5,
    durationMs: 3,
    driveFileId: 'd',
    attempts: 1,
  } as const;
  const cases: { name: string; line: string; expected: Partial<Outcome> | undefined }[] = [
    { name: 'an upload', line: JSON.stringify({ severity: 'INFO', event: 'objectOutcome', ...uploaded }), expected: uploaded },
    {
      name: 'a failure with a reason',
      line: JSON.stringify({ event: 'objectOutcome', outcome: 'failed', bucket: 'b', name: 'x', generation: '1', reason: 'quota' }),
      expected: { outcome: 'failed', reason: 'quota' },
    },
    {
      name: 'another event',
      line: JSON.stringify({ event: 'retrying', outcome: 'uploaded', bucket: 'b', name: 'x' }),
      expected: undefined,
    },
    {
      name: 'an outcome without a name',
      line: JSON.stringify({ event: 'objectOutcome', outcome: 'uploaded', bucket: 'b' }),
      expected: undefined,
    },
    { name: 'framework text', line: 'Serving function...', expected: undefined },
    { name: 'a JSON array', line: '[1,2]', expected: undefined },
    { name: 'JSON null', line: 'null', expected: undefined },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const parsed = parseOutcomeLine(c.line, 'event', at);
      if (c.expected === undefined) return assert.equal(parsed, undefined);
      assert.ok(parsed);
      assert.equal(parsed.at, at.toISOString());
      assert.equal(parsed.source, 'event');
      for (const [k, v] of Object.entries(c.expected)) assert.equal(parsed[k as keyof Outcome], v, k);
    });
  }
});

test('RecentOutcomes keeps the newest `limit`, newest first', () => {
  const recent = new RecentOutcomes(2);
  for (const name of ['a', 'b', 'c']) recent.add({ at: '', source: 'http', outcome: 'uploaded', bucket: 'b', name, generation: '1' });
  assert.deepEqual(
    recent.list().map((o) => o.name),
    ['c', 'b'],
  );
});
