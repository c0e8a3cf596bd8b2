/**
 * Content-addressed blob files: `DIR/<sha256 hex>`, one per distinct content, written once (temp file +
 * rename, so a file under its final name is always complete) and checked against its name when read back.
 * The id of a Blob is computed once per Blob object, so saving an unchanged state hashes and writes nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Blob } from '../harness/blob.js';
import { BLOB_ID } from './state-file.js';

const TEMP_SUFFIX = '.tmp';

/** Blob → SHA-256 hex, across every directory of this process (Blobs are immutable). */
const knownIds = new WeakMap<Blob, string>();

export async function blobId(blob: Blob): Promise<string> {
  const known = knownIds.get(blob);
  if (known) return known;
  const hash = createHash('sha256');
  for await (const chunk of blob.stream()) hash.update(chunk as Buffer);
  const id = hash.digest('hex');
  knownIds.set(blob, id);
  return id;
}

export class BlobDirectory {
  /** Ids whose file exists under their final name. */
  private readonly onDisk = new Set<string>();

  private constructor(readonly dir: string) {}

  /** Creates the directory if needed; removes temp files a crash left behind. */
  static async open(dir: string): Promise<BlobDirectory> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const blobs = new BlobDirectory(dir);
    for (const name of await readdir(dir)) {
      if (BLOB_ID.test(name)) blobs.onDisk.add(name);
      else if (name.endsWith(TEMP_SUFFIX)) await unlink(join(dir, name)).catch(() => undefined);
    }
    return blobs;
  }

  /** Writes the content unless a file with its id exists; returns the id. */
  async store(blob: Blob): Promise<string> {
    const id = await blobId(blob);
    if (this.onDisk.has(id)) return id;
    const temp = join(this.dir, `${id}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
    try {
      await pipeline(blob.stream(), createWriteStream(temp, { mode: 0o600 }));
      await rename(temp, join(this.dir, id));
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    this.onDisk.add(id);
    return id;
  }

  /** The content of `id`, read into memory; throws when missing or when it does not hash to its name. */
  async read(id: string): Promise<Blob> {
    if (!BLOB_ID.test(id)) throw new Error(`invalid blob id ${JSON.stringify(id)}`);
    const content = await readFile(join(this.dir, id));
    const actual = createHash('sha256').update(content).digest('hex');
    if (actual !== id) throw new Error(`blob file ${join(this.dir, id)} is damaged (its SHA-256 is ${actual})`);
    const blob = Blob.fromBuffer(content);
    knownIds.set(blob, id);
    this.onDisk.add(id);
    return blob;
  }

  /** Deletes every blob file whose id is not in `keep`. */
  async removeUnreferenced(keep: ReadonlySet<string>): Promise<void> {
    for (const id of [...this.onDisk]) {
      if (keep.has(id)) continue;
      await unlink(join(this.dir, id)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      this.onDisk.delete(id);
    }
  }

  /** Ids of the blob files present (for tests and diagnostics). */
  ids(): string[] {
    return [...this.onDisk].sort();
  }
}
