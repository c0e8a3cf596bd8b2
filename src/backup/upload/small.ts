/**
 * Small objects (up to MULTIPART_MAX_MIB): one Cloud Storage download into memory (a cut one continues at
 * its next unread byte), one multipart request to Drive, creating the record's file with its pre-generated
 * id or revising it. Idempotent on retry: an attempt first checks whether an earlier one (its reply lost)
 * already landed this generation.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { drive_v3 } from '@googleapis/drive';
import { isConflict } from '../../core/error-shapes.js';
import { createWithContent, getFile, probeFile, reviseWithContent, type DriveFile } from '../../drive/files.js';
import { APP_PROPERTY } from '../../drive/object-path.js';
import { smallObjectReader } from '../../gcs/source.js';
import type { ObjectRecord } from '../claim/plan.js';
import type { Config } from '../../config/config.js';
import type { DriveGateway } from '../../drive/gateway.js';
import type { StorageGateway } from '../../gcs/gateway.js';
import { reviseKeepingForever, type KeepForeverJob } from './keep-forever.js';
import type { BackupJob, Uploaded } from '../job.js';

/** What the small upload reads of the object attempt (a BackupJob is one): the source and Drive gateways. */
export interface SmallUploadJob extends Pick<BackupJob, 'ref' | 'meta' | 'scope'> {
  readonly deps: KeepForeverJob['deps'] & {
    readonly config: Pick<Config, 'ioIdleTimeoutMs' | 'keepRevisionsForever'>;
    readonly source: Pick<StorageGateway, 'call'>;
    readonly drive: Pick<DriveGateway, 'call'>;
  };
}

export async function uploadSmall(job: SmallUploadJob, record: Pick<ObjectRecord, 'fileId' | 'fileCreated'>): Promise<Uploaded> {
  const { deps, ref, meta, scope } = job;
  const { ioIdleTimeoutMs } = deps.config;
  // A download cut part-way is retried by the gateway from the next unread byte.
  const content = await deps.source.call('download', smallObjectReader(ref, ioIdleTimeoutMs), scope);
  const md5Hex = createHash('md5').update(content).digest('hex');
  const body = () => Readable.from([content]);
  const revise = (api: drive_v3.Drive) =>
    reviseKeepingForever(job, api, record.fileId, (keep) => reviseWithContent(api, record.fileId, meta, body(), keep));
  let revising = record.fileCreated;
  return deps.drive.call(
    'upload',
    async ({ api }, attempt) => {
      // A retried request may have landed already (its reply lost): never add the same revision twice.
      if (attempt > 1 && revising) {
        const landed = await landedCopy(api, record.fileId, ref.generation);
        if (landed) return { file: landed, md5Hex, revised: true };
      }
      if (revising) return { file: await revise(api), md5Hex, revised: true };
      try {
        return {
          file: await createWithContent(api, record.fileId, meta, body(), deps.config.keepRevisionsForever),
          md5Hex,
          revised: false,
        };
      } catch (err) {
        // 409: a file with this id exists. An earlier attempt (whose reply was lost) created it with this
        // generation: done. Otherwise it holds another generation: revise it.
        if (!isConflict(err)) throw err;
        const landed = await landedCopy(api, record.fileId, ref.generation);
        if (landed) return { file: landed, md5Hex, revised: false };
        revising = true;
        return { file: await revise(api), md5Hex, revised: true };
      }
    },
    scope,
  );
}

/** The file if it already holds this generation, else undefined. */
async function landedCopy(api: drive_v3.Drive, fileId: string, generation: string): Promise<DriveFile | undefined> {
  const found = await probeFile(api, fileId, APP_PROPERTY.generation);
  return found !== 'absent' && found.generation === generation ? getFile(api, fileId) : undefined;
}
