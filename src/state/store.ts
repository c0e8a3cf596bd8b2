/**
 * Small JSON records kept in the operator's state bucket (never the watched source bucket), with
 * compare-and-swap through Cloud Storage preconditions. A record is an empty object whose custom
 * metadata holds the JSON, so one request reads value and version (`metageneration`), creation is
 * `ifGenerationMatch: 0` (only if absent) and updates are `ifMetagenerationMatch`.
 */
import type { Bucket } from '@google-cloud/storage';
import { isNotFound, isPreconditionFailed } from '../errors.js';

export interface Versioned<T> {
  value: T;
  /** The record object's metageneration: pass it back to `replace`. */
  version: string;
}

const FIELD = 'record';

export class StateStore {
  constructor(
    private readonly bucket: Bucket,
    private readonly prefix: string,
  ) {}

  private file(key: string) {
    return this.bucket.file(`${this.prefix}${key}`);
  }

  async read<T>(key: string): Promise<Versioned<T> | undefined> {
    try {
      const [metadata] = await this.file(key).getMetadata();
      const raw = metadata.metadata?.[FIELD];
      if (typeof raw !== 'string') return undefined;
      return { value: JSON.parse(raw) as T, version: String(metadata.metageneration) };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Creates the record only if absent; undefined when it already exists. */
  async create<T>(key: string, value: T): Promise<Versioned<T> | undefined> {
    const file = this.file(key);
    try {
      await file.save('', {
        resumable: false,
        validation: false,
        contentType: 'application/json',
        metadata: { metadata: { [FIELD]: JSON.stringify(value) } },
        preconditionOpts: { ifGenerationMatch: 0 },
      });
      return { value, version: String(file.metadata.metageneration ?? '1') };
    } catch (err) {
      if (isPreconditionFailed(err)) return undefined;
      throw err;
    }
  }

  /** Replaces the record if it is still at `version`; undefined when someone else changed it first. */
  async replace<T>(key: string, value: T, version: string): Promise<Versioned<T> | undefined> {
    try {
      const [metadata] = await this.file(key).setMetadata(
        { metadata: { [FIELD]: JSON.stringify(value) } },
        { ifMetagenerationMatch: Number(version) },
      );
      return { value, version: String(metadata.metageneration) };
    } catch (err) {
      if (isPreconditionFailed(err) || isNotFound(err)) return undefined;
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    try {
      await this.file(key).delete();
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
