/**
 * Reads the OAuth client JSON downloaded from the Google Cloud console (APIs & Services → Credentials →
 * OAuth client ID → Download JSON): `{"installed": {...}}` for a "Desktop app" client, `{"web": {...}}`
 * for a "Web application" client. Anything else (a service-account key, an authorized-user file, an API
 * key) is rejected with an `OAuthClientFileError` saying what the file is and what is needed instead.
 * Pure: the file's text is a parameter. Messages never quote secret values from the file.
 */

export interface OAuthClientInfo {
  /** `installed` = Desktop app (any loopback port works), `web` = Web application (redirect URIs must be registered). */
  kind: 'installed' | 'web';
  clientId: string;
  clientSecret: string;
  /** The registered redirect URIs (only meaningful for `web` clients). */
  redirectUris: string[];
}

export class OAuthClientFileError extends Error {
  override readonly name = 'OAuthClientFileError';
}

const NEEDED =
  'an OAuth client ID of type "Desktop app" is needed (Google Cloud console → APIs & Services → Credentials → ' +
  'Create credentials → OAuth client ID → Desktop app → Download JSON), not a service account key nor an API key';

export function parseOAuthClientFile(text: string, path: string): OAuthClientInfo {
  const fail = (what: string): never => {
    throw new OAuthClientFileError(`${path} is ${what}: ${NEEDED}.`);
  };
  const trimmed = text.trim();
  if (/^AIza[\w-]{20,}$/.test(trimmed)) fail('an API key');
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch {
    return fail('not JSON');
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return fail('not a JSON object');
  const top = data as Record<string, unknown>;
  if (top.type === 'service_account') fail('a service account key');
  if (top.type === 'authorized_user') fail('already an authorized-user credential (the output of an authorization, not its input)');
  if (top.type === 'external_account') fail('a workload identity federation configuration');

  const kind = 'installed' in top ? 'installed' : 'web' in top ? 'web' : undefined;
  if (kind === undefined) return fail('not an OAuth client file (no "installed" or "web" section)');
  const section = top[kind];
  if (section === null || typeof section !== 'object' || Array.isArray(section))
    return fail(`an OAuth client file whose "${kind}" section is not an object`);
  const s = section as Record<string, unknown>;
  const missing = ['client_id', 'client_secret'].filter((k) => typeof s[k] !== 'string' || s[k].trim() === '');
  if (missing.length) fail(`an OAuth client file without ${missing.join(' and ')}`);
  const redirectUris = Array.isArray(s.redirect_uris) ? s.redirect_uris.filter((u): u is string => typeof u === 'string') : [];
  return { kind, clientId: (s.client_id as string).trim(), clientSecret: (s.client_secret as string).trim(), redirectUris };
}
