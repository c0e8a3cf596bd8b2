/**
 * Validation of the HTTP function's JSON bodies (and of the CLI's `gs://` arguments), pure: each parser
 * takes the decoded body and what it needs from the config, and returns the typed request or EVERY
 * problem found, each naming its field — never just the first. Unknown fields are problems too, so a
 * typo (`dry_run`) is not silently ignored.
 */
import { normaliseInt64 } from '../event.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

export interface BackupRequestBody {
  bucket: string;
  name: string;
  generation?: string;
}

export interface ReconcileRequestBody {
  bucket: string;
  prefix: string;
  dryRun: boolean;
  maxSeconds: number;
}

/** What validation needs from the configuration. */
export interface ValidationContext {
  sourceBucket?: string;
  stateBucket: string;
  /** Default of `maxSeconds` (RECONCILE_MAX_SECONDS). */
  defaultMaxSeconds: number;
  /** Largest accepted `maxSeconds`: the invocation's work budget. */
  maxSecondsLimit: number;
}

const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
// C0 controls, DEL and C1 controls: never part of a name anyone means to type.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_NAME_BYTES = 1024;

/** Why `bucket` is not a usable bucket name; empty when it is. */
export function bucketNameProblems(bucket: unknown, field = 'bucket'): string[] {
  if (typeof bucket !== 'string') return [`${field} must be a string, got ${describe(bucket)}`];
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    return [`${field} must be a bucket name (3-222 lowercase letters, digits, -, _ and ., no gs:// prefix), got ${JSON.stringify(bucket)}`];
  }
  return [];
}

/**
 * Why `name` is not an object name we accept: empty, over 1024 UTF-8 bytes, control characters (NUL
 * included), or a `.`/`..` path segment (they would mean something else to every path-minded reader).
 * With `allowEmpty` (a prefix) the empty string is fine.
 */
export function objectNameProblems(name: unknown, field = 'name', allowEmpty = false): string[] {
  if (typeof name !== 'string') return [`${field} must be a string, got ${describe(name)}`];
  const problems: string[] = [];
  if (name === '' && !allowEmpty) problems.push(`${field} must not be empty`);
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) problems.push(`${field} is longer than ${MAX_NAME_BYTES} UTF-8 bytes`);
  if (CONTROL.test(name)) problems.push(`${field} must not contain control characters (NUL, newline, ...)`);
  if (name.split('/').some((segment) => segment === '..' || segment === '.')) {
    problems.push(`${field} must not contain "." or ".." path segments`);
  }
  return problems;
}

export function parseBackupBody(body: unknown, ctx: ValidationContext): Parsed<BackupRequestBody> {
  if (!isRecord(body)) return { ok: false, problems: [`body must be a JSON object, got ${describe(body)}`] };
  const problems = unknownFields(body, ['bucket', 'name', 'generation']);
  if (body.bucket === undefined) problems.push('bucket is required');
  else problems.push(...bucketNameProblems(body.bucket), ...notStateBucket(body.bucket, ctx));
  if (body.name === undefined) problems.push('name is required');
  else problems.push(...objectNameProblems(body.name));
  let generation: string | undefined;
  if (body.generation !== undefined && body.generation !== null) {
    generation = normaliseInt64(body.generation);
    if (generation === undefined || generation === '0') {
      problems.push(`generation must be a positive integer (a decimal string or a number), got ${describe(body.generation)}`);
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const value: BackupRequestBody = { bucket: body.bucket as string, name: body.name as string };
  if (generation !== undefined) value.generation = generation;
  return { ok: true, value };
}

export function parseReconcileBody(body: unknown, ctx: ValidationContext): Parsed<ReconcileRequestBody> {
  if (!isRecord(body)) return { ok: false, problems: [`body must be a JSON object, got ${describe(body)}`] };
  const problems = unknownFields(body, ['bucket', 'prefix', 'dryRun', 'maxSeconds']);
  const bucket = body.bucket ?? ctx.sourceBucket;
  if (bucket === undefined) problems.push('bucket is required (SOURCE_BUCKET is not configured)');
  else problems.push(...bucketNameProblems(bucket), ...notStateBucket(bucket, ctx));
  const prefix = body.prefix ?? '';
  problems.push(...objectNameProblems(prefix, 'prefix', true));
  const dryRun = body.dryRun ?? false;
  if (typeof dryRun !== 'boolean') problems.push(`dryRun must be true or false, got ${describe(dryRun)}`);
  const maxSeconds = body.maxSeconds ?? ctx.defaultMaxSeconds;
  if (typeof maxSeconds !== 'number' || !Number.isFinite(maxSeconds) || maxSeconds <= 0 || maxSeconds > ctx.maxSecondsLimit) {
    problems.push(`maxSeconds must be a number above 0 and at most ${ctx.maxSecondsLimit}, got ${describe(maxSeconds)}`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: { bucket: bucket as string, prefix: prefix as string, dryRun: dryRun as boolean, maxSeconds: maxSeconds as number },
  };
}

/** `gs://bucket/name` → its parts; `requireName` for commands that need an object, not a prefix. */
export function parseGsUrl(url: string, requireName: boolean): Parsed<{ bucket: string; name: string }> {
  const match = /^gs:\/\/([^/]*)(?:\/(.*))?$/s.exec(url);
  if (!match) return { ok: false, problems: [`expected gs://BUCKET${requireName ? '/NAME' : '[/PREFIX]'}, got ${JSON.stringify(url)}`] };
  const bucket = match[1] as string;
  const name = match[2] ?? '';
  const problems = [...bucketNameProblems(bucket), ...objectNameProblems(name, requireName ? 'name' : 'prefix', !requireName)];
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: { bucket, name } };
}

function notStateBucket(bucket: unknown, ctx: ValidationContext): string[] {
  return bucket === ctx.stateBucket
    ? [`bucket ${JSON.stringify(bucket)} is the state bucket (STATE_BUCKET), which is never backed up`]
    : [];
}

function unknownFields(body: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(body)
    .filter((k) => !known.includes(k))
    .map((k) => `unknown field ${JSON.stringify(k)} (expected ${known.join(', ')})`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 60))}`;
  if (typeof value === 'object') return 'an object';
  return `the ${typeof value} ${String(value)}`;
}
