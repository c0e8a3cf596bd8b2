/**
 * The function's configuration: `parseConfig(env)` validates environment variables into a typed, frozen
 * `Config`, or throws a `ConfigError` naming the first bad variable, what is wrong, and a good value.
 * Pure: the environment is a parameter, nothing is read at import time. Empty or blank values count
 * as unset (Terraform and `gcloud` often pass `""`).
 */

export type OnNewGeneration = 'revision' | 'copy' | 'skip';
export type DeleteMode = 'keep' | 'trash';

/** Base URLs (scheme://host:port[/path], no trailing `/`) replacing Google endpoints in local runs. */
export interface EmulatorHosts {
  readonly storage?: string;
  readonly drive?: string;
  readonly oauth?: string;
  readonly secretManager?: string;
}

export interface Config {
  /** Drive folder (or shared drive) receiving the backup. */
  readonly driveFolderId: string;
  /** Full Secret Manager version name holding the OAuth token: `projects/P/secrets/S/versions/V`. */
  readonly tokenSecretVersion: string;
  /** Bucket holding locks, upload checkpoints and reconcile cursors; never the source bucket. */
  readonly stateBucket: string;
  /** Object-name prefix for all state in `stateBucket`; ends with `/`. */
  readonly statePrefix: string;
  /** Default bucket for reconcile runs. */
  readonly sourceBucket?: string;
  readonly includePrefixes: readonly string[];
  readonly excludeGlobs: readonly string[];
  readonly onNewGeneration: OnNewGeneration;
  readonly deleteMode: DeleteMode;
  readonly keepRevisionsForever: boolean;
  /** Resumable upload chunk size: a positive multiple of 256 KiB. */
  readonly uploadChunkBytes: number;
  /** Objects up to this size go up in one multipart request. */
  readonly multipartMaxBytes: number;
  readonly functionTimeoutSec: number;
  readonly deadlineMarginSec: number;
  /** Work budget per invocation: (timeout − margin) × 1000. */
  readonly deadlineMs: number;
  readonly reconcileParallelism: number;
  readonly reconcileMaxSeconds: number;
  /** A Cloud Storage read or Drive request that moves no byte for this long is abandoned and retried. */
  readonly ioIdleTimeoutMs: number;
  /** How long an upload claim is held without renewal; a crashed instance's claim frees up after it. */
  readonly leaseMs: number;
  readonly emulators: EmulatorHosts;
}

