/**
 * Cloud Storage request preconditions (`ifGenerationMatch`, `ifGenerationNotMatch`, `ifMetagenerationMatch`,
 * `ifMetagenerationNotMatch`), evaluated against the object a request targets. Pure: no state, no I/O.
 */
import { HttpError } from '../harness/http.js';

export interface Preconditions {
  ifGenerationMatch?: number;
  ifGenerationNotMatch?: number;
  ifMetagenerationMatch?: number;
  ifMetagenerationNotMatch?: number;
}

export const PRECONDITION_FAILED_MESSAGE = 'At least one of the pre-conditions you specified did not hold.';

const NAMES = ['ifGenerationMatch', 'ifGenerationNotMatch', 'ifMetagenerationMatch', 'ifMetagenerationNotMatch'] as const;

/** Reads the four precondition query parameters of a request. 400 on non-integers. */
export function preconditionsFromQuery(query: URLSearchParams): Preconditions {
  const out: Preconditions = {};
  for (const name of NAMES) {
    const raw = query.get(name);
    if (raw === null || raw === '') continue;
    out[name] = parseGenerationNumber(raw, name);
  }
  return out;
}

/** Precondition fields of a JSON object (compose `objectPreconditions`), same validation. */
export function preconditionsFromJson(value: unknown): Preconditions {
  const out: Preconditions = {};
  if (!value || typeof value !== 'object') return out;
  for (const name of NAMES) {
    const raw = (value as Record<string, unknown>)[name];
    if (raw === undefined || raw === null) continue;
    out[name] = parseGenerationNumber(String(raw), name);
  }
  return out;
}

export function parseGenerationNumber(raw: string, what: string): number {
  if (!/^\d+$/.test(raw.trim())) throw new HttpError(400, `Invalid argument for ${what}: ${raw}`, 'invalid');
  return Number(raw.trim());
}

/** The generation numbers of the targeted object, or undefined when there is none. */
export interface PreconditionTarget {
  generation: number;
  metageneration: number;
}

export type PreconditionOutcome = 'ok' | 'failed' | 'notModified';

/**
 * Evaluates preconditions. `ifGenerationMatch: 0` holds only when there is no live object;
 * `ifGenerationNotMatch: 0` only when there is one. For reads (`forRead`), a failed *NotMatch condition
 * yields 304 Not Modified instead of 412, as GCS does for GETs.
 */
export function evaluatePreconditions(target: PreconditionTarget | undefined, p: Preconditions, forRead = false): PreconditionOutcome {
  const gen = target?.generation ?? 0;
  if (p.ifGenerationMatch !== undefined && p.ifGenerationMatch !== gen) return 'failed';
  if (p.ifMetagenerationMatch !== undefined && (!target || p.ifMetagenerationMatch !== target.metageneration)) {
    return 'failed';
  }
  const notMatchFailed =
    (p.ifGenerationNotMatch !== undefined && p.ifGenerationNotMatch === gen) ||
    (p.ifMetagenerationNotMatch !== undefined && target !== undefined && p.ifMetagenerationNotMatch === target.metageneration);
  if (notMatchFailed) return forRead && target ? 'notModified' : 'failed';
  return 'ok';
}

/** Throws the error GCS replies with when preconditions do not hold (412 conditionNotMet, or 304). */
export function assertPreconditions(target: PreconditionTarget | undefined, p: Preconditions, forRead = false): void {
  const outcome = evaluatePreconditions(target, p, forRead);
  if (outcome === 'failed') throw new HttpError(412, PRECONDITION_FAILED_MESSAGE, 'conditionNotMet');
  if (outcome === 'notModified') throw new HttpError(304, 'Not Modified', 'notModified');
}
