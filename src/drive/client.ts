/**
 * The Drive v3 client of the authorized user, pointed at `DRIVE_EMULATOR_HOST` when set and loaded on
 * first use. Its own retries are off: every Drive call goes through the Drive gateway (src/drive/gateway.ts).
 */
import type { drive_v3 } from '@googleapis/drive';
import type { OAuth2Client } from 'google-auth-library';
import type { ClientConfig } from '../config/config.js';
import { lazyRequire } from '../core/lazy-require.js';
import type { DriveClient } from './gateway.js';

export const GOOGLE_DRIVE_BASE_URL = 'https://www.googleapis.com';

/** Base URL of the Drive API (`/drive/v3/...` and `/upload/drive/v3/...` hang off it). */
export function driveBaseUrl(config: ClientConfig): string {
  return config.emulators.drive ?? GOOGLE_DRIVE_BASE_URL;
}

export function createDrive(config: ClientConfig, auth: OAuth2Client): drive_v3.Drive {
  const { drive } = lazyRequire<typeof import('@googleapis/drive')>('@googleapis/drive');
  return drive({ version: 'v3', auth, rootUrl: `${driveBaseUrl(config)}/`, retry: false });
}

/** What a Drive gateway's operations get for the user `auth` authorizes. */
export function driveClientFor(config: ClientConfig, auth: OAuth2Client): DriveClient {
  return {
    api: createDrive(config, auth),
    authHeaders: async () => Object.fromEntries((await auth.getRequestHeaders()).entries()),
    baseUrl: driveBaseUrl(config),
  };
}
