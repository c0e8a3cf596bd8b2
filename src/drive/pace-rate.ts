/**
 * The adaptive pacer's arithmetic (drive/pacer.ts), pure: how fast one instance may start Drive writes,
 * from what Drive answered its last ones. Drive publishes no create rate; it refuses writes beyond it with
 * 403 `rateLimitExceeded` / `userRateLimitExceeded` or 429, and asks clients to back off exponentially
 * (https://developers.google.com/workspace/drive/api/guides/limits and …/guides/handle-errors). So:
 *
 * - a refusal multiplies the rate by `decrease` (once per burst of refusals: a refused call granted
 *   before the last decrease was sent at the old rate, and lowering again for it would overshoot), and
 *   holds every write until the server's `Retry-After` has passed;
 * - an accepted write adds `increase` writes per second, so after a refusal the rate climbs back in a
 *   few dozen writes, slowly enough that Drive's burst allowance refills meanwhile;
 * - the rate stays within [`floor`, `ceiling`] (DRIVE_WRITES_PER_SECOND, when set, is the ceiling).
 *
 * rclone's lib/pacer is the anchor (a sleep doubled on a retry, decayed by a quarter per success); the
 * difference is that this paces a rate, not one sleep between calls, so parallel workers share it, and it
 * reacts once per burst of refusals instead of once per refused call.
 */

/** What Drive refused a write with: the 403 reasons of its rate limits, or a 429. */
export type RefusalKind = 'rateLimitExceeded' | 'userRateLimitExceeded' | 'tooManyRequests';

export interface PaceSettings {
  /** Writes per second at start (after a long idle, the pacer's burst allows more at once). */
  start: number;
  /** Never slower than this, whatever Drive says (Retry-After aside). */
  floor: number;
  /** Never faster than this. */
  ceiling: number;
  /** Factor the rate is multiplied by on each kind of refusal. */
  decrease: Readonly<Record<RefusalKind, number>>;
  /** Writes per second added per accepted write. */
  increase: number;
}

export interface RateState {
  /** Writes per second. */
  rate: number;
  /** No write starts before this time (a Retry-After). */
  holdUntilMs: number;
  /** When the rate was last lowered; a refusal of a write granted before then does not lower it again. */
  lastDecreaseMs: number;
}

export type PaceEvent =
  | { kind: 'accepted' }
  | {
      kind: 'refused';
      refusal: RefusalKind;
      /** The server's Retry-After, if it sent one. */
      retryAfterMs?: number;
      /** When the refused write was let go by the pacer. */
      grantedAtMs: number;
    };

export function initialRate(settings: PaceSettings): RateState {
  return { rate: clamp(settings.start, settings), holdUntilMs: -Infinity, lastDecreaseMs: -Infinity };
}

/** The state after `event`, observed at `nowMs`. */
export function nextRate(state: RateState, event: PaceEvent, nowMs: number, settings: PaceSettings): RateState {
  if (event.kind === 'accepted') return { ...state, rate: clamp(state.rate * (1 + settings.increase), settings) };
  const holdUntilMs = Math.max(state.holdUntilMs, nowMs + (event.retryAfterMs ?? 0));
  if (event.grantedAtMs < state.lastDecreaseMs) return { ...state, holdUntilMs };
  return { rate: clamp(state.rate * settings.decrease[event.refusal], settings), holdUntilMs, lastDecreaseMs: nowMs };
}

function clamp(rate: number, { floor, ceiling }: PaceSettings): number {
  return Math.min(ceiling, Math.max(floor, rate));
}
