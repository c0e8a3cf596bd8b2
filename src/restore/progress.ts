/**
 * Where a restore run by the deployed function keeps its progress, in the state bucket: one record per
 * restore id (`restores/<id>`: the request, the catalog cursor, whether the whole catalog was walked,
 * counts per outcome of what the invocations handled themselves, how many objects went to tasks, the
 * first problem lines), and, in tasks mode, one small marker per object a task handled
 * (`restores/<id>/objects/<task id>`: its outcome). Markers rather than a shared counter: Cloud Storage
 * takes about one write per second per object name, and tasks finish many at a time. The marker is also
 * the object's lease (written before its write, `running` until it ends), so a duplicated dispatch of
 * the same task finds it and writes nothing. `readProgress` sums record and markers: what `restore
 * --remote` prints and the route answers. A request that names no time (restore the newest state) also
 * points at its newest restore (`restores/latest/…`), so posting it again continues that one while it is
 * unfinished.
 */
import type { CallScope } from '../core/gateway.js';
import type { StateStore, Versioned } from '../state/store.js';
import type { RestoreSpec } from './request.js';

export interface RestoreRecord {
  v: 1;
  id: string;
  spec: RestoreSpec & { atMs: number };
  sourceBucket: string;
  /** `tasks`: one task per object; `direct`: the invocations restore the objects themselves. */
  mode: 'direct' | 'tasks';
  /** The catalog key (src/drive/object-path.ts `sourceKey`) of the last object handled: the next call starts after it. */
  cursor?: string;
  /** The whole catalog was walked: nothing is left to list. */
  listed: boolean;
  /** Outcomes (src/restore/outcome.ts statuses) of objects handled by the invocations themselves. */
  counts: Record<string, number>;
  /** Objects handed to tasks. */
  enqueued: number;
  bytes: number;
  /** The first problem lines (already escaped for a terminal), at most PROBLEM_LINES. */
  problems: string[];
  startedAt: string;
  updatedAt: string;
}

/** One task's object: `running` while its lease holds, then its outcome. */
export interface ObjectMarker {
  status: string;
  name: string;
  leaseUntil?: string;
  /** Running, released because Drive refused the download for now: Drive's reason. */
  waiting?: string;
  bytes?: number;
  line?: string;
  problem?: boolean;
}

export interface RestoreProgress {
  id: string;
  /** Every object is handled: the catalog was walked and every task ended. */
  done: boolean;
  listed: boolean;
  counts: Record<string, number>;
  /** Objects handed to tasks whose task has not ended yet. */
  remaining: number;
  /** Of those, tasks waiting for Drive to lift a download limit (quota, rate), to be retried by Cloud Tasks. */
  waiting: number;
  handled: number;
  problemCount: number;
  bytes: number;
  problems: string[];
}

export const PROBLEM_LINES = 8;
export const PROBLEM_CHARS = 400;
/** Of a longer line, its start (status and name) and its end (what to do), the middle left out. */
const HEAD_CHARS = 120;

/** A problem line as the record keeps it: at most PROBLEM_CHARS, keeping its end, where it says what to do. Pure. */
export function clipProblem(line: string): string {
  if (line.length <= PROBLEM_CHARS) return line;
  return `${line.slice(0, HEAD_CHARS)} … ${line.slice(line.length - (PROBLEM_CHARS - HEAD_CHARS - 3))}`;
}

export const recordKey = (id: string): string => `restores/${id}`;
export const markerKey = (id: string, task: string): string => `restores/${id}/objects/${task}`;
/** The newest restore of a request that named no time (`latest/<id of the request without a time>`: `{ id }`). */
export const latestKey = (requestId: string): string => `restores/latest/${requestId}`;

/** Adds one outcome to the record's counts (and its problem line, while there is room). Pure. */
export function countOutcome(record: RestoreRecord, outcome: { status: string; bytes?: number; problem: boolean; line: string }): void {
  record.counts[outcome.status] = (record.counts[outcome.status] ?? 0) + 1;
  record.bytes += outcome.bytes ?? 0;
  if (outcome.problem && record.problems.length < PROBLEM_LINES) record.problems.push(clipProblem(outcome.line));
}

