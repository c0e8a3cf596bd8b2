/**
 * The Drive side of the CLI: who the authorization belongs to and how full their Drive is (`about.get`),
 * checking that a folder id names a folder the app can see (`files.get`), and finding or creating the
 * root backup folder in My Drive, each call through the Drive gateway (src/drive/gateway.ts). Failures
 * become a `DriveAccountError` in plain words.
 */
import type { drive_v3 } from '@googleapis/drive';
import { apiReasonOf, httpStatusOf, redact } from '../core/error-shapes.js';
import type { DriveGateway } from '../drive/gateway.js';
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

export async function describeAccount(drive: DriveGateway): Promise<DriveAccount> {
  try {
    const { data } = await drive.call('about.get', ({ api }) => api.about.get({ fields: 'user(emailAddress),storageQuota(usage,limit)' }));
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
export async function verifyFolder(drive: DriveGateway, id: string): Promise<DriveFolder> {
  let file: drive_v3.Schema$File | undefined;
  try {
    file = await drive.call('files.get (folder)', async ({ api }) => {
      try {
        return (await api.files.get({ fileId: id, fields: 'id,name,mimeType,trashed', supportsAllDrives: true })).data;
      } catch (err) {
        if (httpStatusOf(err) === 404) return undefined;
        throw err;
      }
    });
  } catch (err) {
    throw driveFailure(err, `get the folder ${id}`);
  }
  if (file === undefined) throw new DriveAccountError('invisible', folderInvisible(id));
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
export async function findOrCreateFolder(drive: DriveGateway, name: string): Promise<DriveFolder & { created: boolean }> {
  try {
    const { data } = await drive.call('files.list (backup folder)', ({ api }) =>
      api.files.list({
        q: childrenNamed('root', name, { folder: true }),
        fields: 'files(id,name,createdTime)',
        orderBy: 'createdTime',
        spaces: 'drive',
        pageSize: 100,
      }),
    );
    const existing = (data.files ?? []).find((f) => f.name === name && f.id);
    if (existing?.id) return { id: existing.id, name, created: false };
  } catch (err) {
    throw driveFailure(err, `look for the folder "${name}"`);
  }
  try {
    // Created with an id generated first, so a retried create whose first reply was lost answers 409
    // instead of making a second folder.
    const [id] =
      (await drive.call('files.generateIds', ({ api }) => api.files.generateIds({ count: 1, space: 'drive', type: 'files' }))).data.ids ??
      [];
    const data = await drive.call('files.create (backup folder)', async ({ api }) => {
      try {
        return (await api.files.create({ requestBody: { id, name, mimeType: FOLDER_MIME_TYPE, parents: ['root'] }, fields: 'id,name' }))
          .data;
      } catch (err) {
        if (httpStatusOf(err) === 409 && id !== undefined) return { id, name };
        throw err;
      }
    });
    if (!data.id) throw new Error('no id in the reply');
    return { id: data.id, name: data.name ?? name, created: true };
  } catch (err) {
    throw driveFailure(err, `create the folder "${name}"`);
  }
}
