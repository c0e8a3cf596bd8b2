/**
 * HTTP surface of the OAuth 2.0 emulator, as google-auth-library's OAuth2Client / UserRefreshClient use it:
 *   POST /token                  oauth.token.grant      refresh_token and authorization_code (+PKCE) grants
 *   GET  /o/oauth2/v2/auth       oauth.authorize.consent auto-consent, 302 to the loopback redirect_uri
 *   POST /revoke                 oauth.token.revoke     refresh or access token (query or form body)
 *   GET|POST /tokeninfo          oauth.tokeninfo.get    access token info (query, form body or Bearer)
 *   GET  /oauth2/v3/userinfo     oauth.userinfo.get     a resource endpoint answering 401 to a dead token
 * Errors are RFC 6749 `{error, error_description}` JSON (see `renderOAuthError`); consent-page errors are
 * small HTML pages, as Google shows them in the browser.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { drain, HttpError, readBuffer, sendJson, type RequestContext, type Route } from '../harness/http.js';
import { CODE_LIFETIME_MS, DEFAULT_USER, grantKey, type Grant, type OAuthStore } from './store.js';
import {
  clientCredentials,
  isLoopbackRedirectUri,
  isValidPkceValue,
  parseParams,
  parsePkceMethod,
  parseScopes,
  verifyPkce,
  withQuery,
} from './wire.js';

/** An OAuth error reply: `reason` becomes `error`, the message `error_description`. */
export function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}) {
  return new HttpError(status, description, error, headers);
}

export function renderOAuthError(res: ServerResponse, err: HttpError): void {
  sendJson(res, err.status, { error: err.reason, error_description: err.message }, err.headers);
}

const NO_STORE = { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate', pragma: 'no-cache' };

async function readParams(ctx: RequestContext): Promise<Record<string, string>> {
  return parseParams(await readBuffer(ctx.body, 1024 * 1024), ctx.req.headers['content-type']);
}

function bearer(ctx: RequestContext): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(ctx.req.headers.authorization ?? '');
  return m?.[1];
}

/** A stable, Google-looking numeric subject id for a user email. */
export function subjectOf(user: string): string {
  const n = createHash('sha256').update(user).digest().readBigUInt64BE(0);
  return `1${n.toString().padStart(20, '0')}`;
}

function tokenReply(access: { token: string; expiresIn: number }, grant: Grant, refreshToken?: string) {
  return {
    access_token: access.token,
    expires_in: access.expiresIn,
    ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
    scope: grant.scopes.join(' '),
    token_type: 'Bearer',
  };
}