/** The progress of a record and its tasks' markers. Pure. */
export function progressOf(record: RestoreRecord, markers: readonly ObjectMarker[]): RestoreProgress {
  const counts: Record<string, number> = { ...record.counts };
  const problems = [...record.problems];
  let finished = 0;
  let bytes = record.bytes;
  let waiting = 0;
  for (const marker of markers) {
    if (marker.status === 'running') {
      if (marker.waiting !== undefined) waiting++;
      continue;
    }
    finished++;
    counts[marker.status] = (counts[marker.status] ?? 0) + 1;
    bytes += marker.bytes ?? 0;
    if (marker.problem && marker.line !== undefined && problems.length < PROBLEM_LINES) problems.push(clipProblem(marker.line));
  }
  const remaining = Math.max(0, record.enqueued - finished);
  const handled = Object.values(counts).reduce((a, b) => a + b, 0);
  const problemCount = Object.entries(counts)
    .filter(([status]) => !FINE.has(status) && !(status === 'restore' && record.spec.dryRun))
    .reduce((a, [, n]) => a + n, 0);
  return {
    id: record.id,
    done: record.listed && remaining === 0,
    listed: record.listed,
    counts,
    remaining,
    waiting,
    handled,
    problemCount,
    bytes,
    problems,
  };
}

const FINE = new Set(['restored', 'exists', 'deleted-before-T']);

/** The progress record store of one restore. */
export class RestoreRecords {
  constructor(
    private readonly store: StateStore,
    private readonly scope: () => CallScope = () => ({}),
  ) {}

  read(id: string): Promise<Versioned<RestoreRecord> | undefined> {
    return this.store.read<RestoreRecord>(recordKey(id), this.scope());
  }

  /** Creates the record; the existing one when a same request made it first. */
  async open(record: RestoreRecord): Promise<Versioned<RestoreRecord>> {
    const created = await this.store.create(recordKey(record.id), record, this.scope());
    if (created) return created;
    const existing = await this.read(record.id);
    if (!existing) throw new Error(`the record of restore ${record.id} could be neither created nor read`);
    return existing;
  }

  /** Saves the record over `version`; the new version, or undefined when another call changed it first. */
  async save(record: RestoreRecord, version: string): Promise<string | undefined> {
    record.updatedAt = new Date().toISOString();
    return (await this.store.replace(recordKey(record.id), record, version, this.scope()))?.version;
  }

  async markers(id: string): Promise<ObjectMarker[]> {
    const out: ObjectMarker[] = [];
    for await (const page of this.store.list(`${recordKey(id)}/objects/`, this.scope())) {
      for (const item of page) {
        if (item.raw === undefined) continue;
        try {
          out.push(JSON.parse(item.raw) as ObjectMarker);
        } catch {
          // Not ours: skipped.
        }
      }
    }
    return out;
  }

  readMarker(id: string, task: string): Promise<Versioned<ObjectMarker> | undefined> {
    return this.store.read<ObjectMarker>(markerKey(id, task), this.scope());
  }

  createMarker(id: string, task: string, marker: ObjectMarker): Promise<Versioned<ObjectMarker> | undefined> {
    return this.store.create(markerKey(id, task), marker, this.scope());
  }

  replaceMarker(id: string, task: string, marker: ObjectMarker, version: string): Promise<Versioned<ObjectMarker> | undefined> {
    return this.store.replace(markerKey(id, task), marker, version, this.scope());
  }

  /**
   * The unfinished restore a request naming no time started (`requestId`: the id of that request without
   * a time), so posting it again continues it rather than starting over as of a new now; undefined when
   * there is none, or it is done (the same request is then a new restore of the newest state).
   */
  async unfinished(requestId: string): Promise<Versioned<RestoreRecord> | undefined> {
    const latest = await this.store.read<{ id: string }>(latestKey(requestId), this.scope());
    const record = latest ? await this.read(latest.value.id) : undefined;
    if (!record) return undefined;
    const markers = record.value.mode === 'tasks' ? await this.markers(record.value.id) : [];
    return progressOf(record.value, markers).done ? undefined : record;
  }

  /** Records `id` as the newest restore of the request `requestId` (one that named no time). */
  async setLatest(requestId: string, id: string): Promise<void> {
    const key = latestKey(requestId);
    if (await this.store.create(key, { id }, this.scope())) return;
    const existing = await this.store.read<{ id: string }>(key, this.scope());
    // Lost to a concurrent same request: the newest wins, either is fine to continue.
    if (existing) await this.store.replace(key, { id }, existing.version, this.scope());
  }

  async progress(id: string): Promise<RestoreProgress | undefined> {
    const record = await this.read(id);
    if (!record) return undefined;
    return progressOf(record.value, record.value.mode === 'tasks' ? await this.markers(id) : []);
  }
}
