/**
 * Validation of the HTTP function's JSON bodies, pure: each parser takes the decoded body and what it
 * needs from the config (`validationContext`: the settings' values and limits), and returns the typed
 * request or EVERY problem found, each naming its field — never just the first. Names follow the same
 * rules as everywhere (src/core/names.ts). Unknown fields are problems too, so a typo (`dry_run`) is not
 * silently ignored. A bucket is accepted only when this deployment backs it up (config/source-bucket.ts).
 */
import type { Config } from '../config/config.js';
import { bucketScopeProblem, type BucketScope } from '../config/source-bucket.js';
import { bucketNameProblems, objectNameProblems, type Parsed } from '../core/names.js';
import { normaliseInt64 } from '../core/object-ref.js';
import { describeValue as describe, isRecord } from '../core/text.js';

export type { Parsed };

export interface BackupRequestBody {
  bucket: string;
  name: string;
  generation?: string;
  /** Re-upload even if the object's record says it was backed up, when Drive lacks the copy (reconcile's tasks). */
  restoreMissing?: boolean;
}

export interface ReconcileRequestBody {
  bucket: string;
  prefix: string;
  dryRun: boolean;
  maxSeconds: number;
  /** Only the queue's tick (resume after a pause), no reconcile run. */
  queueOnly: boolean;
}

/** What validation needs from the configuration. */
export interface ValidationContext extends BucketScope {
  /** Default of `maxSeconds` (RECONCILE_MAX_SECONDS). */
  defaultMaxSeconds: number;
  /** Largest accepted `maxSeconds`: the invocation's work budget. */
  maxSecondsLimit: number;
}

/** The context of the function's own configuration. */
export function validationContext(config: Config): ValidationContext {
  return {
    sourceBucket: config.sourceBucket,
    stateBucket: config.stateBucket,
    defaultMaxSeconds: config.reconcileMaxSeconds,
    maxSecondsLimit: config.deadlineMs / 1000,
  };
}

export function parseBackupBody(body: unknown, ctx: ValidationContext): Parsed<BackupRequestBody> {
  if (!isRecord(body)) return { ok: false, problems: [`body must be a JSON object, got ${describe(body)}`] };
  const problems = unknownFields(body, ['bucket', 'name', 'generation', 'restoreMissing']);
  if (body.bucket === undefined) problems.push('bucket is required');
  else problems.push(...bucketProblems(body.bucket, ctx));
  if (body.name === undefined) problems.push('name is required');
  else problems.push(...objectNameProblems(body.name));
  let generation: string | undefined;
  if (body.generation !== undefined && body.generation !== null) {
    generation = normaliseInt64(body.generation);
    if (generation === undefined || generation === '0') {
      problems.push(`generation must be a positive integer (a decimal string or a number), got ${describe(body.generation)}`);
    }
  }
  const restoreMissing = body.restoreMissing ?? false;
  if (typeof restoreMissing !== 'boolean') problems.push(`restoreMissing must be true or false, got ${describe(restoreMissing)}`);
  if (problems.length > 0) return { ok: false, problems };
  const value: BackupRequestBody = { bucket: body.bucket as string, name: body.name as string };
  if (generation !== undefined) value.generation = generation;
  if (restoreMissing === true) value.restoreMissing = true;
  return { ok: true, value };
}

export function parseReconcileBody(body: unknown, ctx: ValidationContext): Parsed<ReconcileRequestBody> {
  if (!isRecord(body)) return { ok: false, problems: [`body must be a JSON object, got ${describe(body)}`] };
  const problems = unknownFields(body, ['bucket', 'prefix', 'dryRun', 'maxSeconds', 'queueOnly']);
  const queueOnly = body.queueOnly ?? false;
  if (typeof queueOnly !== 'boolean') problems.push(`queueOnly must be true or false, got ${describe(queueOnly)}`);
  const bucket = body.bucket ?? ctx.sourceBucket;
  if (bucket !== undefined) problems.push(...bucketProblems(bucket, ctx));
  else if (queueOnly !== true) problems.push('bucket is required (SOURCE_BUCKET is not configured)');
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
    value: {
      bucket: (bucket ?? '') as string,
      prefix: prefix as string,
      dryRun: dryRun as boolean,
      maxSeconds: maxSeconds as number,
      queueOnly: queueOnly as boolean,
    },
  };
}

/** A well-formed bucket name this deployment backs up (SOURCE_BUCKET), or the problems. */
function bucketProblems(bucket: unknown, scope: BucketScope): string[] {
  const named = bucketNameProblems(bucket);
  if (named.length > 0) return named;
  const problem = bucketScopeProblem(bucket as string, scope);
  return problem !== undefined ? [problem] : [];
}

function unknownFields(body: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(body)
    .filter((k) => !known.includes(k))
    .map((k) => `unknown field ${JSON.stringify(k)} (expected ${known.join(', ')})`);
}
