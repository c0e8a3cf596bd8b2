/** Which revision kept forever may go to make room (pure): the oldest kept one, never the head. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEEP_FOREVER_CAP, keptForever, type RevisionFacts } from '../../../src/drive/revisions.js';

const rev = (id: string, keepForever: boolean): RevisionFacts => ({ id, keepForever });

const rows: [title: string, revisions: RevisionFacts[], expected: { count: number; oldest?: string }][] = [
  ['none kept', [rev('a', false), rev('b', false)], { count: 0 }],
  ['the oldest kept one, not the oldest revision', [rev('a', false), rev('b', true), rev('c', true)], { count: 2, oldest: 'b' }],
  ['only the head kept: nothing may go', [rev('a', false), rev('b', true)], { count: 1 }],
  ['a single kept revision that is the head', [rev('a', true)], { count: 1 }],
  ['the head kept and older ones kept', [rev('a', true), rev('b', true)], { count: 2, oldest: 'a' }],
  ['no revisions', [], { count: 0 }],
];
for (const [title, revisions, expected] of rows) {
  test(title, () => {
    const { count, oldest } = keptForever(revisions);
    assert.deepEqual({ count, ...(oldest ? { oldest: oldest.id } : {}) }, expected);
  });
}

test("Google's cap is 200", () => assert.equal(KEEP_FOREVER_CAP, 200));