/** A configuration variable is missing or invalid; `variable` names it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

type Env = NodeJS.ProcessEnv | Record<string, string | undefined>;

const MIB = 1024 * 1024;
const FOLDER_EXAMPLE = '1AbCdEfGhIjKlMnOpQrStUvWxYz';
const FOLDER_ID = /^[A-Za-z0-9_-]{10,}$/;
const SECRET_NAME = /^projects\/([^/\s]+)\/secrets\/([A-Za-z0-9_-]{1,255})(?:\/versions\/(latest|[1-9][0-9]*))?$/;
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;

/** Validates `env` into a `Config`; throws `ConfigError` for the first invalid variable. */
export function parseConfig(env: Env): Config {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const fail = (variable: string, problem: string, example: string): never => {
    throw new ConfigError(variable, `${variable} ${problem}; for example ${variable}=${example}`);
  };
  const required = (name: string, example: string): string => get(name) ?? fail(name, 'is required but not set', example);

  const driveFolderId = required('DRIVE_FOLDER_ID', FOLDER_EXAMPLE);
  if (!FOLDER_ID.test(driveFolderId)) {
    const rule = "the last part of the folder's URL: 10+ letters, digits, _ or -";
    const problem = `must be a Drive folder or shared drive id (${rule}), got "${driveFolderId}"`;
    fail('DRIVE_FOLDER_ID', problem, FOLDER_EXAMPLE);
  }

  const secretExample = 'projects/my-project/secrets/drive-token';
  const secret = SECRET_NAME.exec(required('TOKEN_SECRET', secretExample));
  if (secret === null) {
    const rule = 'projects/PROJECT/secrets/SECRET, optionally followed by /versions/latest or /versions/N';
    fail('TOKEN_SECRET', `must be ${rule}, got "${get('TOKEN_SECRET')}"`, secretExample);
  }
  const [, project, secretId, version = 'latest'] = secret as RegExpExecArray;

  const bucket = (name: string): string | undefined => {
    const value = get(name);
    if (value !== undefined && !isBucketName(value)) {
      const rule = 'a bucket name: no gs:// prefix, only lowercase letters, digits, -, _ and .';
      fail(name, `must be ${rule}, got "${value}"`, 'my-backup-state');
    }
    return value;
  };
  const stateBucket = bucket('STATE_BUCKET') ?? fail('STATE_BUCKET', 'is required but not set', 'my-backup-state');
  const sourceBucket = bucket('SOURCE_BUCKET');
  if (sourceBucket === stateBucket) {
    const why = 'state writes would trigger the function on itself';
    fail('STATE_BUCKET', `must differ from SOURCE_BUCKET ("${stateBucket}"): ${why}`, `${stateBucket}-state`);
  }
  const statePrefix = get('STATE_PREFIX') ?? 'gcs-drive-backup/';
  if (!statePrefix.endsWith('/')) fail('STATE_PREFIX', `must end with "/", got "${statePrefix}"`, 'gcs-drive-backup/');

  const oneOf = <T extends string>(name: string, allowed: readonly T[]): T => {
    const value = (get(name) ?? allowed[0]).toLowerCase();
    return (allowed as readonly string[]).includes(value)
      ? (value as T)
      : fail(name, `must be one of ${allowed.join(', ')}, got "${get(name)}"`, allowed[0]);
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const value = get(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    return fail(name, `must be true/false/1/0/yes/no, got "${get(name)}"`, 'true');
  };
  const number = (name: string, fallback: number, ok: (n: number) => boolean, rule: string): number => {
    const text = get(name);
    if (text === undefined) return fallback;
    const n = DECIMAL.test(text) ? Number(text) : Number.NaN;
    return Number.isFinite(n) && ok(n) ? n : fail(name, `must be ${rule}, got "${text}"`, String(fallback));
  };
  const integer = (name: string, fallback: number, min: number, max: number): number =>
    number(name, fallback, (n) => Number.isInteger(n) && n >= min && n <= max, `an integer from ${min} to ${max}`);

  const uploadChunkMib = number(
    'UPLOAD_CHUNK_MIB',
    8,
    (n) => n > 0 && n <= 1024 && Number.isInteger(n * 4),
    'a positive multiple of 0.25 (256 KiB), at most 1024',
  );
  const multipartRule = 'above 0 and at most 5 (Drive multipart limit)';
  const multipartMaxMib = number('MULTIPART_MAX_MIB', 5, (n) => n > 0 && n <= 5, multipartRule);
  const functionTimeoutSec = integer('FUNCTION_TIMEOUT_SEC', 540, 1, 3600);
  const deadlineMarginSec = integer('DEADLINE_MARGIN_SEC', 30, 0, 3600);
  if (deadlineMarginSec >= functionTimeoutSec) {
    const problem = `must be less than FUNCTION_TIMEOUT_SEC (${functionTimeoutSec}), got ${deadlineMarginSec}`;
    fail('DEADLINE_MARGIN_SEC', problem, String(Math.floor(functionTimeoutSec / 10)));
  }
  const budgetSec = functionTimeoutSec - deadlineMarginSec;

  return Object.freeze({
    driveFolderId,
    tokenSecretVersion: `projects/${project}/secrets/${secretId}/versions/${version}`,
    stateBucket,
    statePrefix,
    ...(sourceBucket !== undefined ? { sourceBucket } : {}),
    includePrefixes: Object.freeze(list(get('INCLUDE_PREFIXES'))),
    excludeGlobs: Object.freeze(list(get('EXCLUDE_GLOBS'))),
    onNewGeneration: oneOf<OnNewGeneration>('ON_NEW_GENERATION', ['revision', 'copy', 'skip']),
    deleteMode: oneOf<DeleteMode>('DELETE_MODE', ['keep', 'trash']),
    keepRevisionsForever: flag('KEEP_REVISIONS_FOREVER', false),
    uploadChunkBytes: uploadChunkMib * MIB,
    multipartMaxBytes: Math.floor(multipartMaxMib * MIB),
    functionTimeoutSec,
    deadlineMarginSec,
    deadlineMs: budgetSec * 1000,
    reconcileParallelism: integer('RECONCILE_PARALLELISM', 8, 1, 64),
    reconcileMaxSeconds: integer('RECONCILE_MAX_SECONDS', budgetSec, 1, budgetSec),
    ioIdleTimeoutMs: integer('IO_IDLE_TIMEOUT_SEC', 60, 1, 3600) * 1000,
    leaseMs: integer('LEASE_SEC', 60, 2, 3600) * 1000,
    emulators: Object.freeze(emulatorHosts(get, fail)),
  });
}

function isBucketName(value: string): boolean {
  if (!BUCKET.test(value) || value.includes('..')) return false;
  const parts = value.split('.');
  return parts.every((p) => p.length > 0 && p.length <= 63) && (parts.length > 1 || value.length <= 63);
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const EMULATOR_VARIABLES = {
  storage: 'STORAGE_EMULATOR_HOST',
  drive: 'DRIVE_EMULATOR_HOST',
  oauth: 'OAUTH_EMULATOR_HOST',
  secretManager: 'SECRET_MANAGER_EMULATOR_HOST',
} as const;

function emulatorHosts(
  get: (name: string) => string | undefined,
  fail: (variable: string, problem: string, example: string) => never,
): EmulatorHosts {
  const hosts: Record<string, string> = {};
  for (const [key, variable] of Object.entries(EMULATOR_VARIABLES)) {
    const value = get(variable);
    if (value === undefined) continue;
    const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value) ? value : `http://${value}`;
    let url: URL | undefined;
    try {
      url = new URL(withScheme);
    } catch {
      url = undefined;
    }
    const usable =
      url !== undefined &&
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.hostname !== '' &&
      url.search === '' &&
      url.hash === '' &&
      url.username === '';
    if (!usable) fail(variable, `must be an http(s) URL or host:port, got "${value}"`, 'localhost:9199');
    const parsed = url as URL;
    hosts[key] = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  }
  return hosts;
}
