/**
 * What Drive already holds for one bucket, compactly: for each `gdb.key` (40 hex chars, see
 * src/drive/object-path.ts) the newest `gdb.generation` backed up — and, with ON_NEW_GENERATION=copy, the
 * set of generations, since each is its own file. Built from the appProperties of the files one paged
 * Drive query returns; nothing else of a file is kept (no names, ids, folders), so the index costs about
 * 150 bytes per backed-up object (≈ 150 MB for a million) — the only part of a reconcile that grows
 * with the bucket. Pure.
 */
import { APP_PROPERTY } from '../drive/object-path.js';
import { compareGenerations } from '../core/object-ref.js';

export interface IndexScope {
  bucket: string;
  /** Files whose `gdb.object` shows a name outside the prefix are not kept. */
  prefix: string;
  /** Keep every generation (ON_NEW_GENERATION=copy), not only the newest. */
  everyGeneration: boolean;
}

export class DriveIndex {
  private readonly newest = new Map<string, string>();
  private readonly copies = new Set<string>();

  constructor(private readonly scope: IndexScope) {}

  /** Objects (keys) known. */
  get size(): number {
    return this.newest.size;
  }

  /** Records one Drive file by its appProperties; files of other buckets, prefixes or tools are ignored. */
  add(appProperties: Readonly<Record<string, string | null | undefined>> | null | undefined): void {
    const key = appProperties?.[APP_PROPERTY.key];
    const generation = appProperties?.[APP_PROPERTY.generation];
    if (!key || !generation || !/^[0-9]{1,19}$/.test(generation)) return;
    if (appProperties[APP_PROPERTY.bucket] !== this.scope.bucket) return;
    const name = appProperties[APP_PROPERTY.object];
    if (typeof name === 'string' && !name.startsWith(this.scope.prefix)) return;
    const known = this.newest.get(key);
    if (known === undefined || compareGenerations(generation, known) > 0) this.newest.set(key, generation);
    if (this.scope.everyGeneration) this.copies.add(`${key}#${generation}`);
  }

  /** The newest generation of `key` in Drive, if any. */
  newestGeneration(key: string): string | undefined {
    return this.newest.get(key);
  }

  /** Whether a file for exactly this generation exists (copy mode); else whether the newest is it. */
  holds(key: string, generation: string): boolean {
    if (this.scope.everyGeneration) return this.copies.has(`${key}#${generation}`);
    return this.newest.get(key) === generation;
  }
}
