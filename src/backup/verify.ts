/**
 * The last step: the bytes Drive stored must be the object's. Drive's MD5 is compared with Cloud Storage's
 * MD5 of the generation and, when the upload computed one, with the MD5 of the bytes sent. A composite
 * object has no Cloud Storage MD5: a large one is hashed on the way (confirmed-md5.ts), or, after a
 * resume across invocations, read once more to be hashed. A copy that does not match never counts as a
 * backup: it is discarded, and the retry uploads it again.
 */
import { createHash } from 'node:crypto';
import { isNotFound } from '../core/error-shapes.js';
import type { ClassifiedError, Failure } from '../core/failure.js';
import { deleteFile } from '../drive/files.js';
import { APP_PROPERTY } from '../drive/object-path.js';
import { openObject } from '../gcs/source.js';
import type { Config } from '../config/config.js';
import type { DriveGateway } from '../drive/gateway.js';
import type { StorageGateway } from '../gcs/gateway.js';
import type { BackupJob, Uploaded } from './job.js';

/** What verifying reads of the object attempt (a BackupJob is one): Cloud Storage to hash it again. */
export interface VerifyJob extends Pick<BackupJob, 'ref' | 'scope'> {
  readonly deps: { readonly config: Pick<Config, 'ioIdleTimeoutMs'>; readonly source: Pick<StorageGateway, 'call'> };
}

/** What discarding a bad copy reads of the object attempt (a BackupJob is one): Drive. */
export interface DiscardJob extends Pick<BackupJob, 'scope'> {
  readonly deps: { readonly drive: Pick<DriveGateway, 'call'> };
}

/** The bytes Drive stored are not the bytes of the object. Never reported as success. */
export class IntegrityError extends Error implements ClassifiedError {
  readonly failure: Failure;
  constructor(expected: string, actual: string | undefined) {
    super(`MD5 mismatch after upload: expected ${expected}, Drive has ${actual ?? 'none'}; the bad copy was discarded`);
    this.failure = { kind: 'transient', service: 'drive', reason: this.message };
  }
}

/** Throws IntegrityError unless Drive's MD5 matches the bytes sent and Cloud Storage's MD5. */
export async function verifyMd5(job: VerifyJob, uploaded: Uploaded, gcsMd5Hex: string | undefined): Promise<void> {
  const { deps, ref, scope } = job;
  const driveMd5 = uploaded.file.md5Checksum ?? undefined;
  const expected =
    uploaded.md5Hex ??
    gcsMd5Hex ??
    // Resumed across invocations and composite (no GCS MD5): hash the object once more to be sure.
    (await deps.source.call(
      'hash the object again',
      async (storage) => {
        const hash = createHash('md5');
        for await (const chunk of openObject(storage, ref, 0, deps.config.ioIdleTimeoutMs)) hash.update(chunk as Buffer);
        return hash.digest('hex');
      },
      scope,
    ));
  if (driveMd5 !== expected) throw new IntegrityError(expected, driveMd5);
  if (gcsMd5Hex && gcsMd5Hex !== expected) throw new IntegrityError(gcsMd5Hex, driveMd5);
}

/**
 * A file whose bytes do not match must not count as a backup: a new file is deleted, a revision is
 * removed and the file loses its generation mark so the retry uploads it again. Failures propagate: the
 * record keeps its id, and the retry finds the copy again (its MD5 does not match) and discards it then.
 */
export async function discardBadUpload(job: DiscardJob, fileId: string, uploaded: Uploaded): Promise<void> {
  await job.deps.drive.call(
    'discard the bad copy',
    async ({ api }) => {
      if (!uploaded.revised) return gone(deleteFile(api, fileId));
      const revisionId = uploaded.file.headRevisionId;
      if (revisionId) await gone(api.revisions.delete({ fileId, revisionId }));
      await api.files.update({
        fileId,
        requestBody: { appProperties: { [APP_PROPERTY.generation]: null } as unknown as Record<string, string> },
        supportsAllDrives: true,
      });
    },
    job.scope,
  );
}

/** A delete whose target is already gone (an earlier attempt's, its reply lost) is done. */
async function gone(deletion: Promise<unknown>): Promise<void> {
  try {
    await deletion;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
