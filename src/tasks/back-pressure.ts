/**
 * Back-pressure for `DISPATCH=auto`: which way an event goes, straight to Drive or to the queue. An
 * instance whose direct backup Drive refused for rate (or for its daily upload limit) records so in the
 * state bucket, one record per queue with an expiry; every instance reads it through a short cache, so
 * the others enqueue at once instead of meeting the refusal themselves. When the record has expired and
 * the queue is empty (the backlog drained at the queue's pace), events go direct again.
 *
 * States: `direct` (no record, or an expired one and an empty queue) → `pressure` (a record in force:
 * enqueue) → `draining` (expired, tasks still queued: enqueue) → `direct`. The decision is pure
 * (`routeDecision`); the record is written with compare-and-swap, so of the instances refused together
 * one writes it (and the one log line); the clock is injected.
 *
 * Caching (`cacheUse`, pure): a record in force is trusted until it expires (nothing shortens one); the
 * absence of a record, and the queue's emptiness, for PRESSURE_CACHE_MS, so another instance's record
 * reaches a busy instance within a second. The event that finds "no record" older than that still goes
 * direct, and the read it owes answers the next ones: at once when the instance has other events in
 * flight, after its own backup when it is alone (`refresh`), so a quiet bucket's event never waits on,
 * nor shares its CPU with, a state read before its Drive write. Concurrent events share one read, and
 * once a record is known in force `raise` costs nothing.
 */
import type { CallScope } from '../core/gateway.js';
import type { StateStore } from '../state/store.js';
import type { BackupQueue } from './backup-queue.js';

export interface PressureRecord {
  sinceMs: number;
  /** Events are enqueued until then (and after, while the queue still holds tasks). */
  untilMs: number;
  /** The refusal that raised it (the failure's reason). */
  reason: string;
}

/** The record's key under STATE_PREFIX, per queue (its short name). */
export const pressureRecordKey = (queueShortName: string): string => `back-pressure/${queueShortName}`;

/** How long an instance trusts that there is no record in force, and what it read of the queue. */
export const PRESSURE_CACHE_MS = 1000;
/** Past PRESSURE_CACHE_MS and up to this, "no record" still routes direct while a read refreshes it. */
export const PRESSURE_STALE_MS = 30_000;

export type Route = 'direct' | 'enqueue';
export type PressureState = 'direct' | 'pressure' | 'draining';

/** Where an event goes, from the record and (once it has expired) whether the queue is empty. */
export function routeDecision(record: PressureRecord | undefined, nowMs: number, queueEmpty: boolean | undefined): Route | 'ask-queue' {
  if (record === undefined) return 'direct';
  if (record.untilMs > nowMs) return 'enqueue';
  if (queueEmpty === undefined) return 'ask-queue';
  return queueEmpty ? 'direct' : 'enqueue';
}

/** What an instance last read (of the record, or of the queue), and when. */
export interface Cached<T> {
  value: T;
  atMs: number;
}

/**
 * What an event does with what its instance last read of the record (undefined: never read): `cached`,
 * trust it; `refresh now`, "no record" gone stale: route on it and read again at once (the instance is
 * busy: the events in flight want the news); `refresh after`, the same on a quiet instance: route on it,
 * read once this event's backup is done (`BackPressure.refresh`); `read first`, wait for a read (nothing
 * known, an expired record, or "no record" older than PRESSURE_STALE_MS).
 */
export type CacheUse = 'cached' | 'refresh now' | 'refresh after' | 'read first';

export function cacheUse(cached: Cached<PressureRecord | undefined> | undefined, nowMs: number, busy: boolean): CacheUse {
  if (cached === undefined) return 'read first';
  if ((cached.value?.untilMs ?? -Infinity) > nowMs) return 'cached';
  const age = nowMs - cached.atMs;
  if (age < PRESSURE_CACHE_MS) return 'cached';
  if (cached.value === undefined && age < PRESSURE_STALE_MS) return busy ? 'refresh now' : 'refresh after';
  return 'read first';
}

export interface BackPressureOptions {
  store: StateStore;
  queue: BackupQueue;
  now?: () => number;
}

export class BackPressure {
  private readonly now: () => number;
  private readonly key: string;
  private record?: Cached<PressureRecord | undefined>;
  private queueEmpty?: Cached<boolean>;
  private reading?: Promise<PressureRecord | undefined>;
  private raising?: Promise<{ byThisCall: boolean; record: PressureRecord }>;

