/**
 * Optional persistence of the emulators' state in a directory (`startEmulators({ dataDir })`,
 * `npm run emulators -- --data-dir DIR`): `DIR/state.json` (every emulator's snapshot, replaced atomically:
 * temp file + rename) and `DIR/blobs/<sha256>` (each distinct content once, never rewritten). Loaded when
 * the emulators start; saved shortly after every request (debounced, so a burst is one write and a crash
 * loses at most the last moment), on `save()` and on `stop()`. Nothing is written when nothing changed.
 * One process per directory at a time (`DIR/lock`). The files hold secrets and tokens in clear: mode 0600/0700.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Blob } from './harness/blob.js';
import { BlobDirectory } from './persistence/blob-directory.js';
import { lockDirectory } from './persistence/dir-lock.js';
import type { BlobLookup, BlobRefs, Persistable } from './persistence/persistable.js';
import { composeStateFile, parseStateFile } from './persistence/state-file.js';

export const STATE_FILE = 'state.json';
export const BLOBS_DIR = 'blobs';
export const DEFAULT_SAVE_DELAY_MS = 200;

export interface PersistenceOptions {
  /** Debounce between a change and its save. Default 200 ms. */
  saveDelayMs?: number;
  /** Failures of background saves (a failing `save()`/`close()` rejects instead). */
  onError?: (err: Error) => void;
}

export class StatePersistence {
  private timer?: NodeJS.Timeout;
  /** Saves run one after another. */
  private chain: Promise<void> = Promise.resolve();
  private lastWritten?: string;
  private closed = false;
  private closing?: Promise<void>;

  private constructor(
    readonly dir: string,
    private readonly parts: Readonly<Record<string, Persistable>>,
    private readonly blobs: BlobDirectory,
    private readonly options: PersistenceOptions,
    private readonly unlock: () => Promise<void>,
  ) {}

  /** Creates `dir` if missing, restores the saved state into `parts` (if any), then saves once. */
  static async open(dir: string, parts: Record<string, Persistable>, options: PersistenceOptions = {}): Promise<StatePersistence> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const unlock = await lockDirectory(dir);
    try {
      for (const name of await readdir(dir)) {
        if (name.startsWith(`${STATE_FILE}.`) && name.endsWith('.tmp')) await unlink(join(dir, name)).catch(() => undefined);
      }
      const persistence = new StatePersistence(dir, parts, await BlobDirectory.open(join(dir, BLOBS_DIR)), options, unlock);
      await persistence.load();
      await persistence.save();
      return persistence;
    } catch (err) {
      await unlock();
      throw err;
    }
  }

  /** Saves `saveDelayMs` after the first change not saved yet. */
  schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.save().catch((err: unknown) => this.options.onError?.(err as Error));
    }, this.options.saveDelayMs ?? DEFAULT_SAVE_DELAY_MS);
    this.timer.unref();
  }

  /** Saves now (after any save in progress). */
  save(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const run = this.chain.then(() => this.write());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Final save, then releases the directory; later changes are not saved. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= this.save().finally(() => this.unlock());
    return this.closing;
  }

  private get statePath(): string {
    return join(this.dir, STATE_FILE);
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.statePath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    let state;
    try {
      state = parseStateFile(text);
    } catch (err) {
      throw new Error(`${this.statePath}: ${(err as Error).message}`, { cause: err });
    }
    const loaded: Blob[] = [];
    for (const id of state.blobs) loaded.push(await this.blobs.read(id));
    const lookup: BlobLookup = {
      get: (ref) => {
        const blob = Number.isInteger(ref) ? loaded[ref] : undefined;
        if (!blob) throw new Error(`${this.statePath}: unknown blob reference ${String(ref)}`);
        return blob;
      },
    };
    for (const [name, part] of Object.entries(this.parts)) {
      if (state.parts[name] !== undefined) part.restore(state.parts[name], lookup);
    }
    this.lastWritten = text;
  }

  private async write(): Promise<void> {
    // Snapshot and serialize synchronously (a consistent state), then store the new contents.
    const pending: Blob[] = [];
    const indexOf = new Map<Blob, number>();
    const refs: BlobRefs = {
      ref(blob) {
        let index = indexOf.get(blob);
        if (index === undefined) {
          index = pending.push(blob) - 1;
          indexOf.set(blob, index);
        }
        return index;
      },
    };
    const snapshot: Record<string, unknown> = {};
    for (const [name, part] of Object.entries(this.parts)) snapshot[name] = part.snapshot(refs);
    const partsJson = JSON.stringify(snapshot);

    const ids: string[] = [];
    for (const blob of pending) ids.push(await this.blobs.store(blob));
    const text = composeStateFile(ids, partsJson);
    if (text !== this.lastWritten) {
      const temp = `${this.statePath}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(temp, text, { mode: 0o600 });
        await rename(temp, this.statePath);
      } catch (err) {
        await unlink(temp).catch(() => undefined);
        throw err;
      }
      this.lastWritten = text;
    }
    await this.blobs.removeUnreferenced(new Set(ids));
  }
}
