/**
 * The OAuth 2.0 emulator (Google's token, consent, revoke and tokeninfo endpoints on one loopback port).
 * Drive asks it `verifyAccessToken` for every request. A seeded client + refresh token for
 * `user@example.com` (drive.file + drive scopes) exist from construction; `hub.reset()` clears all state
 * and re-seeds with NEW random values, updating the same `seed` object in place (so `emulators.seed`
 * stays current). Control routes: `/_emulator/oauth/*` (see `addControlRoutes`).
 */
import type { Route } from '../harness/http.js';
import type { ControlHub, ErrorRenderer } from '../harness/server.js';
import { createOAuthRoutes, renderOAuthError } from './routes.js';
import { DEFAULT_SCOPES, DEFAULT_USER, OAuthStore } from './store.js';
import { restoreOAuth, snapshotOAuth } from './snapshot.js';
import type { Persistable } from '../persistence/persistable.js';

export interface OAuthEmulatorOptions {
  /** Lifetime of newly issued access tokens. Default 3600. */
  accessTokenLifetimeSeconds?: number;
}

export interface OAuthSeed {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface OAuthEmulator extends Persistable {
  routes: Route[];
  renderError: ErrorRenderer;
  /** Same object for the emulator's lifetime; its values are replaced on `hub.reset()`. */
  seed: OAuthSeed;
  /** Base URL, `http://127.0.0.1:PORT` (empty until the server listens). */
  readonly baseUrl: string;
  setBaseUrl(url: string): void;
  registerClient(opts?: { clientId?: string; clientSecret?: string }): { clientId: string; clientSecret: string };
  /** Defaults: user `user@example.com`, scopes drive.file + drive, a random token. Throws for an unknown client. */
  issueRefreshToken(opts: { clientId: string; user?: string; scopes?: string[]; refreshToken?: string }): string;
  /** The refresh token and all access tokens issued from it stop working. False if it was unknown. */
  revokeRefreshToken(token: string): boolean;
  /** Lifetime of access tokens issued from now on. */
  setAccessTokenLifetime(seconds: number): void;
  /** Every access token issued so far is expired now (Drive answers 401). */
  expireAccessTokens(): void;
  /** Consent decision for every following `/o/oauth2/v2/auth` until changed (or reset): deny, or grant only `scopes`. */
  setConsent(next: { deny?: boolean; scopes?: string[] }): void;
  /** Who a live access token belongs to, or undefined (unknown, expired, revoked). */
  verifyAccessToken(token: string): { user: string; clientId: string; scopes: string[] } | undefined;
}

export function createOAuthEmulator(hub: ControlHub, options: OAuthEmulatorOptions = {}): OAuthEmulator {
  const store = new OAuthStore(validLifetime(options.accessTokenLifetimeSeconds ?? 3600));
  const seed: OAuthSeed = { clientId: '', clientSecret: '', refreshToken: '' };
  let baseUrl = '';

  function reseed(): void {
    store.clear();
    const client = store.registerClient();
    const refreshToken = store.issueRefreshToken({ clientId: client.clientId, user: DEFAULT_USER, scopes: [...DEFAULT_SCOPES] });
    Object.assign(seed, { clientId: client.clientId, clientSecret: client.clientSecret, refreshToken });
  }
  reseed();
  hub.onReset(reseed);

  const emulator: OAuthEmulator = {
    routes: createOAuthRoutes(store),
    renderError: renderOAuthError,
    seed,
    get baseUrl() {
      return baseUrl;
    },
    setBaseUrl(url) {
      baseUrl = url;
    },
    registerClient: (opts) => store.registerClient(opts),
    issueRefreshToken: (opts) =>
      store.issueRefreshToken(
        { clientId: opts.clientId, user: opts.user ?? DEFAULT_USER, scopes: [...(opts.scopes ?? DEFAULT_SCOPES)] },
        opts.refreshToken,
      ),
    revokeRefreshToken: (token) => store.revokeRefreshToken(token),
    setAccessTokenLifetime(seconds) {
      store.accessTokenLifetimeSeconds = validLifetime(seconds);
    },
    expireAccessTokens: () => store.expireAccessTokens(),
    setConsent(next) {
      store.consent = { deny: next.deny ?? false, scopes: next.scopes ? [...next.scopes] : undefined };
    },
    verifyAccessToken(token) {
      const record = store.liveAccessToken(token);
      return record && { user: record.user, clientId: record.clientId, scopes: [...record.scopes] };
    },
    snapshot: () => snapshotOAuth(store, seed),
    restore: (data) =>
      restoreOAuth(
        store,
        seed,
        data,
        options.accessTokenLifetimeSeconds === undefined ? undefined : validLifetime(options.accessTokenLifetimeSeconds),
      ),
  };
  addControlRoutes(hub, emulator);
  return emulator;
}

function validLifetime(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error('access token lifetime must be a number of seconds >= 0');
  return seconds;
}

const optionalString = (v: unknown, name: string): string | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new Error(`${name} must be a non-empty string`);
  return v;
};

/**
 * `POST /_emulator/oauth/revoke {refreshToken}` → `{revoked}`, `oauth/token-lifetime {seconds}`,
 * `oauth/expire-access-tokens`, `oauth/consent {deny?, scopes?}`, `oauth/clients {clientId?, clientSecret?}`
 * → client, `oauth/refresh-tokens {clientId, user?, scopes?, refreshToken?}` → `{refreshToken}`.
 */
function addControlRoutes(hub: ControlHub, oauth: OAuthEmulator): void {
  hub.addControl({
    method: 'POST',
    path: 'oauth/revoke',
    handle: (body) => ({ revoked: oauth.revokeRefreshToken(optionalString(body.refreshToken, 'refreshToken') ?? '') }),
  });
  hub.addControl({
    method: 'POST',
    path: 'oauth/token-lifetime',
    handle: (body) => (oauth.setAccessTokenLifetime(Number(body.seconds)), {}),
  });
  hub.addControl({ method: 'POST', path: 'oauth/expire-access-tokens', handle: () => (oauth.expireAccessTokens(), {}) });
  hub.addControl({
    method: 'POST',
    path: 'oauth/consent',
    handle: (body) => {
      if (body.scopes !== undefined && (!Array.isArray(body.scopes) || body.scopes.some((s) => typeof s !== 'string'))) {
        throw new Error('scopes must be an array of strings');
      }
      oauth.setConsent({ deny: body.deny === true, scopes: body.scopes as string[] | undefined });
      return {};
    },
  });
  hub.addControl({
    method: 'POST',
    path: 'oauth/clients',
    handle: (body) =>
      oauth.registerClient({
        clientId: optionalString(body.clientId, 'clientId'),
        clientSecret: optionalString(body.clientSecret, 'clientSecret'),
      }),
  });
  hub.addControl({
    method: 'POST',
    path: 'oauth/refresh-tokens',
    handle: (body) => {
      const scopes = body.scopes;
      if (scopes !== undefined && (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string'))) {
        throw new Error('scopes must be an array of strings');
      }
      return {
        refreshToken: oauth.issueRefreshToken({
          clientId: optionalString(body.clientId, 'clientId') ?? '',
          user: optionalString(body.user, 'user'),
          scopes: scopes as string[] | undefined,
          refreshToken: optionalString(body.refreshToken, 'refreshToken'),
        }),
      };
    },
  });
}
