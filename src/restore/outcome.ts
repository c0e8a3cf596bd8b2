/**
 * What became of one object of a restore: the planner's decision when nothing was written (`exists`,
 * `deleted-before-T`, `revision-purged`, …), or what the write ended in. Which of them are problems (the
 * exit status 1, one line each) and which can be fixed by running the same command again. Types and pure
 * rules only.
 */
import type { Decision } from './plan.js';

export type WriteResult =
  | { readonly kind: 'restored'; readonly bytes: number; readonly generation?: string; readonly replaced?: boolean }
  /** The target got an object meanwhile (the write's `ifGenerationMatch=0` failed): left untouched. */
  | { readonly kind: 'exists' }
  /** Cloud Storage refused the write (a hold, a retention lock, permissions): its reason. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** Drive would not give the bytes now (download quota, rate limits, abuse flag); `lifts`: waiting helps (not the abuse flag). */
  | { readonly kind: 'drive-limit'; readonly reason: string; readonly action: string; readonly lifts: boolean }
  | { readonly kind: 'missing-in-drive'; readonly reason: string }
  /** The copy was not the backed-up generation: deleted again. */
  | { readonly kind: 'mismatch'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * One object's line of the report: its decision (absent when the facts to plan it could not be read: then
 * `result` says why), and what the write ended in.
 */
export interface ObjectReport {
  readonly name: string;
  readonly decision?: Decision;
  readonly result?: WriteResult;
  readonly dryRun: boolean;
}

/** The status shown for an object: the write's result, else the decision (`restore` in a dry run). */
export function statusOf(report: ObjectReport): string {
  return report.result?.kind ?? report.decision?.kind ?? 'failed';
}

const FINE = new Set(['restored', 'exists', 'deleted-before-T', 'restore']);
/** Problems a later run may get past by itself (Drive's limits, transient failures). */
const RETRYABLE = new Set(['drive-limit', 'failed']);

/** Whether the object was not restored as asked (`restore` counts as fine only in a dry run). */
export function isProblem(report: ObjectReport): boolean {
  const status = statusOf(report);
  if (status === 'restore') return !report.dryRun;
  return !FINE.has(status);
}

export function isRetryable(report: ObjectReport): boolean {
  return RETRYABLE.has(statusOf(report));
}
