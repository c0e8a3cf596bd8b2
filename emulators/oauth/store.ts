/**
 * In-memory state of the OAuth 2.0 emulator: registered clients, refresh tokens, access tokens, pending
 * authorization codes and offline grants (to emulate Google handing out a refresh token only on the first
 * offline consent of a client+user). All token values are random (crypto.randomBytes) and never logged.
 */
import { randomBytes } from 'node:crypto';
import type { PkceMethod } from './wire.js';

export const DEFAULT_USER = 'user@example.com';
export const DEFAULT_SCOPES: readonly string[] = ['https://www.googleapis.com/auth/drive.file', 'https://www.googleapis.com/auth/drive'];
/** Authorization codes expire after 10 minutes, as Google's do. */
export const CODE_LIFETIME_MS = 10 * 60 * 1000;

export interface Grant {
  clientId: string;
  user: string;
  scopes: string[];
}

export interface AccessTokenRecord extends Grant {
  expiresAt: number;
  /** The refresh token it was issued from (revoking that one kills this one too). */
  refreshToken?: string;
  offline: boolean;
}

export interface CodeRecord extends Grant {
  redirectUri: string;
  challenge?: { value: string; method: PkceMethod };
  /** Whether the exchange hands out a refresh token (first offline consent, or prompt=consent). */
  withRefreshToken: boolean;
  offline: boolean;
  expiresAt: number;
}

const random = (bytes: number) => randomBytes(bytes).toString('base64url');

export class OAuthStore {
  readonly clients = new Map<string, string>();
  readonly refreshTokens = new Map<string, Grant>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly codes = new Map<string, CodeRecord>();
  /** `clientId\nuser` pairs that already consented offline. */
  readonly offlineGrants = new Set<string>();
  accessTokenLifetimeSeconds: number;
  consent: { deny: boolean; scopes?: string[] } = { deny: false };

  constructor(private readonly defaultLifetimeSeconds: number) {
    this.accessTokenLifetimeSeconds = defaultLifetimeSeconds;
  }

  clear(): void {
    this.clients.clear();
    this.refreshTokens.clear();
    this.accessTokens.clear();
    this.codes.clear();
    this.offlineGrants.clear();
    this.accessTokenLifetimeSeconds = this.defaultLifetimeSeconds;
    this.consent = { deny: false };
  }

  registerClient(opts: { clientId?: string; clientSecret?: string } = {}): { clientId: string; clientSecret: string } {
    const clientId = opts.clientId ?? `${randomBytes(5).readUIntBE(0, 5)}-emu${randomBytes(8).toString('hex')}.apps.googleusercontent.com`;
    const clientSecret = opts.clientSecret ?? `GOCSPX-${random(21)}`;
    this.clients.set(clientId, clientSecret);
    return { clientId, clientSecret };
  }

  /** False when the client is unknown or the secret does not match. */
  authenticateClient(clientId: string, clientSecret: string | undefined): boolean {
    const secret = this.clients.get(clientId);
    return secret !== undefined && clientSecret !== undefined && secret === clientSecret;
  }

  issueRefreshToken(grant: Grant, token = `1//emu-${random(48)}`): string {
    if (!this.clients.has(grant.clientId)) throw new Error(`unknown OAuth client ${grant.clientId}`);
    this.refreshTokens.set(token, { ...grant, scopes: [...grant.scopes] });
    return token;
  }

  issueAccessToken(grant: Grant, refreshToken: string | undefined, offline: boolean): { token: string; expiresIn: number } {
    const token = `ya29.emu-${random(60)}`;
    const expiresIn = this.accessTokenLifetimeSeconds;
    this.accessTokens.set(token, {
      clientId: grant.clientId,
      user: grant.user,
      scopes: [...grant.scopes],
      expiresAt: Date.now() + expiresIn * 1000,
      refreshToken,
      offline,
    });
    return { token, expiresIn };
  }

  issueCode(record: CodeRecord): string {
    const code = `4/emu-${random(40)}`;
    this.codes.set(code, record);
    return code;
  }

  /** Single use: the code is gone after this call, whether or not it is still valid. */
  takeCode(code: string): CodeRecord | undefined {
    const record = this.codes.get(code);
    this.codes.delete(code);
    if (!record || record.expiresAt <= Date.now()) return undefined;
    return record;
  }

  /** Revokes a refresh token and every access token issued from it. */
  revokeRefreshToken(token: string): boolean {
    const grant = this.refreshTokens.get(token);
    if (!grant) return false;
    this.refreshTokens.delete(token);
    for (const [access, record] of this.accessTokens) if (record.refreshToken === token) this.accessTokens.delete(access);
    const stillHasOne = [...this.refreshTokens.values()].some((g) => g.clientId === grant.clientId && g.user === grant.user);
    if (!stillHasOne) this.offlineGrants.delete(grantKey(grant));
    return true;
  }

  /** The live record of an access token: known, not expired, its refresh token (if any) not revoked. */
  liveAccessToken(token: string): AccessTokenRecord | undefined {
    const record = this.accessTokens.get(token);
    if (!record || record.expiresAt <= Date.now()) return undefined;
    if (record.refreshToken !== undefined && !this.refreshTokens.has(record.refreshToken)) return undefined;
    return record;
  }

  expireAccessTokens(): void {
    const now = Date.now();
    for (const record of this.accessTokens.values()) record.expiresAt = Math.min(record.expiresAt, now - 1);
  }
}

export function grantKey(grant: { clientId: string; user: string }): string {
  return `${grant.clientId}\n${grant.user}`;
}
