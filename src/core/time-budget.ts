/**
 * A per-invocation time budget. An event function is killed at its timeout, so long work (a resumable
 * upload, a reconcile page) asks the deadline before starting another step and checkpoints instead of
 * being cut off mid-way. Pure: the clock is injected.
 */

export interface Deadline {
  /** Milliseconds left in the budget, never negative. */
  remainingMs(): number;
  /** True once the budget is used up. */
  expired(): boolean;
  /** True when a step expected to take `estimatedMs` fits in what is left. */
  canStart(estimatedMs: number): boolean;
}

/** Starts a budget of `budgetMs` now (as told by `now`, milliseconds). */
export function createDeadline(budgetMs: number, now: () => number = Date.now): Deadline {
  if (!Number.isFinite(budgetMs) || budgetMs < 0) {
    throw new RangeError(`budgetMs must be a finite number >= 0, got ${budgetMs}`);
  }
  const endsAt = now() + budgetMs;
  const remainingMs = (): number => Math.max(0, endsAt - now());
  return {
    remainingMs,
    expired: () => remainingMs() <= 0,
    canStart: (estimatedMs: number) => {
      if (Number.isNaN(estimatedMs)) return false;
      const remaining = remainingMs();
      return remaining > 0 && Math.max(0, estimatedMs) <= remaining;
    },
  };
}
