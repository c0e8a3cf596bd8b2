/**
 * The clients of the user's authorization: the Secret Manager client that reads (and, for the CLI,
 * writes) the token secret, and the OAuth 2.0 client that refreshes the user's access tokens; each
 * pointed at its emulator when an `*_EMULATOR_HOST` is set, and loaded on first use.
 */
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import type { OAuth2Client } from 'google-auth-library';
import type { ClientConfig } from '../config/config.js';
import { lazyRequire } from '../core/lazy-require.js';

export const GOOGLE_OAUTH_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export function createSecretManager(config: ClientConfig): SecretManagerServiceClient {
  const { SecretManagerServiceClient } = lazyRequire<typeof import('@google-cloud/secret-manager')>('@google-cloud/secret-manager');
  const host = config.emulators.secretManager;
  if (!host) return new SecretManagerServiceClient();
  // The emulator speaks the REST surface the client uses in fallback mode, and accepts any bearer token:
  // in production the runtime service account's credentials come from ADC, which no emulator can check.
  const url = new URL(host);
  const { OAuth2Client } = lazyRequire<typeof import('google-auth-library')>('google-auth-library');
  // google-gax 6 decodes the JSON error body itself, so errors carry gRPC codes (5, 7, 9...).
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'emulator', expiry_date: Date.now() + 365 * 24 * 3600 * 1000 });
  return new SecretManagerServiceClient({
    fallback: true,
    apiEndpoint: url.hostname,
    port: Number(url.port),
    protocol: url.protocol.replace(':', ''),
    authClient,
  });
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

export function createUserOAuthClient(
  config: ClientConfig,
  credentials: { client_id: string; client_secret: string; refresh_token: string },
): OAuth2Client {
  const { OAuth2Client } = lazyRequire<typeof import('google-auth-library')>('google-auth-library');
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
