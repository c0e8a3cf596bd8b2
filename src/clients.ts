/**
 * Builds the Google API clients from the parsed config, pointing each at its emulator when an
 * `*_EMULATOR_HOST` is set. Heavy client libraries are loaded on first use, not at import: cold start
 * matters for an event function.
 */
import type { Storage } from '@google-cloud/storage';
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import type { OAuth2Client } from 'google-auth-library';
import type { drive_v3 } from '@googleapis/drive';
import type { Config } from './config.js';

/** What the client builders read of the config: only the emulator hosts (the CLI has no full `Config`). */
export type ClientConfig = Pick<Config, 'emulators'>;

/** `require` on first use: the client libraries load only when an invocation needs them. */
function load<T>(id: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id) as T;
}

export const GOOGLE_OAUTH_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const GOOGLE_DRIVE_BASE_URL = 'https://www.googleapis.com';

/**
 * A Cloud Storage client. `libraryRetries: false` turns the library's own retries off: object downloads
 * use it, because on Node 24 a retried `createReadStream` (a 503, say) makes teeny-request throw an
 * uncaught ERR_STREAM_UNABLE_TO_PIPE out of the process (googleapis/google-cloud-node#8670, unfixed in
 * storage 8.4). Without library retries the 503 surfaces as a stream error, and the caller re-opens
 * the read at the next byte it needs through its own retry (src/retry.ts).
 */
export async function createStorage(config: ClientConfig, options: { libraryRetries?: boolean } = {}): Promise<Storage> {
  const { Storage } = load<typeof import('@google-cloud/storage')>('@google-cloud/storage');
  const retryOptions = options.libraryRetries === false ? { retryOptions: { autoRetry: false } } : {};
  // With a custom apiEndpoint the client sends no credentials (useAuthWithCustomEndpoint defaults to false).
  return config.emulators.storage
    ? new Storage({ apiEndpoint: config.emulators.storage, projectId: 'emulator', ...retryOptions })
    : new Storage(retryOptions);
}

export async function createSecretManager(config: ClientConfig): Promise<SecretManagerServiceClient> {
  const { SecretManagerServiceClient } = load<typeof import('@google-cloud/secret-manager')>('@google-cloud/secret-manager');
  const host = config.emulators.secretManager;
  if (!host) return new SecretManagerServiceClient();
  // The emulator speaks the REST surface the client uses in fallback mode, and accepts any bearer token:
  // in production the runtime service account's credentials come from ADC, which no emulator can check.
  const url = new URL(host);
  const { OAuth2Client } = load<typeof import('google-auth-library')>('google-auth-library');
  // google-gax 6 decodes the JSON error body itself, so errors carry gRPC codes (5, 7, 9...).
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'emulator', expiry_date: Date.now() + 365 * 24 * 3600 * 1000 });
  return new SecretManagerServiceClient({
    fallback: true,
    apiEndpoint: url.hostname,
    port: Number(url.port),
    protocol: url.protocol.replace(':', ''),
    authClient,
  } as unknown as ConstructorParameters<typeof SecretManagerServiceClient>[0]);
}

/** OAuth endpoints of Google or of the OAuth emulator. */
export function oauthEndpoints(config: ClientConfig): { oauth2TokenUrl: string; oauth2AuthBaseUrl: string; oauth2RevokeUrl: string } {
  const host = config.emulators.oauth;
  if (!host) {
    return {
      oauth2TokenUrl: GOOGLE_OAUTH_TOKEN_URL,
      oauth2AuthBaseUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      oauth2RevokeUrl: 'https://oauth2.googleapis.com/revoke',
    };
  }
  return { oauth2TokenUrl: `${host}/token`, oauth2AuthBaseUrl: `${host}/o/oauth2/v2/auth`, oauth2RevokeUrl: `${host}/revoke` };
}

/** Base URL of the Drive API (`/drive/v3/...` and `/upload/drive/v3/...` hang off it). */
export function driveBaseUrl(config: ClientConfig): string {
  return config.emulators.drive ?? GOOGLE_DRIVE_BASE_URL;
}

export async function createUserOAuthClient(
  config: ClientConfig,
  credentials: { client_id: string; client_secret: string; refresh_token: string },
): Promise<OAuth2Client> {
  const { OAuth2Client } = load<typeof import('google-auth-library')>('google-auth-library');
  const client = new OAuth2Client({
    clientId: credentials.client_id,
    clientSecret: credentials.client_secret,
    endpoints: oauthEndpoints(config),
    // A 401 (token revoked or expired early) refreshes the access token and retries the call once.
    forceRefreshOnFailure: true,
  });
  client.setCredentials({ refresh_token: credentials.refresh_token });
  return client;
}

export async function createDrive(config: ClientConfig, auth: OAuth2Client): Promise<drive_v3.Drive> {
  const { drive } = load<typeof import('@googleapis/drive')>('@googleapis/drive');
  // Retries are ours (src/retry.ts, classified in src/errors.ts), not gaxios'.
  return drive({ version: 'v3', auth, rootUrl: `${driveBaseUrl(config)}/`, retry: false });
}
