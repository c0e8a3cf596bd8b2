/**
 * One restore request, whoever asks: the command line (`restore --to …`, and `--remote`, which posts it)
 * and `POST /restore` share this type and the rules of its values, so the two cannot drift. The JSON form
 * (`RestoreBody`) is what `--remote` sends and the route parses: every problem is listed, each naming its
 * field, unknown fields included. A request's id is a hash of its canonical form (with `at` resolved), so
 * the same request posted twice is the same restore and restores nothing twice. Pure.
 */
import { createHash } from 'node:crypto';
import { ok, type ValueParser } from '../config/option.js';
import { objectNameProblems, parseGsUrl, type Parsed } from '../core/names.js';
import { describeValue as describe } from '../core/text.js';

/** What to restore, from where, into which bucket: the request of one restore. */
export interface RestoreSpec {
  readonly to: { readonly bucket: string; readonly prefix: string };
  readonly prefix: string;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  /** The bucket as it was then (ms since the epoch); absent with `generation`. */
  readonly atMs?: number;
  readonly generation?: string;
  readonly dryRun: boolean;
  readonly overwrite: boolean;
  readonly acknowledgeAbuse: boolean;
  readonly customTime: boolean;
}

/** The JSON body of `POST /restore` that starts a restore (`{"id"}` alone continues one). */
export interface RestoreBody {
  to: string;
  prefix?: string;
  include?: string[];
  exclude?: string[];
  at?: string;
  generation?: string;
  dryRun?: boolean;
  overwrite?: boolean;
  acknowledgeAbuse?: boolean;
  customTime?: boolean;
}

/** An instant with its time zone (`2026-12-01T10:00:00Z`, `…+01:00`): a local time would mean a different instant on each machine. */
export const instant: ValueParser<number> = (text) => {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(ms)
    ? { ok: false, problem: `must be an ISO 8601 time with its zone, like 2026-12-01T10:00:00Z, got "${text}"` }
    : ok(ms);
};

export const generationNumber: ValueParser<string> = (text) =>
  /^[1-9][0-9]{0,18}$/.test(text) ? ok(text) : { ok: false, problem: `must be a generation number, got "${text}"` };

/** The body that asks for `spec`. */
export function restoreBody(spec: RestoreSpec): RestoreBody {
  return {
    to: `gs://${spec.to.bucket}/${spec.to.prefix}`,
    prefix: spec.prefix,
    include: [...spec.include],
    exclude: [...spec.exclude],
    ...(spec.atMs !== undefined ? { at: new Date(spec.atMs).toISOString() } : {}),
    ...(spec.generation !== undefined ? { generation: spec.generation } : {}),
    dryRun: spec.dryRun,
    overwrite: spec.overwrite,
    acknowledgeAbuse: spec.acknowledgeAbuse,
    customTime: spec.customTime,
  };
}

const SPEC_FIELDS = ['to', 'prefix', 'include', 'exclude', 'at', 'generation', 'dryRun', 'overwrite', 'acknowledgeAbuse', 'customTime'];
/** The progress record keeps the request: its canonical JSON must leave room in the record's 8 KiB. */
export const MAX_SPEC_BYTES = 3000;
const MAX_GLOBS = 32;

