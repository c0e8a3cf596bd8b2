/**
 * Bearer-token authentication for every Drive request, through the OAuth emulator: no `Authorization`
 * header → 401 "Login Required."; an unknown, expired or revoked token → 401 "Invalid Credentials"
 * (both with `WWW-Authenticate: Bearer realm="https://accounts.google.com/"`, as Google sends them).
 */
import type { IncomingMessage } from 'node:http';
import type { OAuthEmulator } from '../oauth/index.js';
import { invalidCredentials, loginRequired } from './errors.js';
import type { Caller } from './store.js';

export function authenticate(oauth: Pick<OAuthEmulator, 'verifyAccessToken'>, req: IncomingMessage): Caller {
  const header = req.headers.authorization;
  if (!header) throw loginRequired();
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw invalidCredentials();
  const grant = oauth.verifyAccessToken(m[1]!);
  if (!grant) throw invalidCredentials();
  return { user: grant.user, clientId: grant.clientId, scopes: grant.scopes };
}
