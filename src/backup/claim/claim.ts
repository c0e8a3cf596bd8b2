/**
 * Exactly-once, the IO part: acquires the right to upload one object generation by writing its record in
 * the state bucket with preconditions (see plan.ts for the decisions and why they are safe), and
 * writes the owner's later changes to it (`changeRecord`, `releaseClaim`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClassifiedError, Failure } from '../../core/failure.js';
import type { CallScope } from '../../core/gateway.js';
import { compareGenerations, type GenerationFacts } from '../../core/object-ref.js';
import type { DriveProbe } from '../../drive/files.js';
import { sourceKey } from '../../drive/object-path.js';
import { advanceHistory, fitRecord, spillKey, type RecordedSource, type SpilledHistory } from '../../state/history.js';
import type { StateStore, Versioned } from '../../state/store.js';
import { freshRecord, nextRecord, planClaim, type ObjectRecord, type RecordChange } from './plan.js';

/** Another instance is uploading this object right now; the event is retried later. */
export class ObjectBusyError extends Error implements ClassifiedError {
  readonly failure: Failure;
  constructor(readonly until: number) {
    super(`another instance is uploading this object (lease until ${new Date(until).toISOString()}); will retry`);
    this.failure = { kind: 'busy', service: 'state', reason: this.message };
  }
}

export type ClaimResult =
  | { kind: 'settled'; reason: 'duplicate' | 'superseded' | 'exists'; record: ObjectRecord }
  | { kind: 'owned'; record: Versioned<ObjectRecord> };

export function objectRecordKey(bucket: string, name: string, generation: string | undefined): string {
  const id = sourceKey(bucket, name);
  return generation === undefined ? `objects/${id}` : `objects/${id}-${generation}`;
}

export interface ClaimOptions {
  store: StateStore;
  key: string;
  generation: string;
  mode: 'revision' | 'copy' | 'skip';
  me: string;
  /** Hex MD5 of the generation when Cloud Storage has one (a landed copy must match it). */
  expectedMd5Hex?: string;
  /** The lease taken, counted from the moment the record is written. */
  leaseMs: number;
  newFileId: () => Promise<string>;
  probeDrive: (fileId: string) => Promise<DriveProbe>;
  /** How long to wait for a live lease to end before giving up with ObjectBusyError. */
  waitMs: number;
  /**
   * The caller knows Drive lacks this object (reconcile): when the recorded backup is gone from Drive or
   * in its trash, start a new file instead of trusting the record.
   */
  restoreMissing?: boolean;
  /** The invocation's deadline and retry counting, for the state bucket's calls. */
  scope?: CallScope;
  now?: () => number;
  /** The object and the facts of `generation`: the claim writes them into the record's history. */
  source?: RecordedSource;
  facts?: GenerationFacts;
}

/**
 * The record with its history fitted to the record's budget: what does not fit is first written to a
 * spill object beside it (src/state/history.ts), so the record write that drops it loses nothing.
 */
export async function fitted(store: StateStore, key: string, record: ObjectRecord, scope?: CallScope): Promise<ObjectRecord> {
  const { record: fit, moved } = fitRecord(record);
  if (moved) {
    const spilled: SpilledHistory = { ...(record.source ? { source: record.source } : {}), entries: moved };
    const text = JSON.stringify(spilled);
    await store.createText(spillKey(key, text), text, scope);
  }
  return fit;
}

