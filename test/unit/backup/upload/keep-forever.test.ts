/**
 * Revisions kept forever under Drive's cap of 200 (keep-forever.ts), against Drive in memory: nothing is
 * listed when the setting is off; under the cap the revision just goes up kept; at the cap the oldest
 * kept revision (never the head) is deleted first, with one `keptRevisionReleased` line; when Drive
 * refuses one more anyway, room is made and the revision sent again; when only the head is kept, the new
 * revision goes up not kept forever.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { drive_v3 } from '@googleapis/drive';
import { reviseKeepingForever, type KeepForeverJob } from '../../../../src/backup/upload/keep-forever.js';
import { driveError } from '../../core/library-errors.js';
import { FakeDrive } from '../fakes.js';

const REF = { bucket: 'src', name: 'a.txt', generation: '9' };

function world(keepRevisionsForever: boolean, kept: number, notKept = 0) {
  const drive = new FakeDrive();
  const revisions = [
    ...Array.from({ length: notKept }, (_, i) => ({ id: `n${i}`, keepForever: false, modifiedTime: `2026-01-01T00:00:0${i}Z` })),
    ...Array.from({ length: kept }, (_, i) => ({
      id: `k${i}`,
      keepForever: true,
      modifiedTime: `2026-02-01T00:00:00.${String(i).padStart(3, '0')}Z`,
    })),
  ];
  drive.files.set('f', { id: 'f', revisions });
  const released: Record<string, unknown>[] = [];
  const job: KeepForeverJob = {
    ref: REF,
    deps: { config: { keepRevisionsForever }, logger: { keptRevisionReleased: (f) => void released.push({ ...f }) } },
  };
  const sent: boolean[] = [];
  const send = async (keep: boolean) => {
    sent.push(keep);
    return 'sent';
  };
  const revise = () => reviseKeepingForever(job, drive.api as unknown as drive_v3.Drive, 'f', send);
  return { drive, released, sent, revise, ids: () => drive.files.get('f')?.revisions.map((r) => r.id) };
}

describe('reviseKeepingForever', () => {
  test('KEEP_REVISIONS_FOREVER=false: sent not kept, nothing listed', async () => {
    const w = world(false, 200);
    assert.equal(await w.revise(), 'sent');
    assert.deepEqual([w.sent, w.drive.calls, w.released], [[false], [], []]);
  });

  test('under the cap: sent kept forever, nothing deleted', async () => {
    const w = world(true, 199);
    await w.revise();
    assert.deepEqual([w.sent, w.drive.calls, w.released.length], [[true], ['revisions.list'], 0]);
  });

  test('at the cap: the oldest kept revision goes first, one line names it', async () => {
    const w = world(true, 200, 2);
    await w.revise();
    assert.deepEqual(w.sent, [true]);
    assert.deepEqual(w.drive.calls, ['revisions.list', 'revisions.delete']);
    assert.equal(w.ids()?.includes('k0'), false, 'k0, the oldest kept, deleted');
    assert.equal(w.ids()?.length, 201);
    assert.deepEqual(w.released, [
      { ...REF, driveFileId: 'f', keptForever: 200, revisionId: 'k0', revisionModifiedTime: '2026-02-01T00:00:00.000Z' },
    ]);
  });

  test('Drive refuses one more kept revision below 200: room is made and the revision sent again', async () => {
    const w = world(true, 150);
    let refusals = 1;
    const send = async (keep: boolean) => {
      w.sent.push(keep);
      if (refusals-- > 0) throw await driveError(403, 'keepForeverLimitExceeded');
      return 'sent';
    };
    const job: KeepForeverJob = {
      ref: REF,
      deps: { config: { keepRevisionsForever: true }, logger: { keptRevisionReleased: (f) => void w.released.push({ ...f }) } },
    };
    assert.equal(await reviseKeepingForever(job, w.drive.api as unknown as drive_v3.Drive, 'f', send), 'sent');
    assert.deepEqual(w.sent, [true, true]);
    assert.deepEqual(w.drive.calls, ['revisions.list', 'revisions.list', 'revisions.delete']);
    assert.deepEqual(
      w.released.map((r) => r.revisionId),
      ['k0'],
    );
  });

  test('only the head revision is kept: the new one goes up not kept forever, and the line says none was released', async () => {
    const w = world(true, 1, 3);
    let refusals = 1;
    const send = async (keep: boolean) => {
      w.sent.push(keep);
      if (keep && refusals-- > 0) throw await driveError(403, 'keepForeverLimitExceeded');
      return 'sent';
    };
    const job: KeepForeverJob = {
      ref: REF,
      deps: { config: { keepRevisionsForever: true }, logger: { keptRevisionReleased: (f) => void w.released.push({ ...f }) } },
    };
    await reviseKeepingForever(job, w.drive.api as unknown as drive_v3.Drive, 'f', send);
    assert.deepEqual(w.sent, [true, false]);
    assert.deepEqual(w.released, [{ ...REF, driveFileId: 'f', keptForever: 1 }]);
    assert.equal(w.ids()?.length, 4, 'nothing deleted');
  });

  test('a file gone from Drive: the revision is sent, and its own request reports the file gone', async () => {
    const w = world(true, 0);
    w.drive.files.clear();
    await w.revise();
    assert.deepEqual(w.sent, [true]);
  });
});
