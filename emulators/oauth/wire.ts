/**
 * Pure helpers of the OAuth 2.0 emulator: request-body and HTTP Basic client-authentication parsing,
 * PKCE (RFC 7636) challenge/verifier checks, loopback redirect URI validation and scope lists.
 * No state, no I/O: table-tested in emulators/test/oauth/wire.test.ts.
 */
import { createHash } from 'node:crypto';

/** Parses a token/revoke request body: `application/x-www-form-urlencoded` (what clients send) or JSON. */
export function parseParams(body: Buffer, contentType: string | undefined): Record<string, string> {
  const text = body.toString('utf8');
  if (/^application\/json\b/i.test(contentType ?? '')) {
    let parsed: unknown;
    try {
      parsed = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      return {};
    }
    const out: Record<string, string> = {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [k, v] of Object.entries(parsed)) {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
      }
    }
    return out;
  }
  return Object.fromEntries(new URLSearchParams(text));
}

export interface ClientCredentials {
  clientId: string;
  clientSecret?: string;
}

/**
 * `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1). Returns undefined when the
 * header is absent or not Basic, `null` when it is Basic but malformed.
 */
export function parseBasicAuth(header: string | undefined): ClientCredentials | null | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=_-]*)\s*$/i.exec(header);
  if (!m) return /^Basic\b/i.test(header) ? null : undefined;
  const decoded = Buffer.from(m[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  try {
    const unform = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { clientId: unform(decoded.slice(0, colon)), clientSecret: unform(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

/** Client credentials from Basic auth (preferred) or the `client_id` / `client_secret` body parameters. */
export function clientCredentials(authorization: string | undefined, params: Record<string, string>): ClientCredentials | null | undefined {
  const basic = parseBasicAuth(authorization);
  if (basic !== undefined) return basic;
  if (!params.client_id) return undefined;
  return { clientId: params.client_id, clientSecret: params.client_secret };
}

export type PkceMethod = 'S256' | 'plain';

/** RFC 7636 §4.1: 43..128 characters of [A-Z a-z 0-9 - . _ ~]; the challenge has the same alphabet. */
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

export function isValidPkceValue(value: string): boolean {
  return PKCE_VALUE.test(value);
}

/** `code_challenge_method` as sent in the authorization request; absent means `plain` (RFC 7636 §4.3). */
export function parsePkceMethod(method: string | null | undefined): PkceMethod | undefined {
  if (method === null || method === undefined || method === '') return 'plain';
  if (method === 'S256' || method === 'plain') return method;
  return undefined;
}

/** BASE64URL(SHA256(ASCII(verifier))) without padding. */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export type PkceResult = 'ok' | 'missing' | 'invalid';

/** Checks a token request's `code_verifier` against the authorization request's challenge. */
export function verifyPkce(challenge: string, method: PkceMethod, verifier: string | undefined): PkceResult {
  if (verifier === undefined || verifier === '') return 'missing';
  if (!isValidPkceValue(verifier)) return 'invalid';
  const expected = method === 'S256' ? s256Challenge(verifier) : verifier;
  return expected === challenge ? 'ok' : 'invalid';
}

/**
 * Desktop-app (loopback) redirect URIs Google accepts without registration: `http://127.0.0.1[:PORT]/...`,
 * `http://[::1][:PORT]/...`, `http://localhost[:PORT]/...`. No fragment.
 */
export function isLoopbackRedirectUri(uri: string | null | undefined): boolean {
  if (!uri) return false;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' || url.hash || url.username || url.password) return false;
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
}

/** `redirect_uri` plus the given parameters appended to its query (existing parameters kept). */
export function withQuery(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.append(k, v);
  return url.toString();
}

/** Space-separated scope string → distinct scopes, order kept. */
export function parseScopes(scope: string | null | undefined): string[] {
  return [...new Set((scope ?? '').split(/\s+/).filter((s) => s.length > 0))];
}
