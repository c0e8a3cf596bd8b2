/**
 * `gcs-drive-backup check`: is the stored authorization still good, and are backups still arriving? Loads
 * the token secret, refreshes an access token, asks Drive who the user is and how full their Drive is
 * (about.get), looks at the root backup folder (files.get) and, given the source bucket, at freshness:
 * whether the newest object has its backup (src/cli/freshness.ts). Prints OK lines, or exactly what is
 * wrong and what to do. Exit codes: 0 fine, 3 re-authorize needed (token revoked or expired, OAuth client
 * gone, stored value unusable, Drive scope missing), 1 anything else (a stale bucket too), 2 usage.
 * Tokens are never printed.
 */
import { createSecretManager, createUserOAuthClient } from '../auth/clients.js';
import { parseAuthorizedUser, SecretPayloadError, type AuthorizedUser } from '../auth/credentials.js';
import type { ObjectFilter } from '../backup/select.js';
import { readEmulatorHosts, type ClientConfig } from '../config/config.js';
import { wholeNumber } from '../config/option.js';
import { SETTINGS } from '../config/settings.js';
import { oauthErrorOf, redact } from '../core/error-shapes.js';
import { formatBytes } from '../core/text.js';
import { driveClientFor } from '../drive/client.js';
import { createDriveGateway } from '../drive/gateway.js';
import { createStorage } from '../gcs/client.js';
import { createStorageGateway } from '../gcs/gateway.js';
import { parseCommandLine, usageOf, type CommandOption, type CommandSpec } from './command-line.js';
import { DRIVE_FILE_SCOPE, DRIVE_SCOPE } from './consent-url.js';
import { describeAccount, DriveAccountError, verifyFolder } from './drive-account.js';
import { missingScope, REAUTHORIZE } from './explanations.js';
import { backupOf, freshnessVerdict, newestObject } from './freshness.js';
import type { CliCommand } from './io.js';
import { redactingIO, type RedactingIO } from './redacting-io.js';
import { readTokenSecret, TokenSecretError } from './token-secret.js';
import { escapeForTerminal as shown } from '../core/terminal-text.js';

const STALE_AFTER: CommandOption<number> = {
  flag: 'stale-after',
  parse: wholeNumber(0, 30 * 86_400),
  default: 600,
  example: '600',
  placeholder: 'SECONDS',
  help: 'a newest object without a backup is stale once this old (younger: pending)',
};

const OPTIONS = {
  secret: { ...SETTINGS.tokenSecretVersion, readEnv: true },
  folderId: { ...SETTINGS.driveFolderId, required: false, readEnv: true },
  sourceBucket: { ...SETTINGS.sourceBucket, help: 'the watched bucket, for freshness', readEnv: true },
  staleAfter: STALE_AFTER,
  includePrefixes: { ...SETTINGS.includePrefixes, readEnv: true },
  excludeGlobs: { ...SETTINGS.excludeGlobs, readEnv: true },
  canaryPrefix: { ...SETTINGS.canaryPrefix, readEnv: true },
};

export const SPEC: CommandSpec<typeof OPTIONS> = {
  name: 'check',
  synopsis: '--secret projects/P/secrets/S[/versions/V] [--folder-id ID] [--source-bucket BUCKET]',
  about:
    'Checks the stored Drive authorization, the backup folder and, given the source bucket, freshness: whether the newest\n' +
    'object (of one listing page) has its backup in Drive.\nExit codes: 0 OK, 3 re-authorize needed, 1 other problem (or stale), 2 usage.',
  options: OPTIONS,
};

export const CHECK_USAGE = usageOf(SPEC);

export const EXIT_OK = 0;
export const EXIT_PROBLEM = 1;
export const EXIT_REAUTHORIZE = 3;

/** A finding that ends the check, with its exit code. */
class CheckFailure extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const checkCommand: CliCommand = async (plainIO) => {
  const { values, help } = parseCommandLine(plainIO, SPEC);
  if (help) {
    plainIO.stdout(CHECK_USAGE);
    return EXIT_OK;
  }
  const version = values.secret as string;
  const folderId = values.folderId;
  const config: ClientConfig = { emulators: readEmulatorHosts(plainIO.env) };
  const io = redactingIO(plainIO);
  const freshness: FreshnessRequest | undefined = values.sourceBucket
    ? {
        bucket: values.sourceBucket,
        staleAfterMs: (values.staleAfter ?? 600) * 1000,
        filter: {
          includePrefixes: values.includePrefixes ?? [],
          excludeGlobs: values.excludeGlobs ?? [],
          canaryPrefix: values.canaryPrefix ?? '.gcs-drive-backup-canary/',
        },
      }
    : undefined;
  try {
    await check(io, config, version, folderId, freshness);
    io.stdout('OK: the function can back up to Drive with this authorization.\n');
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CheckFailure) {
      io.stderr(`check: ${shown(err.message)}\n`);
      return err.exitCode;
    }
    const known = err instanceof TokenSecretError || err instanceof DriveAccountError;
    const reauthorize = err instanceof DriveAccountError && err.problem === 'missing-scope';
    io.stderr(
      `check: ${shown(known ? (err as Error).message : `unexpected failure: ${redact(String((err as Error)?.message ?? err))}`)}${reauthorize ? `; ${REAUTHORIZE}` : ''}\n`,
    );
    return reauthorize ? EXIT_REAUTHORIZE : EXIT_PROBLEM;
  }
};

