/**
 * The Drive side of the CLI: who the authorization belongs to and how full their Drive is (`about.get`),
 * checking that a folder id names a folder the app can see (`files.get`), and finding or creating the
 * root backup folder in My Drive. Failures become a `DriveAccountError` in plain words.
 */
import type { drive_v3 } from '@googleapis/drive';
import { apiReasonOf, httpStatusOf, redact } from '../errors.js';
import { childrenNamed, FOLDER_MIME_TYPE } from '../drive/query.js';
import { folderInvisible } from './explanations.js';

export type DriveProblem = 'invisible' | 'not-a-folder' | 'trashed' | 'missing-scope' | 'unavailable';

export class DriveAccountError extends Error {
  override readonly name = 'DriveAccountError';
  constructor(
    readonly problem: DriveProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface DriveAccount {
  email?: string;
  /** Bytes used; undefined when Drive did not say. */
  usage?: number;
  /** Bytes allowed; undefined for unlimited storage. */
  limit?: number;
}

export interface DriveFolder {
  id: string;
  name: string;
}

type Drive = Pick<drive_v3.Drive, 'about' | 'files'>;

const INSUFFICIENT_SCOPE = new Set(['insufficientPermissions', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', 'insufficientScopes']);

function driveFailure(err: unknown, what: string): DriveAccountError {
  const status = httpStatusOf(err);
  const reason = apiReasonOf(err);
  if (status === 403 && reason && INSUFFICIENT_SCOPE.has(reason)) {
    return new DriveAccountError('missing-scope', `Drive refused to ${what}: the authorization lacks the Drive scope (${reason})`);
  }
  const message = redact(err instanceof Error ? err.message : String(err));
  return new DriveAccountError(
    'unavailable',
    `Drive failed to ${what}: ${status ?? ''}${reason ? ` ${reason}` : ''} ${message}`.replace(/\s+/g, ' '),
  );
}

const toNumber = (value: string | null | undefined): number | undefined =>
  value === null || value === undefined || value === '' ? undefined : Number(value);

export async function describeAccount(drive: Drive): Promise<DriveAccount> {
  try {
    const { data } = await drive.about.get({ fields: 'user(emailAddress),storageQuota(usage,limit)' });
    return {
      email: data.user?.emailAddress ?? undefined,
      usage: toNumber(data.storageQuota?.usage),
      limit: toNumber(data.storageQuota?.limit),
    };
  } catch (err) {
    throw driveFailure(err, 'describe the account (about.get)');
  }
}

/** The folder `id`, checked to exist, be visible to this app, be a folder and not be in the trash. */
export async function verifyFolder(drive: Drive, id: string): Promise<DriveFolder> {
  let file: drive_v3.Schema$File;
  try {
    ({ data: file } = await drive.files.get({ fileId: id, fields: 'id,name,mimeType,trashed', supportsAllDrives: true }));
  } catch (err) {
    if (httpStatusOf(err) === 404) throw new DriveAccountError('invisible', folderInvisible(id));
    throw driveFailure(err, `get the folder ${id}`);
  }
  if (file.mimeType !== FOLDER_MIME_TYPE) throw new DriveAccountError('not-a-folder', `${id} is a file ("${file.name}"), not a folder`);
  if (file.trashed)
    throw new DriveAccountError(
      'trashed',
      `the folder "${file.name}" (${id}) is in the Drive trash: restore it, or run authorize without --folder-id`,
    );
  return { id: file.id ?? id, name: file.name ?? '' };
}

/**
 * The oldest untrashed folder named `name` directly in My Drive that this app can see, or a new one.
 * Re-running authorize therefore reuses the folder an earlier run created instead of making another.
 */
export async function findOrCreateFolder(drive: Drive, name: string): Promise<DriveFolder & { created: boolean }> {
  try {
    const { data } = await drive.files.list({
      q: childrenNamed('root', name, { folder: true }),
      fields: 'files(id,name,createdTime)',
      orderBy: 'createdTime',
      spaces: 'drive',
      pageSize: 100,
    });
    const existing = (data.files ?? []).find((f) => f.name === name && f.id);
    if (existing?.id) return { id: existing.id, name, created: false };
  } catch (err) {
    throw driveFailure(err, `look for the folder "${name}"`);
  }
  try {
    const { data } = await drive.files.create({ requestBody: { name, mimeType: FOLDER_MIME_TYPE, parents: ['root'] }, fields: 'id,name' });
    if (!data.id) throw new Error('no id in the reply');
    return { id: data.id, name: data.name ?? name, created: true };
  } catch (err) {
    throw driveFailure(err, `create the folder "${name}"`);
  }
}