/** The spec a body asks for (`extra`: other fields the caller accepts), or every problem in it. */
export function parseRestoreSpec(body: Record<string, unknown>, extra: readonly string[] = []): Parsed<RestoreSpec> {
  const problems = Object.keys(body)
    .filter((k) => !SPEC_FIELDS.includes(k) && !extra.includes(k))
    .map((k) => `unknown field ${JSON.stringify(k)} (expected ${[...SPEC_FIELDS, ...extra].join(', ')})`);
  let to: { bucket: string; prefix: string } | undefined;
  if (body.to === undefined) problems.push('to is required: gs://BUCKET[/PREFIX], a bucket RESTORE_BUCKETS lists');
  else if (typeof body.to !== 'string') problems.push(`to must be a gs://BUCKET[/PREFIX] string, got ${describe(body.to)}`);
  else {
    const parsed = parseGsUrl(body.to, false);
    if (parsed.ok) to = { bucket: parsed.value.bucket, prefix: parsed.value.name };
    else problems.push(...parsed.problems.map((p) => `to: ${p}`));
  }
  const prefix = body.prefix ?? '';
  problems.push(...objectNameProblems(prefix, 'prefix', true));
  const include = globs(body.include, 'include', problems);
  const exclude = globs(body.exclude, 'exclude', problems);
  let atMs: number | undefined;
  if (body.at !== undefined) {
    const parsed = typeof body.at === 'string' ? instant(body.at) : undefined;
    if (parsed?.ok) atMs = parsed.value;
    else problems.push(`at ${parsed ? parsed.problem : `must be an ISO 8601 time string, got ${describe(body.at)}`}`);
  }
  let generation: string | undefined;
  if (body.generation !== undefined) {
    const text = typeof body.generation === 'number' && Number.isSafeInteger(body.generation) ? String(body.generation) : body.generation;
    const parsed = typeof text === 'string' ? generationNumber(text) : undefined;
    if (parsed?.ok) generation = parsed.value;
    else
      problems.push(
        `generation ${parsed ? parsed.problem : `must be a generation number (a decimal string), got ${describe(body.generation)}`}`,
      );
  }
  if (body.at !== undefined && body.generation !== undefined) problems.push('give at or generation, not both');
  if (body.generation !== undefined && !prefix) problems.push('generation restores one object: name it whole in prefix');
  const flags = {
    dryRun: flag(body, 'dryRun', false, problems),
    overwrite: flag(body, 'overwrite', false, problems),
    acknowledgeAbuse: flag(body, 'acknowledgeAbuse', false, problems),
    customTime: flag(body, 'customTime', true, problems),
  };
  if (problems.length > 0 || to === undefined) return { ok: false, problems };
  const spec: RestoreSpec = {
    to,
    prefix: prefix as string,
    include,
    exclude,
    ...(atMs !== undefined ? { atMs } : {}),
    ...(generation !== undefined ? { generation } : {}),
    ...flags,
  };
  const bytes = Buffer.byteLength(JSON.stringify(spec), 'utf8');
  if (bytes > MAX_SPEC_BYTES)
    return { ok: false, problems: [`the request is ${bytes} bytes of JSON; at most ${MAX_SPEC_BYTES} fit its record`] };
  return { ok: true, value: spec };
}

function globs(value: unknown, field: string, problems: string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_GLOBS || !value.every((g) => typeof g === 'string' && g !== '')) {
    problems.push(`${field} must be a list of at most ${MAX_GLOBS} non-empty glob strings, got ${describe(value)}`);
    return [];
  }
  return value as string[];
}

function flag(body: Record<string, unknown>, field: string, fallback: boolean, problems: string[]): boolean {
  const value = body[field] ?? fallback;
  if (typeof value === 'boolean') return value;
  problems.push(`${field} must be true or false, got ${describe(value)}`);
  return fallback;
}

/** The id of the restore `spec` asks for (with `at` resolved): 32 hex digits, the same for the same request. */
export function restoreIdOf(spec: RestoreSpec): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(spec)), 'utf8')
    .digest('hex')
    .slice(0, 32);
}

const RESTORE_ID = /^[0-9a-f]{32}$/;
export const isRestoreId = (value: unknown): value is string => typeof value === 'string' && RESTORE_ID.test(value);

function canonical(spec: RestoreSpec): unknown[] {
  return [
    spec.to.bucket,
    spec.to.prefix,
    spec.prefix,
    spec.include,
    spec.exclude,
    spec.atMs ?? null,
    spec.generation ?? null,
    spec.dryRun,
    spec.overwrite,
    spec.acknowledgeAbuse,
    spec.customTime,
  ];
}

/**
 * Why the deployed function may not restore into `bucket`; undefined when it may. It writes only into the
 * buckets the operator listed (RESTORE_BUCKETS, Terraform `restore_buckets`, where its account has
 * `roles/storage.objectCreator`): not into the state bucket nor the watched source bucket unless listed,
 * whatever the request says. Stricter than the command line, which runs with the operator's own rights.
 */
export function remoteTargetRefusal(
  bucket: string,
  rules: { restoreBuckets: readonly string[]; stateBucket: string; sourceBucket?: string },
): string | undefined {
  if (rules.restoreBuckets.includes(bucket)) return undefined;
  const what = bucket === rules.stateBucket ? ' (the state bucket)' : bucket === rules.sourceBucket ? ' (the watched source bucket)' : '';
  const listed =
    rules.restoreBuckets.length > 0 ? `RESTORE_BUCKETS lists only ${rules.restoreBuckets.join(', ')}` : 'RESTORE_BUCKETS lists no bucket';
  return `gs://${bucket}${what} is not a restore target of this deployment: ${listed}; add it to Terraform's restore_buckets and apply`;
}
