/**
 * The backup queue's pause while Drive refuses uploads (DISPATCH=tasks): when Drive
 * answers its daily upload limit, the worker records in the state bucket when the queue may resume and
 * pauses it through Cloud Tasks; the scheduler's tick (`POST /reconcile`) resumes it once that time has
 * passed. A paused queue dispatches nothing, so no invocation is wasted while Drive says no.
 *
 * The record is the coordination point between the instances: it is written with compare-and-swap, so of
 * the workers that hit the limit together exactly one pauses the queue (and writes the one ERROR line),
 * and of concurrent ticks exactly one resumes it (and writes the one INFO line). The decisions are pure
 * (`pauseDecision`, `tickDecision`); the clock is injected.
 */
import type { CallScope } from '../core/gateway.js';
import type { BackupQueue } from './backup-queue.js';
import type { StateStore } from '../state/store.js';

export interface PauseRecord {
  pausedAtMs: number;
  /** The queue may resume from then on. */
  resumeAtMs: number;
  /** Why it was paused (the failure's reason). */
  reason: string;
  /** Set by the tick that resumed the queue: the record is history then. */
  resumedAtMs?: number;
}

/** The record's key under STATE_PREFIX, per queue (its short name). */
export const pauseRecordKey = (queueShortName: string): string => `queue-pause/${queueShortName}`;

/** Whether a worker that hit the limit pauses the queue, or finds it paused already (by a record still in force). */
export function pauseDecision(record: PauseRecord | undefined, nowMs: number): 'pause' | 'already-paused' {
  return record !== undefined && record.resumedAtMs === undefined && record.resumeAtMs > nowMs ? 'already-paused' : 'pause';
}

/** What the tick does: nothing (no pause in force), wait (not yet), or resume. */
export function tickDecision(record: PauseRecord | undefined, nowMs: number): 'running' | 'wait' | 'resume' {
  if (record === undefined || record.resumedAtMs !== undefined) return 'running';
  return record.resumeAtMs > nowMs ? 'wait' : 'resume';
}

export type PauseOutcome = { byThisCall: boolean; record: PauseRecord };
export type TickOutcome =
  | { state: 'running' }
  | { state: 'paused'; record: PauseRecord }
  /** This tick resumed the queue. */
  | { state: 'resumed'; record: PauseRecord }
  /** Another tick (or a new pause) changed the record first: it speaks for the queue. */
  | { state: 'raced' };

export interface QueuePauseOptions {
  store: StateStore;
  queue: BackupQueue;
  /** How long a pause lasts (UPLOAD_LIMIT_PAUSE_SEC). */
  pauseMs: number;
  now?: () => number;
}

const MAX_ROUNDS = 10;

export class QueuePause {
  private readonly now: () => number;
  private readonly key: string;

  constructor(private readonly options: QueuePauseOptions) {
    this.now = options.now ?? Date.now;
    this.key = pauseRecordKey(options.queue.shortName);
  }

  /** The pause record, if any (in force or history). */
  async read(scope?: CallScope): Promise<PauseRecord | undefined> {
    return (await this.options.store.read<PauseRecord>(this.key, scope))?.value;
  }

  /** Pauses the queue for `pauseMs` unless a pause is in force; `byThisCall` says which happened. */
  async pause(reason: string, scope?: CallScope): Promise<PauseOutcome> {
    const { store, queue, pauseMs } = this.options;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = this.now();
      const current = await store.read<PauseRecord>(this.key, scope);
      if (pauseDecision(current?.value, now) === 'already-paused' && current) return { byThisCall: false, record: current.value };
      const record: PauseRecord = { pausedAtMs: now, resumeAtMs: now + pauseMs, reason };
      const written = current ? await store.replace(this.key, record, current.version, scope) : await store.create(this.key, record, scope);
      if (!written) continue; // another worker wrote first: read what it wrote
      try {
        await queue.pause(scope);
      } catch (err) {
        // Not paused after all: leave no pause in force, so the next worker that hits the limit tries again.
        await store.replace(this.key, { ...record, resumedAtMs: now }, written.version, scope).catch(() => undefined);
        throw err;
      }
      return { byThisCall: true, record };
    }
    throw new Error(`could not record the pause of ${queue.shortName} (the record kept changing)`);
  }

  /** The scheduler's tick: resumes the queue when its pause is over. */
  async tick(scope?: CallScope): Promise<TickOutcome> {
    const { store, queue } = this.options;
    const now = this.now();
    const current = await store.read<PauseRecord>(this.key, scope);
    const decision = tickDecision(current?.value, now);
    if (decision === 'running' || !current) return { state: 'running' };
    if (decision === 'wait') return { state: 'paused', record: current.value };
    // Marked first, resumed second: a pause written meanwhile makes the mark fail, and that pause stands.
    const resumed: PauseRecord = { ...current.value, resumedAtMs: now };
    const marked = await store.replace(this.key, resumed, current.version, scope);
    if (!marked) return { state: 'raced' };
    try {
      await queue.resume(scope);
    } catch (err) {
      await store.replace(this.key, current.value, marked.version, scope).catch(() => undefined);
      throw err;
    }
    return { state: 'resumed', record: resumed };
  }
}