interface FreshnessRequest {
  bucket: string;
  staleAfterMs: number;
  filter: ObjectFilter;
}

async function check(
  io: RedactingIO,
  config: ClientConfig,
  version: string,
  folderId: string | undefined,
  freshness: FreshnessRequest | undefined,
): Promise<void> {
  const user = await loadUser(io, config, version);
  io.stdout(`OK: ${version} holds an authorization for OAuth client ${shown(user.client_id)}.\n`);

  const auth = createUserOAuthClient(config, user);
  let scopes: string[];
  try {
    const { token } = await auth.getAccessToken();
    io.protect(token);
    scopes = (auth.credentials.scope ?? '').split(/\s+/).filter(Boolean);
  } catch (err) {
    throw refreshFailure(err);
  }
  if (scopes.length > 0 && !scopes.includes(DRIVE_FILE_SCOPE) && !scopes.includes(DRIVE_SCOPE)) {
    throw new CheckFailure(EXIT_REAUTHORIZE, `${missingScope(DRIVE_FILE_SCOPE)} (${REAUTHORIZE})`);
  }
  const scope = scopes.includes(DRIVE_SCOPE) ? 'drive' : 'drive.file';
  io.stdout(`OK: the refresh token works (scope ${scope}).\n`);

  const client = driveClientFor(config, auth);
  const drive = createDriveGateway({ connect: () => Promise.resolve(client) });
  const account = await describeAccount(drive);
  io.stdout(
    `OK: Drive account ${shown(account.email ?? '(email not shown)')}, storage used ${formatBytes(account.usage)} of ${account.limit === undefined ? 'unlimited' : formatBytes(account.limit)}.\n`,
  );

  if (folderId === undefined) {
    io.stdout('Skipped: no folder to check (give --folder-id or set DRIVE_FOLDER_ID).\n');
  } else {
    const folder = await verifyFolder(drive, folderId);
    io.stdout(`OK: backup folder "${shown(folder.name)}" (${shown(folder.id)}) is visible to the app.\n`);
  }

  if (freshness === undefined) {
    io.stdout('Skipped: freshness (give --source-bucket or set SOURCE_BUCKET).\n');
    return;
  }
  const source = createStorageGateway('gcs-source', createStorage(config));
  let verdict;
  try {
    const newest = await newestObject(source, freshness.bucket, freshness.filter);
    const backup = 'ref' in newest ? await backupOf(drive, newest.ref) : undefined;
    verdict = freshnessVerdict(freshness.bucket, newest, backup, freshness.staleAfterMs, Date.now());
  } catch (err) {
    const message = redact(err instanceof Error ? err.message : String(err));
    throw new CheckFailure(EXIT_PROBLEM, `freshness of gs://${freshness.bucket} could not be checked: ${message}`);
  }
  if (!verdict.fresh) throw new CheckFailure(EXIT_PROBLEM, verdict.line);
  io.stdout(`${shown(verdict.line)}\n`);
}

async function loadUser(io: RedactingIO, config: ClientConfig, version: string): Promise<AuthorizedUser> {
  const secrets = createSecretManager(config);
  let payload: string;
  try {
    payload = await readTokenSecret(secrets, version);
  } finally {
    await secrets.close().catch(() => undefined);
  }
  try {
    const user = parseAuthorizedUser(payload, version);
    io.protect(user.refresh_token);
    io.protect(user.client_secret);
    return user;
  } catch (err) {
    if (err instanceof SecretPayloadError) throw new CheckFailure(EXIT_REAUTHORIZE, err.message);
    throw err;
  }
}

function refreshFailure(err: unknown): CheckFailure {
  const code = oauthErrorOf(err);
  if (code === 'invalid_grant') {
    return new CheckFailure(
      EXIT_REAUTHORIZE,
      `the stored authorization was revoked or has expired (invalid_grant): re-authorize: ${REAUTHORIZE}. An app in "Testing" publishing status gets tokens that expire after 7 days.`,
    );
  }
  if (code === 'invalid_client' || code === 'unauthorized_client') {
    return new CheckFailure(
      EXIT_REAUTHORIZE,
      `Google rejected the stored OAuth client (${code}): it was deleted or its secret rotated; re-authorize with a current client JSON: ${REAUTHORIZE}`,
    );
  }
  const message = redact(err instanceof Error ? err.message : String(err));
  return new CheckFailure(EXIT_PROBLEM, `could not refresh an access token${code ? ` (${code})` : ''}: ${message}`);
}
