/**
 * The OAuth emulator's state as JSON for persistence: the seed (so a restarted sandbox hands out the same
 * client id, secret and refresh token), clients, refresh tokens, access tokens and authorization codes not
 * expired yet, offline grants, the access token lifetime and the consent setting. An explicitly configured
 * access token lifetime wins over the saved one on restore.
 */
import type { AccessTokenRecord, CodeRecord, Grant, OAuthStore } from './store.js';

export interface OAuthSnapshot {
  seed: { clientId: string; clientSecret: string; refreshToken: string };
  clients: Array<[string, string]>;
  refreshTokens: Array<[string, Grant]>;
  accessTokens: Array<[string, AccessTokenRecord]>;
  codes: Array<[string, CodeRecord]>;
  offlineGrants: string[];
  accessTokenLifetimeSeconds: number;
  consent: { deny: boolean; scopes?: string[] };
}

export function snapshotOAuth(store: OAuthStore, seed: OAuthSnapshot['seed']): OAuthSnapshot {
  const now = Date.now();
  return {
    seed: { ...seed },
    clients: [...store.clients],
    refreshTokens: [...store.refreshTokens],
    accessTokens: [...store.accessTokens].filter(([, record]) => record.expiresAt > now),
    codes: [...store.codes].filter(([, record]) => record.expiresAt > now),
    offlineGrants: [...store.offlineGrants],
    accessTokenLifetimeSeconds: store.accessTokenLifetimeSeconds,
    consent: store.consent,
  };
}

/** Replaces the store's state and the seed's values (the seed object stays the same). */
export function restoreOAuth(
  store: OAuthStore,
  seed: OAuthSnapshot['seed'],
  data: unknown,
  explicitLifetimeSeconds: number | undefined,
): void {
  const snap = data as OAuthSnapshot;
  store.clear();
  for (const [id, secret] of snap.clients) store.clients.set(id, secret);
  for (const [token, grant] of snap.refreshTokens) store.refreshTokens.set(token, grant);
  for (const [token, record] of snap.accessTokens) store.accessTokens.set(token, record);
  for (const [code, record] of snap.codes) store.codes.set(code, record);
  for (const key of snap.offlineGrants) store.offlineGrants.add(key);
  store.accessTokenLifetimeSeconds = explicitLifetimeSeconds ?? snap.accessTokenLifetimeSeconds;
  store.consent = { deny: snap.consent.deny, scopes: snap.consent.scopes };
  Object.assign(seed, { clientId: snap.seed.clientId, clientSecret: snap.seed.clientSecret, refreshToken: snap.seed.refreshToken });
}
