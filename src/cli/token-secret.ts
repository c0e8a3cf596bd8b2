/**
 * The Secret Manager side of the CLI: adding the authorized-user JSON as a new version of the token
 * secret (creating the secret, with automatic replication, when it does not exist) and reading a version
 * back. Failures become a `TokenSecretError` saying what is wrong and what to do; messages never contain
 * the payload.
 */
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { grpcCodeOf, httpStatusOf, redact } from '../core/error-shapes.js';

export type TokenSecretProblem = 'missing' | 'denied' | 'disabled' | 'create-denied' | 'unavailable';

export class TokenSecretError extends Error {
  override readonly name = 'TokenSecretError';
  constructor(
    readonly problem: TokenSecretProblem,
    message: string,
  ) {
    super(message);
  }
}

type Secrets = Pick<SecretManagerServiceClient, 'addSecretVersion' | 'createSecret' | 'accessSecretVersion'>;

const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const PERMISSION_DENIED = 7;
const FAILED_PRECONDITION = 9;

function codeOf(err: unknown): number | undefined {
  const grpc = grpcCodeOf(err);
  if (grpc !== undefined) return grpc;
  return { 404: NOT_FOUND, 409: ALREADY_EXISTS, 403: PERMISSION_DENIED }[httpStatusOf(err) ?? 0];
}

function unavailable(err: unknown, what: string): TokenSecretError {
  const message = redact(err instanceof Error ? err.message : String(err));
  const hint = /default credentials/i.test(message) ? ' (run `gcloud auth application-default login` first)' : '';
  return new TokenSecretError('unavailable', `could not ${what}: ${message}${hint}`);
}

/** Adds `payload` as a new version of `secret` (`projects/P/secrets/S`); returns the version's name. */
export async function addTokenVersion(client: Secrets, secret: string, payload: string): Promise<string> {
  const add = async () =>
    (await client.addSecretVersion({ parent: secret, payload: { data: Buffer.from(payload, 'utf8') } }))[0].name ?? '';
  try {
    return await add();
  } catch (err) {
    const code = codeOf(err);
    if (code === PERMISSION_DENIED) {
      throw new TokenSecretError(
        'denied',
        `permission denied adding a version to ${secret} (or it does not exist): your account needs ` +
          'roles/secretmanager.secretVersionAdder on the secret; if the secret does not exist yet, create it first ' +
          '(for example with Terraform, google_secret_manager_secret) or get roles/secretmanager.admin on the project',
      );
    }
    if (code !== NOT_FOUND) throw unavailable(err, `add a version to ${secret}`);
  }
  await createSecret(client, secret);
  try {
    return await add();
  } catch (err) {
    throw unavailable(err, `add a version to the new secret ${secret}`);
  }
}

async function createSecret(client: Secrets, secret: string): Promise<void> {
  const [, parent, secretId] = /^(projects\/[^/]+)\/secrets\/([^/]+)$/.exec(secret) ?? [];
  try {
    await client.createSecret({ parent, secretId, secret: { replication: { automatic: {} } } });
  } catch (err) {
    const code = codeOf(err);
    if (code === ALREADY_EXISTS) return; // created meanwhile
    if (code === PERMISSION_DENIED) {
      throw new TokenSecretError(
        'create-denied',
        `the secret ${secret} does not exist and your account may not create it: create the secret first (for example with ` +
          'Terraform, google_secret_manager_secret) or get roles/secretmanager.admin on the project, then run authorize again',
      );
    }
    throw unavailable(err, `create the secret ${secret}`);
  }
}

/** The payload of `version` (`projects/P/secrets/S/versions/V`) as text. */
export async function readTokenSecret(client: Secrets, version: string): Promise<string> {
  try {
    const [reply] = await client.accessSecretVersion({ name: version });
    const data = reply.payload?.data;
    return typeof data === 'string' ? data : Buffer.from(data ?? []).toString('utf8');
  } catch (err) {
    const code = codeOf(err);
    if (code === NOT_FOUND) throw new TokenSecretError('missing', `${version} does not exist: run authorize to store the authorization`);
    if (code === PERMISSION_DENIED) {
      throw new TokenSecretError(
        'denied',
        `permission denied reading ${version} (or it does not exist): your account needs roles/secretmanager.secretAccessor on the secret`,
      );
    }
    if (code === FAILED_PRECONDITION) {
      throw new TokenSecretError('disabled', `${version} is disabled or destroyed: enable it, or run authorize to add a new version`);
    }
    throw unavailable(err, `read ${version}`);
  }
}
