/**
 * What Drive already holds for one bucket, compactly: for each `gdb.key` (40 hex chars, see
 * src/drive/object-path.ts) the newest `gdb.generation` backed up — and, with ON_NEW_GENERATION=copy, every
 * generation, since each is its own file. Built from the appProperties of the files one paged Drive query
 * returns; nothing else of a file is kept (no names, ids, folders). It is the only part of a reconcile
 * that grows with the bucket, so it lives outside the JavaScript heap: each entry is the key's 160 bits as
 * five 32-bit words plus the generation as an unsigned 64-bit integer, 28 bytes in typed arrays (≈ 27 MiB
 * for a million backed-up objects; a Map of strings cost several times that, and the garbage collector
 * walked it). Entries are appended while the listing pages arrive, then sorted once by (key, generation)
 * — and reduced to the newest generation per key unless every generation counts — so a lookup is a binary
 * search. Pure.
 */
import { APP_PROPERTY, objectNameOf } from '../drive/object-path.js';

export interface IndexScope {
  bucket: string;
  /** Files whose object name (whole or split, see `objectNameOf`) is outside the prefix are not kept. */
  prefix: string;
  /** Keep every generation (ON_NEW_GENERATION=copy), not only the newest. */
  everyGeneration: boolean;
}

const WORDS = 5;
const HEX_KEY = /^[0-9a-f]{40}$/;
const GENERATION = /^[0-9]{1,19}$/;
const INITIAL_CAPACITY = 1024;

export class DriveIndex {
  private words = new Uint32Array(WORDS * INITIAL_CAPACITY);
  private generations = new BigUint64Array(INITIAL_CAPACITY);
  private count = 0;
  /** Entries [0, sorted) are sorted and reduced; the ones after were added since. */
  private sorted = 0;
  private keys = 0;
  /** The words of the key being looked up (no allocation per lookup). */
  private readonly probe = new Uint32Array(WORDS);

  constructor(private readonly scope: IndexScope) {}

  /** Objects (keys) known. */
  get size(): number {
    this.compact();
    return this.keys;
  }

  /** Records one Drive file by its appProperties; files of other buckets, prefixes or tools are ignored. */
  add(appProperties: Readonly<Record<string, string | null | undefined>> | null | undefined): void {
    if (!appProperties) return;
    const key = appProperties[APP_PROPERTY.key];
    const generation = appProperties[APP_PROPERTY.generation];
    // Keys the product writes are 40 lowercase hex chars: any other could never match a lookup.
    if (typeof key !== 'string' || !HEX_KEY.test(key) || typeof generation !== 'string' || !GENERATION.test(generation)) return;
    if (appProperties[APP_PROPERTY.bucket] !== this.scope.bucket) return;
    const name = objectNameOf(appProperties);
    if (name !== undefined && !name.startsWith(this.scope.prefix)) return;
    if (this.count === this.generations.length) this.grow(Math.max(INITIAL_CAPACITY, this.count * 2));
    writeKey(key, this.words, this.count * WORDS);
    this.generations[this.count++] = BigInt(generation);
  }

  /** The newest generation of `key` in Drive, if any. */
  newestGeneration(key: string): string | undefined {
    const at = this.lastAtMost(key, MAX_GENERATION);
    return at === undefined ? undefined : String(this.generations[at]);
  }

  /** Whether a file for exactly this generation exists (copy mode); else whether the newest is it. */
  holds(key: string, generation: string): boolean {
    if (!GENERATION.test(generation)) return false;
    const wanted = BigInt(generation);
    const at = this.lastAtMost(key, this.scope.everyGeneration ? wanted : MAX_GENERATION);
    return at !== undefined && this.generations[at] === wanted;
  }

  /** The last entry ≤ (key, generation) that has this key; undefined when there is none. */
  private lastAtMost(key: string, generation: bigint): number | undefined {
    if (!HEX_KEY.test(key)) return undefined;
    this.compact();
    writeKey(key, this.probe, 0);
    let low = 0;
    let high = this.count; // entries before `low` are ≤ the probe, entries from `high` on are >
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.compareToProbe(mid, generation) <= 0) low = mid + 1;
      else high = mid;
    }
    return low > 0 && this.compareKeys(low - 1) === 0 ? low - 1 : undefined;
  }

  private compareKeys(entry: number): number {
    const base = entry * WORDS;
    for (let w = 0; w < WORDS; w++) {
      const d = this.words[base + w] - this.probe[w];
      if (d !== 0) return d;
    }
    return 0;
  }

  private compareToProbe(entry: number, generation: bigint): number {
    const byKey = this.compareKeys(entry);
    if (byKey !== 0) return byKey;
    const g = this.generations[entry];
    return g === generation ? 0 : g < generation ? -1 : 1;
  }

  /** Sorts the entries by (key, generation), keeping one per key (the newest) unless every generation counts. */
  private compact(): void {
    if (this.sorted === this.count) return;
    const { words, generations } = this;
    const order = new Uint32Array(this.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((a, b) => {
      for (let w = 0; w < WORDS; w++) {
        const d = words[a * WORDS + w] - words[b * WORDS + w];
        if (d !== 0) return d;
      }
      const x = generations[a];
      const y = generations[b];
      return x === y ? 0 : x < y ? -1 : 1;
    });
    const sameKey = (a: number, b: number) => {
      for (let w = 0; w < WORDS; w++) if (words[a * WORDS + w] !== words[b * WORDS + w]) return false;
      return true;
    };
    // Keep an entry unless the next one in order replaces it: same key (keeping only the newest), or the same file again.
    // The kept entries are moved to the front of `order` (never past the one being read).
    let kept = 0;
    let keys = 0;
    for (let i = 0; i < order.length; i++) {
      const entry = order[i];
      const next = i + 1 < order.length ? order[i + 1] : undefined;
      const lastOfKey = next === undefined || !sameKey(entry, next);
      if (lastOfKey) keys++;
      if (lastOfKey || (this.scope.everyGeneration && generations[entry] !== generations[next])) order[kept++] = entry;
    }
    this.words = new Uint32Array(kept * WORDS);
    this.generations = new BigUint64Array(kept);
    for (let i = 0; i < kept; i++) {
      const entry = order[i];
      this.words.set(words.subarray(entry * WORDS, entry * WORDS + WORDS), i * WORDS);
      this.generations[i] = generations[entry]!;
    }
    this.count = this.sorted = kept;
    this.keys = keys;
  }

  private grow(capacity: number): void {
    const words = new Uint32Array(capacity * WORDS);
    words.set(this.words.subarray(0, this.count * WORDS));
    const generations = new BigUint64Array(capacity);
    generations.set(this.generations.subarray(0, this.count));
    this.words = words;
    this.generations = generations;
  }
}

const MAX_GENERATION = 2n ** 64n - 1n;

/** The 40 hex chars of `key` as five 32-bit words at `words[at…]`. */
function writeKey(key: string, words: Uint32Array, at: number): void {
  for (let w = 0; w < WORDS; w++) words[at + w] = parseInt(key.slice(w * 8, w * 8 + 8), 16);
}
