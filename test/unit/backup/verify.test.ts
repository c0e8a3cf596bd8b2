/**
 * The last step (verify.ts) against fakes at its IO edge: Drive's MD5 must equal the bytes sent and Cloud
 * Storage's MD5; with neither known the object is hashed again through the source gateway; a copy that
 * does not match is discarded (a new file deleted, a revision removed and the file's generation mark
 * cleared), and a discard whose target is already gone is done.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { discardBadUpload, IntegrityError, verifyMd5, type VerifyJob } from '../../../src/backup/verify.js';
import type { Uploaded } from '../../../src/backup/job.js';
import { APP_PROPERTY } from '../../../src/drive/object-path.js';
import { FakeDrive } from './fakes.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

/** A job whose source gateway answers a re-hash with `rehash` (and counts the calls). */
function job(rehash = A) {
  const calls: string[] = [];
  const source = {
    call: async (what: string) => {
      calls.push(what);
      return rehash as never;
    },
  };
  const j: VerifyJob = {
    ref: { bucket: 'src', name: 'n', generation: '3' },
    scope: {},
    deps: { config: { ioIdleTimeoutMs: 1000 }, source },
  };
  return { job: j, calls };
}
const uploaded = (driveMd5: string | undefined, sentMd5?: string): Uploaded => ({
  file: { id: 'f', md5Checksum: driveMd5 },
  revised: false,
  ...(sentMd5 ? { md5Hex: sentMd5 } : {}),
});

describe('verifyMd5', () => {
  const rows: [
    what: string,
    driveMd5: string | undefined,
    sentMd5: string | undefined,
    gcsMd5: string | undefined,
    rehash: string,
    ok: boolean,
    rehashed: boolean,
  ][] = [
    ['all three agree', A, A, A, B, true, false],
    ['sent and Drive agree, no Cloud Storage MD5 (composite)', A, A, undefined, B, true, false],
    ['Cloud Storage and Drive agree, nothing hashed on the way', A, undefined, A, B, true, false],
    ['Drive differs from the bytes sent', B, A, A, A, false, false],
    ['Drive has no MD5', undefined, A, A, A, false, false],
    ['sent and Drive agree but Cloud Storage differs', A, A, B, A, false, false],
    ['resumed composite: hashed again, and it matches', A, undefined, undefined, A, true, true],
    ['resumed composite: hashed again, and it differs', A, undefined, undefined, B, false, true],
  ];
  for (const [what, driveMd5, sentMd5, gcsMd5, rehash, ok, rehashed] of rows) {
    test(`${what} → ${ok ? 'verified' : 'IntegrityError'}`, async () => {
      const { job: j, calls } = job(rehash);
      const check = verifyMd5(j, uploaded(driveMd5, sentMd5), gcsMd5);
      if (ok) await check;
      else await assert.rejects(check, IntegrityError);
      assert.deepEqual(calls, rehashed ? ['hash the object again'] : []);
    });
  }
});

describe('discardBadUpload', () => {
  test('a new file is deleted', async () => {
    const drive = new FakeDrive();
    drive.files.set('f', { id: 'f', revisions: [] });
    await discardBadUpload({ scope: {}, deps: { drive: drive.gateway() } }, 'f', uploaded(B));
    assert.equal(drive.files.has('f'), false);
  });

  test('a revision is removed and the file loses its generation mark', async () => {
    const drive = new FakeDrive();
    const revisions = [
      { id: 'r1', keepForever: false, modifiedTime: '2026-01-01T00:00:00Z' },
      { id: 'r2', keepForever: false, modifiedTime: '2026-01-02T00:00:00Z' },
    ];
    drive.files.set('f', { id: 'f', revisions, appProperties: { [APP_PROPERTY.generation]: '3', other: 'kept' } });
    const bad: Uploaded = { file: { id: 'f', md5Checksum: B, headRevisionId: 'r2' }, revised: true };
    await discardBadUpload({ scope: {}, deps: { drive: drive.gateway() } }, 'f', bad);
    const file = drive.files.get('f');
    assert.deepEqual(
      file?.revisions.map((r) => r.id),
      ['r1'],
    );
    assert.deepEqual(file?.appProperties, { other: 'kept' });
  });

  test('a copy already gone (an earlier attempt discarded it, its reply lost) is done', async () => {
    const drive = new FakeDrive();
    await discardBadUpload({ scope: {}, deps: { drive: drive.gateway() } }, 'f', uploaded(B));
    assert.deepEqual(drive.calls, ['files.delete']);
  });
});
