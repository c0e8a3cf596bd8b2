/**
 * Drive file operations the backup needs, through the official Drive client: probing a file by id,
 * creating or revising a file in one multipart request, generating ids. Each is one request (or two) made
 * inside an operation of the Drive gateway (src/drive/gateway.ts), which retries it.
 */
import type { drive_v3 } from '@googleapis/drive';
import type { Readable } from 'node:stream';
import { isNotFound } from '../core/error-shapes.js';
import type { ClassifiedError, Failure } from '../core/failure.js';
import { FACT_PROPERTY, revisionAppProperties } from './source-facts.js';

/**
 * What Drive says about a file id: absent, or which source generation it holds, trashed or not, and its
 * head revision (the one holding that generation, for the object's history).
 */
export type DriveProbe = 'absent' | { generation?: string; trashed?: boolean; md5Hex?: string; headRevisionId?: string };

export const FILE_FIELDS = 'id,name,md5Checksum,size,parents,appProperties,headRevisionId';

export interface UploadMetadata {
  name: string;
  mimeType: string;
  parents: string[];
  description: string;
  modifiedTime?: string;
  /** Names the generation in the revision the upload makes (src/drive/source-facts.ts). */
  originalFilename?: string;
  appProperties: Record<string, string>;
}

/**
 * The metadata of an update that adds a revision: no parents (not writable there), and appProperties as a
 * patch that also clears the previous generation's keys this one does not set.
 */
export function revisionMetadata(meta: UploadMetadata): Omit<UploadMetadata, 'parents' | 'appProperties'> & {
  appProperties: Record<string, string>;
} {
  const { parents: _parents, appProperties, ...changes } = meta;
  // Drive deletes a key patched to null; the client's type has no room for it.
  return { ...changes, appProperties: revisionAppProperties(appProperties) as Record<string, string> };
}

export type DriveFile = drive_v3.Schema$File;

/** The file a new generation should become a revision of is gone from Drive (deleted by the user). */
export class BackupFileGoneError extends Error implements ClassifiedError {
  readonly failure: Failure;
  constructor(fileId: string) {
    super(`the Drive backup file ${fileId} was deleted`);
    this.failure = { kind: 'backup-file-gone', service: 'drive', reason: this.message };
  }
}

export async function generateIds(drive: drive_v3.Drive, count: number): Promise<string[]> {
  const res = await drive.files.generateIds({ count, space: 'drive', type: 'files' });
  return res.data.ids ?? [];
}

/** Whether a file exists, and which source generation it holds (`gdb.generation`). */
export async function probeFile(drive: drive_v3.Drive, fileId: string, generationKey: string): Promise<DriveProbe> {
  try {
    const res = await drive.files.get({ fileId, fields: 'id,appProperties,trashed,md5Checksum,headRevisionId', supportsAllDrives: true });
    return {
      generation: res.data.appProperties?.[generationKey] ?? undefined,
      trashed: res.data.trashed ?? false,
      md5Hex: res.data.md5Checksum ?? undefined,
      ...(res.data.headRevisionId ? { headRevisionId: res.data.headRevisionId } : {}),
    };
  } catch (err) {
    if (isNotFound(err)) return 'absent';
    throw err;
  }
}

/**
 * Per-call options for media uploads: googleapis builds upload URLs from the per-call `rootUrl` only
 * (the client-level `rootUrl` does not reach them), so pass the client's own on.
 */
function mediaCallOptions(drive: drive_v3.Drive): { rootUrl?: string } {
  const rootUrl = drive.context._options.rootUrl;
  return rootUrl ? { rootUrl } : {};
}

export async function createWithContent(
  drive: drive_v3.Drive,
  fileId: string,
  meta: UploadMetadata,
  body: Readable,
  keepRevisionForever: boolean,
): Promise<DriveFile> {
  const res = await drive.files.create(
    { requestBody: { id: fileId, ...meta }, ...withContent(meta, body, keepRevisionForever) },
    mediaCallOptions(drive),
  );
  return res.data;
}

/** What a call carrying content sends besides its file: the media, the fields read back, all drives, the revision's keeping. */
function withContent(meta: UploadMetadata, body: Readable, keepRevisionForever: boolean) {
  return { media: { mimeType: meta.mimeType, body }, fields: FILE_FIELDS, supportsAllDrives: true, keepRevisionForever };
}

export async function reviseWithContent(
  drive: drive_v3.Drive,
  fileId: string,
  meta: UploadMetadata,
  body: Readable,
  keepRevisionForever: boolean,
): Promise<DriveFile> {
  try {
    const res = await drive.files.update(
      { fileId, requestBody: revisionMetadata(meta), ...withContent(meta, body, keepRevisionForever) },
      mediaCallOptions(drive),
    );
    return res.data;
  } catch (err) {
    throw isNotFound(err) ? new BackupFileGoneError(fileId) : err;
  }
}

export async function getFile(drive: drive_v3.Drive, fileId: string): Promise<DriveFile> {
  const res = await drive.files.get({ fileId, fields: FILE_FIELDS, supportsAllDrives: true });
  return res.data;
}

export async function deleteFile(drive: drive_v3.Drive, fileId: string): Promise<void> {
  await drive.files.delete({ fileId, supportsAllDrives: true });
}

/**
 * Marks a backup's object deleted at `deletedAt` (`gdb.deletedAt`, so that Drive alone knows it), and with
 * `trash` moves the file to the trash, in one request.
 */
export async function markDeleted(drive: drive_v3.Drive, fileId: string, deletedAt: string, trash: boolean): Promise<void> {
  await drive.files.update({
    fileId,
    requestBody: { appProperties: { [FACT_PROPERTY.deletedAt]: deletedAt }, ...(trash ? { trashed: true } : {}) },
    supportsAllDrives: true,
  });
}
