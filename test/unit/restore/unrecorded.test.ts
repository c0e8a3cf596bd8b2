/**
 * The line of an object with no recorded history (src/restore/unrecorded.ts): its name escaped for the
 * terminal, or its Drive file when the name is unknown, and the pointer to --from-drive.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unrecordedLine } from '../../../src/restore/unrecorded.js';

test('unrecordedLine', () => {
  const tail =
    ": backed up before the state bucket kept each object's history, so it cannot be restored from there; run the same command with --from-drive to restore it from Drive";
  const rows: [what: { name?: string; fileId: string }, line: string][] = [
    [{ name: 'a/b.txt', fileId: 'F' }, `not-in-history a/b.txt${tail}`],
    [{ fileId: 'F1' }, `not-in-history (Drive file F1)${tail}`],
  ];
  for (const [what, line] of rows) assert.equal(unrecordedLine(what), line);
  assert.ok(!unrecordedLine({ name: 'evil\u001b[2J.txt', fileId: 'F' }).includes('\u001b'));
});
