/**
 * The user's Drive authorization: an authorized-user JSON stored in Secret Manager
 * (`{"type":"authorized_user","client_id","client_secret","refresh_token"}`), turned into an OAuth2 client
 * that refreshes access tokens as they expire. Cached per instance. When Google answers `invalid_grant`,
 * the secret is read once more (the user may have re-run `authorize`); if the token is still the same,
 * the user must re-authorize.
 */
import type { OAuth2Client } from 'google-auth-library';
import type { ClassifiedError, Failure } from '../core/failure.js';

export interface AuthorizedUser {
  type: 'authorized_user';
  client_id: string;
  client_secret: string;
  refresh_token: string;
}

/** The secret's payload is not an authorized-user JSON. The message never contains the payload. */
export class SecretPayloadError extends Error implements ClassifiedError {
  readonly failure: Failure;
  constructor(
    readonly secret: string,
    problem: string,
  ) {
    super(`The secret ${secret} does not hold authorized-user credentials (${problem})`);
    this.failure = {
      kind: 'operator',
      service: 'secret-manager',
      reason: this.message,
      problemCode: 'secret-payload',
      action: `run \`npx --no gcs-drive-backup authorize --client-secrets credentials.json --secret ${secretName(secret)}\` to store them`,
    };
  }
}

/** `projects/P/secrets/S` of a version name. */
export function secretName(version: string): string {
  return version.replace(/\/versions\/[^/]+$/, '');
}

/** The stored refresh token was revoked or expired: only the user can fix it, by re-running `authorize`. */
export class ReauthorizeRequiredError extends Error implements ClassifiedError {
  readonly failure: Failure;
  constructor(readonly secret: string) {
    const command = `npx --no gcs-drive-backup authorize --client-secrets credentials.json --secret ${secretName(secret)}`;
    super(`The Drive authorization stored in ${secret} was revoked or has expired: re-run \`${command}\`.`);
    this.failure = { kind: 'reauthorize', service: 'oauth', reason: this.message, problemCode: 'reauthorize' };
  }
}

export function parseAuthorizedUser(payload: string, secret: string): AuthorizedUser {
  let data: unknown;
  try {
    data = JSON.parse(payload);
  } catch {
    throw new SecretPayloadError(secret, 'not JSON');
  }
  if (!data || typeof data !== 'object') throw new SecretPayloadError(secret, 'not a JSON object');
  const d = data as Record<string, unknown>;
  const missing = ['client_id', 'client_secret', 'refresh_token'].filter((k) => typeof d[k] !== 'string' || d[k] === '');
  if (missing.length) throw new SecretPayloadError(secret, `missing ${missing.join(', ')}`);
  if (d.type !== undefined && d.type !== 'authorized_user')
    throw new SecretPayloadError(
      secret,
      `type is ${typeof d.type === 'string' ? d.type : JSON.stringify(d.type)}, expected authorized_user`,
    );
  return {
    type: 'authorized_user',
    client_id: d.client_id as string,
    client_secret: d.client_secret as string,
    refresh_token: d.refresh_token as string,
  };
}

/** True for the OAuth error Google returns for a revoked or expired refresh token. */
export function isInvalidGrant(err: unknown): boolean {
  const e = err as { response?: { data?: { error?: unknown } }; message?: unknown };
  return e?.response?.data?.error === 'invalid_grant' || (typeof e?.message === 'string' && /\binvalid_grant\b/.test(e.message));
}

export interface CredentialsDeps {
  secret: string;
  readSecret: () => Promise<string>;
  makeClient: (user: AuthorizedUser) => Promise<OAuth2Client>;
  /** Called with every secret value so the logger can redact it. */
  registerSecret: (value: string) => void;
}

export class DriveCredentials {
  private current?: Promise<{ user: AuthorizedUser; client: OAuth2Client }>;

  constructor(private readonly deps: CredentialsDeps) {}

  private load(): Promise<{ user: AuthorizedUser; client: OAuth2Client }> {
    const loading = (async () => {
      const user = parseAuthorizedUser(await this.deps.readSecret(), this.deps.secret);
      this.deps.registerSecret(user.refresh_token);
      this.deps.registerSecret(user.client_secret);
      const client = await this.deps.makeClient(user);
      client.on('tokens', (tokens) => {
        if (tokens.access_token) this.deps.registerSecret(tokens.access_token);
      });
      return { user, client };
    })();
    loading.catch(() => {
      if (this.current === loading) this.current = undefined;
    });
    this.current = loading;
    return loading;
  }

  /** The cached OAuth2 client, with a fresh access token. */
  async client(): Promise<OAuth2Client> {
    const { client } = await (this.current ?? this.load());
    return client;
  }

  /** Forgets the cached access token (Drive said 401): the next request refreshes it, or meets invalid_grant. */
  invalidateAccessToken(): void {
    void this.current?.then(
      ({ user, client }) => client.setCredentials({ refresh_token: user.refresh_token }),
      () => undefined,
    );
  }

  /**
   * Runs `operation` with the client. On `invalid_grant`, re-reads the secret once: with a new refresh
   * token the operation runs again; with the same one, throws ReauthorizeRequiredError.
   */
  async withClient<T>(operation: (client: OAuth2Client) => Promise<T>): Promise<T> {
    const before = await (this.current ?? this.load());
    try {
      return await operation(before.client);
    } catch (err) {
      if (!isInvalidGrant(err)) throw err;
      const reloaded = await this.load();
      if (reloaded.user.refresh_token === before.user.refresh_token) throw new ReauthorizeRequiredError(this.deps.secret);
      try {
        return await operation(reloaded.client);
      } catch (retryErr) {
        if (isInvalidGrant(retryErr)) throw new ReauthorizeRequiredError(this.deps.secret);
        throw retryErr;
      }
    }
  }
}
