/**
 * Shared helpers of the Drive contract tests: deterministic test bytes, an authenticated `@googleapis/drive`
 * client against the emulators (and a raw access token for hand-written HTTP), and small fetch wrappers.
 */
import { createHash } from 'node:crypto';
import { drive, type drive_v3 } from '@googleapis/drive';
import { OAuth2Client } from 'google-auth-library';
import { RATE_LIMITS_OFF, startEmulators, type Emulators, type StartOptions } from '../../index.js';
import { failure, pseudoRandomBytes } from '../support.js';

/** Deterministic pseudo-random bytes (../support.ts). */
export const testBytes = (size: number, seed = 1): Buffer => pseudoRandomBytes(size, seed);

export const md5Hex = (buf: Buffer): string => createHash('md5').update(buf).digest('hex');

export interface Credentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface DriveClient {
  auth: OAuth2Client;
  drive: drive_v3.Drive;
  /** Pass as per-call options on media calls: @googleapis/drive does not apply the global rootUrl to upload URLs. */
  media: { rootUrl: string };
}

export function driveClient(emu: Emulators, creds: Credentials = emu.seed, opts: { forceRefreshOnFailure?: boolean } = {}): DriveClient {
  const auth = new OAuth2Client({
    clientId: creds.clientId,
    clientSecret: creds.clientSecret,
    endpoints: { oauth2TokenUrl: `${emu.env.OAUTH_EMULATOR_HOST}/token` },
    forceRefreshOnFailure: opts.forceRefreshOnFailure,
  });
  auth.setCredentials({ refresh_token: creds.refreshToken });
  const rootUrl = `${emu.env.DRIVE_EMULATOR_HOST}/`;
  return { auth, drive: drive({ version: 'v3', auth, rootUrl }), media: { rootUrl } };
}

/** A second OAuth client of the same user, holding only the given scopes. */
/** Starts the emulators (rate limits off unless `options` say otherwise) with a Drive client of the seeded user. */
export async function startWithDrive(options: StartOptions = {}): Promise<{ emu: Emulators; c: DriveClient }> {
  const emu = await startEmulators({ limits: RATE_LIMITS_OFF, ...options });
  return { emu, c: driveClient(emu) };
}

export function otherClient(emu: Emulators, scopes: string[], user?: string): Credentials {
  const client = emu.oauth.registerClient();
  const refreshToken = emu.oauth.issueRefreshToken({ clientId: client.clientId, user, scopes });
  return { ...client, refreshToken };
}

export async function bearer(client: DriveClient): Promise<Record<string, string>> {
  const { token } = await client.auth.getAccessToken();
  return { authorization: `Bearer ${token}` };
}

/** Node's fetch takes Buffers at runtime; @types/node 20's BodyInit does not say so. */
export const body = (buf: Buffer): RequestInit['body'] => buf as unknown as RequestInit['body'];

/** The error a gaxios call rejected with, as the product sees it. */
export interface ClientError {
  status?: number;
  code?: string | number;
  message: string;
  response?: {
    status: number;
    headers: Headers | Record<string, string>;
    data: { error?: { code: number; message: string; errors?: Array<Record<string, string>> } };
  };
}

export const rejection = (promise: Promise<unknown>): Promise<ClientError> => failure<ClientError>(promise);

export const reasonOf = (err: ClientError): string | undefined => err.response?.data.error?.errors?.[0]?.reason;

export const SCOPE_DRIVE = 'https://www.googleapis.com/auth/drive';
export const SCOPE_FILE = 'https://www.googleapis.com/auth/drive.file';
export const FOLDER = 'application/vnd.google-apps.folder';
