/**
 * The Google consent URL of the authorize command: authorization-code flow for an installed app with a
 * loopback redirect, PKCE S256 (RFC 7636), a random `state`, `access_type=offline` and `prompt=consent`
 * so a refresh token comes back on every run. `buildConsentUrl` and `codeChallengeS256` are pure; the
 * random values come from `newPkceVerifier` / `newState`, called by the command.
 */
import { createHash, randomBytes } from 'node:crypto';

export const DRIVE_FILE_SCOPE = 'https://www.googleapis.com/auth/drive.file';
export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive';

export interface ConsentRequest {
  /** `https://accounts.google.com/o/oauth2/v2/auth` or the emulator's. */
  authBaseUrl: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  codeVerifier: string;
}

/** BASE64URL(SHA256(verifier)), without padding. */
export function codeChallengeS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function buildConsentUrl(r: ConsentRequest): string {
  const url = new URL(r.authBaseUrl);
  const params: Record<string, string> = {
    client_id: r.clientId,
    redirect_uri: r.redirectUri,
    response_type: 'code',
    scope: r.scope,
    access_type: 'offline',
    prompt: 'consent',
    state: r.state,
    code_challenge: codeChallengeS256(r.codeVerifier),
    code_challenge_method: 'S256',
  };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

/** 43 characters from the unreserved set (RFC 7636 §4.1 allows 43–128). */
export function newPkceVerifier(): string {
  return randomBytes(32).toString('base64url');
}

export function newState(): string {
  return randomBytes(24).toString('base64url');
}
