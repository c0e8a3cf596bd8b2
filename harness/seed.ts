/**
 * Puts into freshly started emulators what a deployment has: a source bucket, a state bucket, the seeded
 * user's authorized-user credentials as a Secret Manager secret, and a root Drive folder created by the
 * seeded OAuth client (so `drive.file` sees it) — and returns the product's environment pointing at all
 * of it. Idempotent: whatever already exists (emulators restarted from a data directory) is kept; a root
 * folder id known from a previous run is reused while it still exists and is not trashed.
 */
import { drive as driveApi, type drive_v3 } from '@googleapis/drive';
import { OAuth2Client } from 'google-auth-library';
import type { Emulators } from '@gcs-drive-backup/emulators';

export interface SeedOptions {
  sourceBucket: string;
  stateBucket: string;
  /** `projects/P/secrets/S`. */
  secretName: string;
  project: string;
  rootFolderName: string;
  /** A root folder id from an earlier run, reused if it still exists. */
  knownRootFolderId?: string;
}

export interface Seeded {
  rootFolderId: string;
  /** A Drive client acting as the seeded user through the seeded OAuth client. */
  drive: drive_v3.Drive;
  /** The product's environment: emulator hosts, DRIVE_FOLDER_ID, TOKEN_SECRET, STATE_BUCKET, SOURCE_BUCKET, GOOGLE_CLOUD_PROJECT. */
  env: Record<string, string>;
}

/** A Drive v3 client acting as the emulators' seeded user. */
export function seededDriveClient(emulators: Emulators): drive_v3.Drive {
  const auth = new OAuth2Client({
    clientId: emulators.seed.clientId,
    clientSecret: emulators.seed.clientSecret,
    endpoints: { oauth2TokenUrl: `${emulators.env.OAUTH_EMULATOR_HOST}/token` },
  });
  auth.setCredentials({ refresh_token: emulators.seed.refreshToken });
  return driveApi({ version: 'v3', auth, rootUrl: `${emulators.env.DRIVE_EMULATOR_HOST}/` });
}

export async function seedEmulators(emulators: Emulators, options: SeedOptions): Promise<Seeded> {
  ensureBucket(emulators, options.sourceBucket);
  ensureBucket(emulators, options.stateBucket);
  await ensureSecret(emulators, options.secretName);
  const drive = seededDriveClient(emulators);
  const rootFolderId = await ensureRootFolder(emulators, drive, options);
  const env: Record<string, string> = {
    ...emulators.env,
    DRIVE_FOLDER_ID: rootFolderId,
    TOKEN_SECRET: options.secretName,
    STATE_BUCKET: options.stateBucket,
    SOURCE_BUCKET: options.sourceBucket,
    GOOGLE_CLOUD_PROJECT: options.project,
  };
  return { rootFolderId, drive, env };
}

/** The emulators answer "already exists" with an HttpError of status 409. */
const alreadyExists = (err: unknown): boolean => (err as { status?: unknown }).status === 409;

function ensureBucket(emulators: Emulators, name: string): void {
  try {
    emulators.gcs.createBucket(name);
  } catch (err) {
    if (!alreadyExists(err)) throw err;
  }
}

/** The secret payload the product expects: the seeded client and its user's refresh token. */
function authorizedUser(emulators: Emulators): string {
  return JSON.stringify({
    type: 'authorized_user',
    client_id: emulators.seed.clientId,
    client_secret: emulators.seed.clientSecret,
    refresh_token: emulators.seed.refreshToken,
  });
}

async function ensureSecret(emulators: Emulators, secretName: string): Promise<void> {
  const payload = authorizedUser(emulators);
  try {
    emulators.secrets.createSecret(secretName);
  } catch (err) {
    if (!alreadyExists(err)) throw err;
    // Restarted from a data directory: add a version only if the latest one is not the current seed.
    if ((await latestSecretPayload(emulators, secretName)) === payload) return;
  }
  emulators.secrets.addVersion(secretName, payload);
}

async function latestSecretPayload(emulators: Emulators, secretName: string): Promise<string | undefined> {
  const url = `${emulators.env.SECRET_MANAGER_EMULATOR_HOST}/v1/${secretName}/versions/latest:access`;
  const res = await fetch(url, { headers: { authorization: 'Bearer sandbox' } });
  if (!res.ok) {
    await res.arrayBuffer();
    return undefined;
  }
  const body = (await res.json()) as { payload?: { data?: string } };
  return body.payload?.data === undefined ? undefined : Buffer.from(body.payload.data, 'base64').toString('utf8');
}

async function ensureRootFolder(emulators: Emulators, drive: drive_v3.Drive, options: SeedOptions): Promise<string> {
  const known = options.knownRootFolderId;
  if (known !== undefined && emulators.drive.listAll().some((f) => f.id === known && !f.trashed)) return known;
  const root = await drive.files.create({
    requestBody: { name: options.rootFolderName, mimeType: 'application/vnd.google-apps.folder' },
    fields: 'id',
  });
  return root.data.id as string;
}
