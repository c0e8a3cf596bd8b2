/**
 * The facts the planner (src/restore/plan.ts) decides from, read now: whether the target bucket already
 * has an object under the target name (and its hashes), and which revisions Drive still lists for a file.
 * Each is one gateway call; a 404 is an answer here (nothing there), not a failure to retry, and so is a
 * 403 on the target (an account that may only create there: the write's precondition tells).
 */
import { httpStatusOf, isNotFound } from '../core/error-shapes.js';
import type { CallScope } from '../core/gateway.js';
import type { DriveGateway } from '../drive/gateway.js';
import { listRevisions } from '../drive/revisions.js';
import type { StorageGateway } from '../gcs/gateway.js';
import type { DriveFact, TargetFact } from './plan.js';

const ABSENT = Symbol('absent');
const UNREADABLE = Symbol('unreadable');

/** What the target bucket holds under `name` now. */
export async function targetFact(gcs: StorageGateway, bucket: string, name: string, scope?: CallScope): Promise<TargetFact> {
  const found = await gcs.call(
    'restore: target metadata',
    async (storage) => {
      try {
        const [m] = await storage.bucket(bucket).file(name).getMetadata();
        return m;
      } catch (err) {
        if (isNotFound(err)) return ABSENT;
        // The deployed function may create objects in a restore bucket but not read them
        // (roles/storage.objectCreator, terraform/restore.tf): cannot tell, so the write's
        // ifGenerationMatch=0 decides (412: `exists`).
        if (httpStatusOf(err) === 403) return UNREADABLE;
        throw err;
      }
    },
    scope,
  );
  if (found === ABSENT || found === UNREADABLE) return { exists: false };
  return { exists: true, md5Hash: found.md5Hash ?? undefined, crc32c: found.crc32c ?? undefined };
}

/** The revisions Drive lists for the file (oldest first), or `missing` when Drive has no such file. */
export async function driveFact(drive: DriveGateway, fileId: string, scope?: CallScope): Promise<DriveFact> {
  const revisions = await drive.call(
    'revisions.list',
    async ({ api }) => {
      try {
        return await listRevisions(api, fileId);
      } catch (err) {
        if (isNotFound(err)) return ABSENT;
        throw err;
      }
    },
    scope,
  );
  if (revisions === ABSENT) return 'missing';
  return { revisions: revisions.map((r) => ({ id: r.id, ...(r.md5Checksum !== undefined ? { md5Checksum: r.md5Checksum } : {}) })) };
}
