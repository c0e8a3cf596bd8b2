/**
 * The event function's one decision about Eventarc: acknowledge the event (return: Eventarc forgets it) or
 * throw it back (Eventarc retries it with backoff for up to 24 h). Kept apart from handle-event.ts, which
 * does the IO, so every way an event can end is named in one place and table-tested on its own. Input we
 * can never use (malformed, of another type, for a bucket this deployment does not back up) is
 * acknowledged, never retried forever; a configuration error is retried until the operator fixes it; a
 * failed backup, enqueue or deletion record goes as the failure table says. Pure.
 */
import { FAILURE_TABLE } from '../core/failure-table.js';
import type { FailureKind } from '../core/failure.js';

/** How handling an event ended. */
export type EventEnd =
  | { readonly kind: 'malformed' }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'state-bucket' }
  | { readonly kind: 'bucket-refused' }
  | { readonly kind: 'config-invalid' }
  | { readonly kind: 'done' }
  | { readonly kind: 'failed'; readonly failure: FailureKind };

export type EventFate = 'acknowledge' | 'retry';

export function eventFate(end: EventEnd): EventFate {
  switch (end.kind) {
    case 'malformed':
    case 'ignored':
    case 'state-bucket':
    case 'bucket-refused':
    case 'done':
      return 'acknowledge';
    case 'config-invalid':
      return 'retry';
    case 'failed':
      return FAILURE_TABLE[end.failure].event;
  }
}
