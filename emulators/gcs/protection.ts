/**
 * What protects an object generation from being deleted or replaced, and the rule of `customTime`. Pure
 * decisions over the hub clock; the store calls them before it changes anything.
 *
 * Holds (https://cloud.google.com/storage/docs/object-holds): "While an object has a hold placed on it,
 * the object cannot be deleted or replaced. You can, however, edit the metadata of the object." Bucket
 * retention policy (https://cloud.google.com/storage/docs/bucket-lock): an object cannot be deleted or
 * replaced until its time in the bucket reaches the retention period; "Releasing an event-based hold
 * resets the object's time in the bucket for the purposes of the retention period" (object-holds). The
 * 403 bodies (reason `forbidden`, messages below) are not on those pages: they are what Cloud Storage
 * sends as its clients report them ("Object 'B/N' is under active Temporary hold and cannot be deleted,
 * overwritten or archived until hold is removed.", "... is subject to bucket's retention policy and
 * cannot be deleted, overwritten or archived until <time>"). Guesses: which one wins when several apply
 * (event-based hold, then temporary hold, then retention), the time format of the retention message
 * (RFC 3339 UTC here; Google prints its own zone and nanoseconds), and that a replacement is refused in a
 * versioned bucket too (every emulator bucket keeps noncurrent versions).
 *
 * Custom-Time (https://cloud.google.com/storage/docs/metadata#custom-time): once set it cannot be removed
 * and can only move later; a rewrite or a new upload starts over. Moving it earlier answers 400 with
 * "Custom time cannot be decreased. Previously: T0. Attempting to set: T1." (the message clients report;
 * reason `invalid` is a guess); removing it answers 400 "Custom time cannot be removed." (a guess: Google's
 * wording for that case is not published).
 */
import { HttpError } from '../harness/http.js';

export interface Protectable {
  bucket: string;
  name: string;
  eventBasedHold?: boolean;
  temporaryHold?: boolean;
  /** Hub-clock ms the object's time in the bucket counts from (creation, or the release of an event-based hold). */
  retentionFromMs?: number;
}

/** The bucket's retention policy, in seconds (`retentionPolicy.retentionPeriod`); absent: none. */
export interface RetentionPolicy {
  retentionPeriodSec: number;
  effectiveTime: Date;
}

const heldError = (obj: Protectable, kind: 'Event-Based' | 'Temporary'): HttpError =>
  new HttpError(
    403,
    `Object '${obj.bucket}/${obj.name}' is under active ${kind} hold and cannot be deleted, overwritten or archived until hold is removed.`,
    'forbidden',
  );

/** When the retention policy stops protecting `obj` (hub-clock ms), or undefined without a policy. */
export function retainedUntilMs(obj: Protectable, policy: RetentionPolicy | undefined): number | undefined {
  if (!policy || obj.retentionFromMs === undefined) return undefined;
  return obj.retentionFromMs + policy.retentionPeriodSec * 1000;
}

/** Throws the 403 Cloud Storage answers when `obj` may not be deleted or replaced now. */
export function assertReplaceable(obj: Protectable, policy: RetentionPolicy | undefined, nowMs: number): void {
  if (obj.eventBasedHold) throw heldError(obj, 'Event-Based');
  if (obj.temporaryHold) throw heldError(obj, 'Temporary');
  const until = retainedUntilMs(obj, policy);
  if (until !== undefined && nowMs < until) {
    throw new HttpError(
      403,
      `Object '${obj.bucket}/${obj.name}' is subject to bucket's retention policy and cannot be deleted, overwritten or archived until ${new Date(until).toISOString()}`,
      'forbidden',
    );
  }
}

/** RFC 3339 with nanoseconds and `+00:00`, as Cloud Storage prints times in this message. */
function nanos(iso: string): string {
  return iso.replace(/\.(\d{3})Z$/, '.$1000000+00:00');
}

/**
 * The customTime a patch leaves: `requested` undefined keeps `current`; null or '' asks to remove it
 * (refused once set); an earlier time is refused. Times are canonical ISO strings (ms precision).
 */
export function nextCustomTime(current: string | undefined, requested: string | null | undefined): string | undefined {
  if (requested === undefined) return current;
  if (requested === null || requested === '') {
    if (current !== undefined) throw new HttpError(400, 'Custom time cannot be removed.', 'invalid');
    return undefined;
  }
  const next = parseCustomTime(requested);
  if (current !== undefined && Date.parse(next) < Date.parse(current)) {
    throw new HttpError(
      400,
      `Custom time cannot be decreased. Previously: ${nanos(current)}. Attempting to set: ${nanos(next)}.`,
      'invalid',
    );
  }
  return next;
}

/** An RFC 3339 date-time, canonicalized; 400 otherwise (the JSON API's answer to a malformed datetime field). */
export function parseCustomTime(value: string): string {
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value) && !Number.isNaN(Date.parse(value));
  if (!ok) throw new HttpError(400, `Invalid value for customTime: ${value}`, 'invalid');
  return new Date(Date.parse(value)).toISOString();
}
