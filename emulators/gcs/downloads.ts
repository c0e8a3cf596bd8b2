/**
 * What the Cloud Storage emulator served as media downloads: which generation, from which byte to which, and
 * when. A test reads it to tell where a client resumed a read after a cut (the `Range` it asked for), which
 * the per-route counters cannot say. Bounded: the oldest records go first.
 */

export interface DownloadRecord {
  bucket: string;
  name: string;
  generation: string;
  /** First byte served. */
  start: number;
  /** One past the last byte the reply promised (its `Content-Length` is `end - start`). */
  end: number;
  /** 200 for the whole object, 206 for a range. */
  status: 200 | 206;
  /** Wall-clock epoch ms when the reply started. */
  atMs: number;
}

const KEPT = 10_000;

export class DownloadLog {
  private records: DownloadRecord[] = [];

  record(download: DownloadRecord): void {
    this.records.push(download);
    if (this.records.length > KEPT) this.records.splice(0, this.records.length - KEPT);
  }

  /** Oldest first; only `bucket`/`name` when given. */
  list(filter: { bucket?: string; name?: string } = {}): DownloadRecord[] {
    return this.records
      .filter((d) => (filter.bucket ?? d.bucket) === d.bucket && (filter.name ?? d.name) === d.name)
      .map((d) => ({ ...d }));
  }

  clear(): void {
    this.records = [];
  }
}