  constructor(private readonly options: BackPressureOptions) {
    this.now = options.now ?? Date.now;
    this.key = pressureRecordKey(options.queue.shortName);
  }

  /**
   * Where the next event goes; reads the record and the queue at most once per PRESSURE_CACHE_MS. `busy`
   * (default): the instance has other events in flight, so a stale "no record" is read again at once;
   * otherwise the caller runs `refresh` once its event is done.
   */
  async route(scope?: CallScope, { busy = true }: { busy?: boolean } = {}): Promise<Route> {
    const record = await this.current(scope, busy);
    const decision = routeDecision(record, this.now(), this.fresh(this.queueEmpty)?.value);
    if (decision !== 'ask-queue') return decision;
    const empty = await this.options.queue.isEmpty(scope);
    this.queueEmpty = { value: empty, atMs: this.now() };
    return empty ? 'direct' : 'enqueue';
  }

  /** What an instance would say now (the sandbox's panel, `POST /reconcile`'s answer): the record and its state. */
  async status(scope?: CallScope): Promise<{ state: PressureState; record?: PressureRecord }> {
    const record = await this.current(scope);
    if (record === undefined) return { state: 'direct' };
    if (record.untilMs > this.now()) return { state: 'pressure', record };
    return { state: (await this.route(scope)) === 'enqueue' ? 'draining' : 'direct', record };
  }

  /**
   * Drive refused a direct backup: events go to the queue for `forMs` from now, unless back-pressure is in
   * force already (its expiry stands). `byThisCall`: this instance wrote the record.
   */
  async raise(reason: string, forMs: number, scope?: CallScope): Promise<{ byThisCall: boolean; record: PressureRecord }> {
    const known = this.record?.value;
    if (known !== undefined && known.untilMs > this.now()) return { byThisCall: false, record: known };
    // Events refused together raise it once per instance: the others wait for that one's answer.
    if (this.raising !== undefined) return { byThisCall: false, record: (await this.raising).record };
    this.raising = this.write(reason, forMs, scope).finally(() => (this.raising = undefined));
    return this.raising;
  }

  private async write(reason: string, forMs: number, scope?: CallScope): Promise<{ byThisCall: boolean; record: PressureRecord }> {
    const { store } = this.options;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = this.now();
      const current = await store.read<PressureRecord>(this.key, scope);
      if (current !== undefined && current.value.untilMs > now) {
        this.record = { value: current.value, atMs: now };
        return { byThisCall: false, record: current.value };
      }
      const record: PressureRecord = { sinceMs: now, untilMs: now + forMs, reason };
      const written = current ? await store.replace(this.key, record, current.version, scope) : await store.create(this.key, record, scope);
      if (!written) continue; // another instance wrote first: read what it wrote
      this.record = { value: record, atMs: now };
      this.queueEmpty = undefined;
      return { byThisCall: true, record };
    }
    throw new Error(`could not record back-pressure for ${this.options.queue.shortName} (the record kept changing)`);
  }

  private async current(scope?: CallScope, busy = true): Promise<PressureRecord | undefined> {
    switch (cacheUse(this.record, this.now(), busy)) {
      case 'cached':
        return this.record!.value;
      case 'refresh now':
        void this.read(scope).catch(() => undefined); // this event goes direct; the read is for the next ones
        return undefined;
      case 'refresh after':
        return undefined;
      case 'read first':
        return this.read(scope);
    }
  }

  /**
   * Reads the record again unless what this instance knows of it is to be trusted (`cacheUse`): what an
   * event routed with `busy: false` owes the next ones, once its own backup is done. Never throws: a read
   * that fails leaves the cache as it was, and the next event tries again.
   */
  async refresh(scope?: CallScope): Promise<void> {
    if (cacheUse(this.record, this.now(), false) === 'cached') return;
    await this.read(scope).catch(() => undefined);
  }

  /** Resolves once no read of the record is under way (what `route` learnt in the background is in). */
  async settled(): Promise<void> {
    await this.reading?.catch(() => undefined);
  }

  private read(scope?: CallScope): Promise<PressureRecord | undefined> {
    this.reading ??= this.options.store
      .read<PressureRecord>(this.key, scope)
      .then((read) => {
        this.record = { value: read?.value, atMs: this.now() };
        return read?.value;
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private fresh<T>(cached: Cached<T> | undefined): Cached<T> | undefined {
    return cached !== undefined && this.now() - cached.atMs < PRESSURE_CACHE_MS ? cached : undefined;
  }
}

const MAX_ROUNDS = 10;
