/**
 * The reconcile cursor of one (bucket, prefix): the last object name a run fully handled, kept in the
 * state bucket under `reconcile/<sourceKey(bucket, prefix)>` so the next run — the next Scheduler tick or
 * the next CLI call — continues after it. A finished run removes it, so the run after starts over.
 * Writes are compare-and-swap against what this run read: when another run moved the cursor meanwhile,
 * ours is not forced over it (both runs' objects are claimed exactly once either way).
 */
import type { CallScope } from '../core/gateway.js';
import { sourceKey } from '../drive/object-path.js';
import type { StateStore } from '../state/store.js';

interface CursorRecord {
  v: 1;
  bucket: string;
  prefix: string;
  after: string;
  savedAt: string;
}

export function cursorRecordKey(bucket: string, prefix: string): string {
  return `reconcile/${sourceKey(bucket, prefix)}`;
}

export class ReconcileCursorStore {
  private version: string | undefined;
  private readonly key: string;

  constructor(
    private readonly store: StateStore,
    private readonly bucket: string,
    private readonly prefix: string,
    /** The scope of each call (a fresh deadline per call on the command line). */
    private readonly scope: () => CallScope = () => ({}),
  ) {
    this.key = cursorRecordKey(bucket, prefix);
  }

  async read(): Promise<string | undefined> {
    const record = await this.store.read<CursorRecord>(this.key, this.scope());
    this.version = record?.version;
    return record?.value.after;
  }

  /** True when saved; false when another run changed the cursor since `read`. */
  async save(after: string): Promise<boolean> {
    const value: CursorRecord = { v: 1, bucket: this.bucket, prefix: this.prefix, after, savedAt: new Date().toISOString() };
    const saved =
      this.version === undefined
        ? await this.store.create(this.key, value, this.scope())
        : await this.store.replace(this.key, value, this.version, this.scope());
    this.version = saved?.version ?? this.version;
    return saved !== undefined;
  }

  async clear(): Promise<void> {
    await this.store.remove(this.key, this.scope());
    this.version = undefined;
  }
}