export async function claimObject(o: ClaimOptions): Promise<ClaimResult> {
  const now = o.now ?? Date.now;
  const started = now();
  // A new object is the common case: try to create its record first (one request), read it only if it exists.
  let tryCreate = true;
  for (let round = 0; round < 1000; round++) {
    if (tryCreate) {
      // An id whose create "failed" is never reused: the storage client retries the create itself, so a
      // 412 may hide our own success (the record then holds this very id).
      const history = { ...(o.source ? { source: o.source } : {}), ...(o.facts ? { pending: o.facts } : {}) };
      const fresh = await fitted(o.store, o.key, freshRecord(o.generation, await o.newFileId(), o.me, now() + o.leaseMs, history), o.scope);
      const created = await o.store.create(o.key, fresh, o.scope);
      if (created) return { kind: 'owned', record: created };
      tryCreate = false;
    }
    const current = await o.store.read<ObjectRecord>(o.key, o.scope);
    if (!current) {
      tryCreate = true;
      continue;
    }
    const input = {
      record: current.value,
      generation: o.generation,
      expectedMd5Hex: o.expectedMd5Hex,
      mode: o.mode,
      me: o.me,
      now: now(),
      leaseUntil: now() + o.leaseMs,
      source: o.source,
      facts: o.facts,
    };
    let probe: DriveProbe | undefined;
    if (o.restoreMissing && compareGenerations(current.value.generation, o.generation) <= 0) {
      probe = await o.probeDrive(current.value.fileId);
      const lost = probe === 'absent' || probe.trashed === true;
      const free =
        current.value.owner === o.me || current.value.leaseUntil <= now() || current.value.status === 'done' || probe !== 'absent';
      if (lost && free) {
        const history = advanceHistory({ ...current.value, source: current.value.source ?? o.source }, o.facts, probe);
        const fresh = freshRecord(o.generation, await o.newFileId(), o.me, now() + o.leaseMs, history);
        const restored = await o.store.replace(o.key, await fitted(o.store, o.key, fresh, o.scope), current.version, o.scope);
        if (restored) return { kind: 'owned', record: restored };
        continue;
      }
    }
    let plan = planClaim({ ...input, drive: probe });
    if (plan.action === 'probe-drive') plan = planClaim({ ...input, drive: await o.probeDrive(current.value.fileId) });
    switch (plan.action) {
      case 'settled':
        return { kind: 'settled', reason: plan.reason, record: current.value };
      case 'busy':
        if (now() - started >= o.waitMs) throw new ObjectBusyError(plan.until);
        await sleep(Math.min(500, Math.max(50, plan.until - now())));
        continue;
      case 'take': {
        const record = plan.newFile ? nextRecord(plan.record, { kind: 'new-file', fileId: await o.newFileId() }) : plan.record;
        const taken = await o.store.replace(o.key, await fitted(o.store, o.key, record, o.scope), current.version, o.scope);
        if (taken) return { kind: 'owned', record: taken };
        continue;
      }
      case 'probe-drive':
        throw new Error('claim planning asked for Drive twice');
    }
  }
  throw new Error('could not claim the object record (too much contention)');
}

/**
 * Writes `changes` to the owned record (compare-and-swap); ObjectBusyError when another instance took the
 * record over meanwhile (its lease ran out).
 */
export async function changeRecord(
  store: Pick<StateStore, 'replace'>,
  key: string,
  owned: Versioned<ObjectRecord>,
  changes: readonly RecordChange[],
  scope?: CallScope,
): Promise<Versioned<ObjectRecord>> {
  const saved = await store.replace(key, changes.reduce(nextRecord, owned.value), owned.version, scope);
  if (!saved) throw new ObjectBusyError(Date.now());
  return saved;
}

/**
 * Writes `changes` to the record this invocation owns as it is now (re-read: a resumable upload may have
 * written it since); ObjectBusyError when another instance took it over.
 */
export async function changeOwnedRecord(
  store: StateStore,
  key: string,
  me: string,
  changes: readonly RecordChange[],
  scope?: CallScope,
): Promise<Versioned<ObjectRecord>> {
  const current = await store.read<ObjectRecord>(key, scope);
  if (!current || current.value.owner !== me) throw new ObjectBusyError(current?.value.leaseUntil ?? Date.now());
  // A change that changes nothing is not written (every write of a record counts against its 1 write/s).
  if (JSON.stringify(changes.reduce(nextRecord, current.value)) === JSON.stringify(current.value)) return current;
  return changeRecord(store, key, current, changes, scope);
}

/** Gives up the lease after a failure so the retried event does not wait for it (best effort). */
export async function releaseClaim(
  store: StateStore,
  key: string,
  me: string,
  changes: readonly RecordChange[] = [],
  scope?: CallScope,
): Promise<void> {
  const current = await store.read<ObjectRecord>(key, scope);
  if (!current || current.value.owner !== me) return;
  await store.replace(key, [...changes, { kind: 'lease', until: 0 } as const].reduce(nextRecord, current.value), current.version, scope);
}
