/**
 * The backup task's deterministic ID (src/tasks/task-name.ts), by table: the same generation always gets
 * the same ID, any other field gives another, no two triples collide by concatenation, and every ID is a
 * valid Cloud Tasks task ID ([A-Za-z0-9_-], at most 500 characters) whatever the object's name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backupTaskId, restoreContinueTaskId, restoreTaskId } from '../../../src/tasks/task-name.js';

const base = { bucket: 'photos', name: 'a/b.jpg', generation: '1700000000000001' };

test('the same generation: the same ID, every time and in every release', () => {
  assert.equal(backupTaskId(base), backupTaskId({ ...base }));
  // Pinned: a deploy that changed it would queue a second task for events redelivered across the deploy.
  assert.equal(backupTaskId(base), 'e5162cea7a4bf54f5f907389d87698bbe1a40a8eca4917d00c49af3c3bc24009');
});

test('any other bucket, name or generation: another ID', () => {
  const rows = [
    { ...base, bucket: 'photos2' },
    { ...base, name: 'a/b.jpeg' },
    { ...base, generation: '1700000000000002' },
    // Concatenation would make these equal.
    { bucket: 'photosa', name: '/b.jpg', generation: base.generation },
    { bucket: 'photos', name: 'a/b.jpg1', generation: '700000000000001' },
  ];
  const ids = new Set([base, ...rows].map(backupTaskId));
  assert.equal(ids.size, rows.length + 1);
});

test('a valid task ID whatever the name', () => {
  for (const name of ['x', 'é/日本/😀 "quoted" & <tag>', 'a'.repeat(1024), 'folder/', '../..//\\']) {
    assert.match(backupTaskId({ ...base, name }), /^[A-Za-z0-9_-]{1,500}$/);
  }
});

test('a restore task: one ID per (restore, name, generation), a valid task ID, never a backup task ID', () => {
  const id = 'a'.repeat(32);
  const one = { name: 'a/b.jpg', generation: '17' };
  const rows: [other: { restore: string; name: string; generation: string }, same: boolean][] = [
    [{ restore: id, ...one }, true],
    [{ restore: 'b'.repeat(32), ...one }, false],
    [{ restore: id, name: 'a/b.jpg ', generation: '17' }, false],
    [{ restore: id, name: 'a/b.jpg', generation: '18' }, false],
  ];
  for (const [other, same] of rows)
    assert.equal(restoreTaskId(other.restore, other) === restoreTaskId(id, one), same, JSON.stringify(other));
  const long = restoreTaskId(id, { name: 'é/'.repeat(600), generation: '1' });
  assert.match(long, /^restore-[0-9a-f]{64}$/);
  assert.notEqual(restoreTaskId(id, one), backupTaskId({ bucket: id, ...one }));
});

test("a restore's continuation: one ID per restore and cursor, apart from object tasks", () => {
  const id = 'f'.repeat(32);
  const rows: [restore: string, after: string, same: boolean][] = [
    [id, 'k1', true],
    [id, 'k2', false],
    ['e'.repeat(32), 'k1', false],
    [id, '', false],
  ];
  for (const [restore, after, same] of rows)
    assert.equal(restoreContinueTaskId(restore, after) === restoreContinueTaskId(id, 'k1'), same, `${restore} ${after}`);
  assert.match(restoreContinueTaskId(id, ''), /^restore-continue-[0-9a-f]{64}$/);
  assert.notEqual(restoreContinueTaskId(id, 'k1'), restoreTaskId(id, { name: 'k1', generation: '' }));
});
