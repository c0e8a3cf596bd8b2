/**
 * Step two of the authorization-code flow: trades the code from the loopback redirect (plus the PKCE
 * code verifier) for tokens at the token endpoint (Google's or the emulator's). Failures become a
 * `CodeExchangeError` in plain words; token values never appear in messages.
 */
import type { OAuth2Client } from 'google-auth-library';
import { oauthErrorOf, redact } from '../core/error-shapes.js';
import { lazyRequire } from '../core/lazy-require.js';

export class CodeExchangeError extends Error {
  override readonly name = 'CodeExchangeError';
}

export interface CodeExchange {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  redirectUri: string;
  code: string;
  codeVerifier: string;
}

export interface ExchangedTokens {
  refreshToken?: string;
  accessToken?: string;
  /** The scopes actually granted (the user may untick some on the consent screen). */
  scopes: string[];
}

/** Loaded on first use: the library loads only when a command needs it. */
function loadOAuth2Client(): typeof OAuth2Client {
  return lazyRequire<typeof import('google-auth-library')>('google-auth-library').OAuth2Client;
}

export async function exchangeCode(x: CodeExchange): Promise<ExchangedTokens> {
  const Client = loadOAuth2Client();
  const client = new Client({ clientId: x.clientId, clientSecret: x.clientSecret, endpoints: { oauth2TokenUrl: x.tokenUrl } });
  try {
    const { tokens } = await client.getToken({ code: x.code, codeVerifier: x.codeVerifier, redirect_uri: x.redirectUri });
    return {
      refreshToken: tokens.refresh_token ?? undefined,
      accessToken: tokens.access_token ?? undefined,
      scopes: (tokens.scope ?? '').split(/\s+/).filter(Boolean),
    };
  } catch (err) {
    throw new CodeExchangeError(explainFailure(err));
  }
}

function explainFailure(err: unknown): string {
  const code = oauthErrorOf(err);
  if (code === 'invalid_client' || code === 'unauthorized_client') {
    return `Google rejected the OAuth client (${code}): it was deleted, or the client secret in the file is outdated; download the client JSON again. Nothing was stored.`;
  }
  if (code === 'invalid_grant')
    return 'Google refused the authorization code (invalid_grant: expired or already used): run authorize again. Nothing was stored.';
  if (code === 'redirect_uri_mismatch')
    return 'Google refused the redirect address (redirect_uri_mismatch): use an OAuth client of type "Desktop app". Nothing was stored.';
  const message = redact(err instanceof Error ? err.message : String(err));
  return `the token exchange failed${code ? ` (${code})` : ''}: ${message}. Nothing was stored.`;
}
