/**
 * The small upload (small.ts) against fakes at its IO edge (the object's bytes from a fake source gateway,
 * Drive in memory behind the real gateway): a new file is created with the record's id, a known file gets
 * a revision, and a retry never adds the same generation twice (a create answered 409, or a revision
 * retried after its reply was lost, finds the copy that landed).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { uploadSmall, type SmallUploadJob } from '../../../../src/backup/upload/small.js';
import { APP_PROPERTY } from '../../../../src/drive/object-path.js';
import { driveError } from '../../core/library-errors.js';
import { FakeDrive } from '../fakes.js';

const CONTENT = Buffer.from('the object bytes');
const MD5 = createHash('md5').update(CONTENT).digest('hex');
const GENERATION = '5';

function world() {
  const drive = new FakeDrive();
  const downloads: string[] = [];
  const job: SmallUploadJob = {
    ref: { bucket: 'src', name: 'a.txt', generation: GENERATION },
    meta: {
      name: 'a.txt',
      mimeType: 'text/plain',
      parents: ['folder'],
      description: 'gs://src/a.txt#5',
      appProperties: { [APP_PROPERTY.generation]: GENERATION },
    },
    scope: {},
    deps: {
      config: { ioIdleTimeoutMs: 1000, keepRevisionsForever: false },
      logger: { keptRevisionReleased: () => undefined },
      source: {
        call: async (what: string) => {
          downloads.push(what);
          return CONTENT as never;
        },
      },
      drive: drive.gateway(),
    },
  };
  return { drive, job, downloads };
}
const holding = (generation: string) => ({
  id: 'f',
  parents: ['folder'],
  appProperties: { [APP_PROPERTY.generation]: generation },
  revisions: [{ id: 'r0', keepForever: false, modifiedTime: '2026-01-01T00:00:00Z' }],
});

describe('uploadSmall', () => {
  test('a new file: created with the record id, one download, one create', async () => {
    const w = world();
    const result = await uploadSmall(w.job, { fileId: 'f', fileCreated: false });
    assert.deepEqual([result.revised, result.md5Hex, result.file.id, result.file.md5Checksum], [false, MD5, 'f', MD5]);
    assert.deepEqual([w.downloads, w.drive.calls], [['download'], ['files.create']]);
    assert.deepEqual(w.drive.files.get('f')?.parents, ['folder']);
  });

  test('a known file: a new revision of it', async () => {
    const w = world();
    w.drive.files.set('f', holding('4'));
    const result = await uploadSmall(w.job, { fileId: 'f', fileCreated: true });
    assert.deepEqual([result.revised, result.md5Hex], [true, MD5]);
    assert.deepEqual(w.drive.calls, ['files.update']);
    assert.equal(w.drive.files.get('f')?.revisions.length, 2);
    assert.equal(w.drive.files.get('f')?.appProperties?.[APP_PROPERTY.generation], GENERATION);
  });

  test('create answers 409 and the file holds this generation (an earlier reply lost): that copy, nothing added', async () => {
    const w = world();
    w.drive.files.set('f', holding(GENERATION));
    const result = await uploadSmall(w.job, { fileId: 'f', fileCreated: false });
    assert.deepEqual([result.revised, result.file.id], [false, 'f']);
    assert.deepEqual(w.drive.calls, ['files.create', 'files.get', 'files.get']);
    assert.equal(w.drive.files.get('f')?.revisions.length, 1);
  });

  test('create answers 409 and the file holds another generation: revised instead', async () => {
    const w = world();
    w.drive.files.set('f', holding('4'));
    const result = await uploadSmall(w.job, { fileId: 'f', fileCreated: false });
    assert.equal(result.revised, true);
    assert.deepEqual(w.drive.calls, ['files.create', 'files.get', 'files.update']);
    assert.equal(w.drive.files.get('f')?.revisions.length, 2);
  });

  test('a retried revision finds the one that landed and adds no second', async () => {
    const w = world();
    w.drive.files.set('f', holding(GENERATION));
    w.drive.fail.set('files.update', () => driveError(503, 'backendError'));
    const result = await uploadSmall(w.job, { fileId: 'f', fileCreated: true });
    assert.equal(result.revised, true);
    assert.deepEqual(w.drive.calls, ['files.update', 'files.get', 'files.get']);
    assert.equal(w.drive.files.get('f')?.revisions.length, 1);
  });
});