export function createOAuthRoutes(store: OAuthStore): Route[] {
  async function token(ctx: RequestContext): Promise<void> {
    const params = await readParams(ctx);
    const creds = clientCredentials(ctx.req.headers.authorization, params);
    if (creds === null) throw oauthError(401, 'invalid_client', 'Unauthorized', NO_STORE);
    if (creds === undefined) throw oauthError(400, 'invalid_request', 'Could not determine client ID from request.', NO_STORE);
    if (!store.clients.has(creds.clientId)) throw oauthError(401, 'invalid_client', 'The OAuth client was not found.', NO_STORE);
    if (!store.authenticateClient(creds.clientId, creds.clientSecret)) throw oauthError(401, 'invalid_client', 'Unauthorized', NO_STORE);

    const grantType = params.grant_type;
    if (!grantType) throw oauthError(400, 'invalid_request', 'Required parameter is missing: grant_type', NO_STORE);
    if (grantType === 'refresh_token') return refreshGrant(ctx, params, creds.clientId);
    if (grantType === 'authorization_code') return codeGrant(ctx, params, creds.clientId);
    throw oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`, NO_STORE);
  }

  function refreshGrant(ctx: RequestContext, params: Record<string, string>, clientId: string): void {
    const refreshToken = params.refresh_token;
    if (!refreshToken) throw oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token', NO_STORE);
    const grant = store.refreshTokens.get(refreshToken);
    if (!grant) throw oauthError(400, 'invalid_grant', 'Token has been expired or revoked.', NO_STORE);
    if (grant.clientId !== clientId) throw oauthError(401, 'unauthorized_client', 'Unauthorized', NO_STORE);
    let scopes = grant.scopes;
    if (params.scope !== undefined) {
      const asked = parseScopes(params.scope);
      if (asked.length === 0 || asked.some((s) => !grant.scopes.includes(s))) {
        throw oauthError(400, 'invalid_scope', 'Some requested scopes were invalid.', NO_STORE);
      }
      scopes = asked;
    }
    const narrowed = { ...grant, scopes };
    sendJson(ctx.res, 200, tokenReply(store.issueAccessToken(narrowed, refreshToken, true), narrowed), NO_STORE);
  }

  function codeGrant(ctx: RequestContext, params: Record<string, string>, clientId: string): void {
    if (!params.code) throw oauthError(400, 'invalid_request', 'Missing required parameter: code', NO_STORE);
    const record = store.takeCode(params.code);
    if (!record || record.clientId !== clientId) throw oauthError(400, 'invalid_grant', 'Bad Request', NO_STORE);
    if (params.redirect_uri !== record.redirectUri) throw oauthError(400, 'redirect_uri_mismatch', 'Bad Request', NO_STORE);
    if (record.challenge) {
      const pkce = verifyPkce(record.challenge.value, record.challenge.method, params.code_verifier);
      if (pkce === 'missing') throw oauthError(400, 'invalid_grant', 'Missing code verifier.', NO_STORE);
      if (pkce === 'invalid') throw oauthError(400, 'invalid_grant', 'Invalid code verifier.', NO_STORE);
    }
    const grant: Grant = { clientId: record.clientId, user: record.user, scopes: record.scopes };
    const refreshToken = record.withRefreshToken ? store.issueRefreshToken(grant) : undefined;
    const access = store.issueAccessToken(grant, refreshToken, record.offline);
    sendJson(ctx.res, 200, tokenReply(access, grant, refreshToken), NO_STORE);
  }

  async function authorize(ctx: RequestContext): Promise<void> {
    await drain(ctx.body);
    const q = ctx.query;
    const clientId = q.get('client_id') ?? '';
    if (!store.clients.has(clientId)) return errorPage(ctx.res, 400, 'invalid_client', 'The OAuth client was not found.');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!isLoopbackRedirectUri(redirectUri)) {
      return errorPage(
        ctx.res,
        400,
        'redirect_uri_mismatch',
        `Invalid redirect_uri: ${redirectUri || '(missing)'}; use a loopback http://127.0.0.1:PORT or http://localhost:PORT address.`,
      );
    }
    if (q.get('response_type') !== 'code') {
      return errorPage(ctx.res, 400, 'unsupported_response_type', `Unsupported response_type: ${q.get('response_type') ?? '(missing)'}`);
    }
    const requested = parseScopes(q.get('scope'));
    if (requested.length === 0) return errorPage(ctx.res, 400, 'invalid_request', 'Missing required parameter: scope');
    const challengeValue = q.get('code_challenge');
    const method = parsePkceMethod(q.get('code_challenge_method'));
    if (challengeValue === null && q.get('code_challenge_method') !== null) {
      return errorPage(ctx.res, 400, 'invalid_request', 'code_challenge_method without code_challenge');
    }
    if (challengeValue !== null && (!method || !isValidPkceValue(challengeValue))) {
      return errorPage(ctx.res, 400, 'invalid_request', 'Invalid code_challenge or code_challenge_method');
    }
    const state = q.get('state') ?? undefined;
    const granted = store.consent.scopes ? requested.filter((s) => store.consent.scopes?.includes(s)) : requested;
    if (store.consent.deny || granted.length === 0) {
      return redirect(ctx.res, withQuery(redirectUri, { error: 'access_denied', state }));
    }
    const hint = q.get('login_hint') ?? '';
    const user = /^[^@\s]+@[^@\s]+$/.test(hint) ? hint : DEFAULT_USER;
    const offline = q.get('access_type') === 'offline';
    const key = grantKey({ clientId, user });
    const forcedConsent = parseScopes(q.get('prompt')).includes('consent');
    const withRefreshToken = offline && (forcedConsent || !store.offlineGrants.has(key));
    if (offline) store.offlineGrants.add(key);
    const code = store.issueCode({
      clientId,
      user,
      scopes: granted,
      redirectUri,
      challenge: challengeValue !== null && method ? { value: challengeValue, method } : undefined,
      withRefreshToken,
      offline,
      expiresAt: Date.now() + CODE_LIFETIME_MS,
    });
    redirect(ctx.res, withQuery(redirectUri, { state, code, scope: granted.join(' ') }));
  }

  async function revoke(ctx: RequestContext): Promise<void> {
    const params = await readParams(ctx);
    const token = ctx.query.get('token') ?? params.token;
    if (!token) throw oauthError(400, 'invalid_request', 'Missing required parameter: token');
    if (!store.revokeRefreshToken(token)) {
      // Google: revoking an access token also revokes the refresh token it came from.
      const record = store.liveAccessToken(token);
      if (!record) throw oauthError(400, 'invalid_token', 'Token expired or revoked');
      if (record.refreshToken !== undefined) store.revokeRefreshToken(record.refreshToken);
      store.accessTokens.delete(token);
    }
    sendJson(ctx.res, 200, {});
  }

  async function tokeninfo(ctx: RequestContext): Promise<void> {
    const params = ctx.req.method === 'POST' ? await readParams(ctx) : (await drain(ctx.body), {} as Record<string, string>);
    const token = ctx.query.get('access_token') ?? params.access_token ?? bearer(ctx);
    const record = token ? store.liveAccessToken(token) : undefined;
    if (!record) throw oauthError(400, 'invalid_token', 'Invalid Value');
    const expiresIn = Math.max(0, Math.floor((record.expiresAt - Date.now()) / 1000));
    sendJson(ctx.res, 200, {
      azp: record.clientId,
      aud: record.clientId,
      sub: subjectOf(record.user),
      scope: record.scopes.join(' '),
      exp: String(Math.floor(record.expiresAt / 1000)),
      expires_in: String(expiresIn),
      email: record.user,
      email_verified: 'true',
      access_type: record.offline ? 'offline' : 'online',
    });
  }

  async function userinfo(ctx: RequestContext): Promise<void> {
    await drain(ctx.body);
    const token = bearer(ctx);
    const record = token ? store.liveAccessToken(token) : undefined;
    if (!record) {
      throw oauthError(401, 'invalid_request', 'Invalid Credentials', {
        'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
      });
    }
    sendJson(ctx.res, 200, { sub: subjectOf(record.user), email: record.user, email_verified: true });
  }

  return [
    { method: 'POST', path: /^\/(?:token|o\/oauth2\/token)$/, name: 'oauth.token.grant', handle: token },
    { method: 'GET', path: /^\/o\/oauth2(?:\/v2)?\/auth$/, name: 'oauth.authorize.consent', handle: authorize },
    { method: ['POST', 'GET'], path: /^\/(?:revoke|o\/oauth2\/revoke)$/, name: 'oauth.token.revoke', handle: revoke },
    { method: ['GET', 'POST'], path: /^\/(?:tokeninfo|oauth2\/v3\/tokeninfo)$/, name: 'oauth.tokeninfo.get', handle: tokeninfo },
    { method: 'GET', path: /^\/(?:oauth2\/v3|v1)\/userinfo$/, name: 'oauth.userinfo.get', handle: userinfo },
  ];
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'content-type': 'text/html; charset=UTF-8', 'content-length': 0 });
  res.end();
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The browser-facing error page Google shows instead of redirecting when the request cannot be trusted. */
function errorPage(res: ServerResponse, status: number, error: string, description: string): void {
  const html = `<!doctype html><html><head><title>Error ${status}: ${error}</title></head><body><h1>Access blocked: authorization error</h1><p>Error ${status}: ${escapeHtml(error)}</p><p>${escapeHtml(description)}</p></body></html>`;
  res.writeHead(status, { 'content-type': 'text/html; charset=UTF-8', 'content-length': Buffer.byteLength(html) });
  res.end(html);
}
