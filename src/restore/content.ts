/**
 * One backed-up generation's bytes, read from Drive in order and hashed as they pass (MD5, and CRC32C
 * unless the caller does without: computed in JavaScript it costs about five times MD5's CPU, and a copy
 * whose MD5 equals the recorded one, Drive's and Cloud Storage's is proven without it), in pieces of at most `PIECE_BYTES`: memory stays constant at any size. A read cut
 * mid-body continues at its next byte (src/backup/upload/source-reader.ts, over src/restore/drive-download.ts).
 */
import { CRC32C } from '@google-cloud/storage';
import { createHash } from 'node:crypto';
import { SourceReader } from '../backup/upload/source-reader.js';
import type { CallScope } from '../core/gateway.js';
import { garbageCollectorFor } from '../core/memory.js';
import type { DriveGateway } from '../drive/gateway.js';
import { openDownload, type DownloadSource } from './drive-download.js';

/** The largest piece handed on at once. */
export const PIECE_BYTES = 1 << 20;

/**
 * The restore's collector bounds, tighter than the backup's defaults. Read buffers still held in the pipes
 * between the Drive download and the upload when young collections come reach the old generation and die
 * there, where only a full collection frees them (inferred: the buffers' memory climbed to the full bound);
 * with the defaults the process kept up to the 32 MiB full bound of them, and resident memory follows the
 * buffers' peak (the allocator keeps freed pages for reuse). Measured with `process.memoryUsage()` sampled
 * every 10 ms in the command, 1 GiB restored, loaded machine: growth 44.7 MiB, of it 34.9 MiB
 * `arrayBuffers` and 3.3 MiB heap (so not the young generation; `--max-semi-space-size` cannot be set once
 * V8 runs anyway); with these bounds 16.6 MiB (10.1 MiB buffers) and no more CPU (6.3 s against 11.8 s: a
 * full collection of the command's small heap takes milliseconds). `npm run bench -- restore`: peak growth
 * 42.9 MiB at most on 1 GiB, was 68.6 (docs/benchmarks.md).
 */
const RESTORE_COLLECTOR = { minorGrowthBytes: 1 << 20, majorGrowthBytes: 8 << 20, checkEveryBytes: 512 << 10 } as const;

let collector: ((bytes: number) => void) | undefined;
/**
 * Frees read buffers as they die, where `gc` is exposed (src/core/memory.ts): one collector for every
 * download of the process, made at the first byte (not per object: it reads the process's memory).
 */
const collect = (bytes: number): void => (collector ??= garbageCollectorFor(RESTORE_COLLECTOR))(bytes);

/** The hashes of the bytes read, as Cloud Storage writes them (base64) and Drive (MD5 in hex). */
export interface ContentHashes {
  readonly md5Base64: string;
  readonly md5Hex: string;
  /** Absent when not computed. */
  readonly crc32c?: string;
  readonly bytes: number;
}

export class RestoredContent {
  private readonly md5 = createHash('md5');
  private readonly crc: CRC32C | undefined;
  private read = 0;
  private readonly reader: SourceReader | undefined;

  constructor(
    drive: DriveGateway,
    source: DownloadSource,
    private readonly size: number,
    scope: CallScope = {},
    idleMs?: number,
    hashCrc32c = true,
  ) {
    this.crc = hashCrc32c ? new CRC32C() : undefined;
    // An empty object has nothing to download: Drive would answer a Range past its end 416.
    this.reader = size > 0 ? new SourceReader((offset) => openDownload(drive, source, offset, scope, idleMs), 0, size) : undefined;
  }

  /** The bytes, in order, each piece hashed before it is handed on. */
  async *pieces(): AsyncGenerator<Buffer> {
    try {
      while (this.reader && this.read < this.size) {
        const piece = await this.reader.next(Math.min(PIECE_BYTES, this.size - this.read));
        this.md5.update(piece);
        this.crc?.update(piece);
        this.read += piece.length;
        collect(piece.length);
        yield piece;
      }
    } finally {
      this.reader?.dispose();
    }
  }

  /** Where reads were opened (0 first, then the byte after each cut). */
  get opens(): readonly number[] {
    return this.reader?.opens ?? [];
  }

  private done: ContentHashes | undefined;

  /** Once every piece was read. */
  hashes(): ContentHashes {
    if (!this.done) {
      const digest = this.md5.digest();
      const crc32c = this.crc?.toString();
      this.done = {
        md5Base64: digest.toString('base64'),
        md5Hex: digest.toString('hex'),
        ...(crc32c !== undefined ? { crc32c } : {}),
        bytes: this.read,
      };
    }
    return this.done;
  }
}
