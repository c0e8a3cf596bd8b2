/**
 * Small JSON records kept in the operator's state bucket (never the watched source bucket), with
 * compare-and-swap through Cloud Storage preconditions. A record is an empty object whose custom
 * metadata holds the JSON, so one request reads value and version (`metageneration`), creation is
 * `ifGenerationMatch: 0` (only if absent) and updates are `ifMetagenerationMatch`. Every call goes through
 * the state bucket's gateway (src/gcs/gateway.ts), which retries it.
 *
 * A retried conditional write whose first try landed (its reply lost) answers 412, which alone would read
 * as a lost race. So every write also stores a fresh nonce: after a 412 on a retry, the record is read
 * back, and when it holds this write's nonce the write counts as done.
 */
import { randomUUID } from 'node:crypto';
import type { Storage } from '@google-cloud/storage';
import { isNotFound, isPreconditionFailed } from '../core/error-shapes.js';
import type { CallScope } from '../core/gateway.js';
import type { StorageGateway } from '../gcs/gateway.js';

export interface Versioned<T> {
  value: T;
  /** The record object's metageneration: pass it back to `replace`. */
  version: string;
}

const FIELD = 'record';
const NONCE = 'writeNonce';

export class StateStore {
  constructor(
    private readonly state: StorageGateway,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  private file(storage: Storage, key: string) {
    return storage.bucket(this.bucket).file(`${this.prefix}${key}`);
  }

  async read<T>(key: string, scope?: CallScope): Promise<Versioned<T> | undefined> {
    return this.state.call(
      'state read',
      async (storage) => {
        try {
          const [metadata] = await this.file(storage, key).getMetadata();
          const raw = metadata.metadata?.[FIELD];
          if (typeof raw !== 'string') return undefined;
          return { value: JSON.parse(raw) as T, version: String(metadata.metageneration) };
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
      },
      scope,
    );
  }

  /** Creates the record only if absent; undefined when it already exists. */
  async create<T>(key: string, value: T, scope?: CallScope): Promise<Versioned<T> | undefined> {
    const nonce = randomUUID();
    return this.state.call(
      'state create',
      async (storage, attempt) => {
        const file = this.file(storage, key);
        try {
          await file.save('', {
            resumable: false,
            validation: false,
            contentType: 'application/json',
            metadata: { metadata: { [FIELD]: JSON.stringify(value), [NONCE]: nonce } },
            preconditionOpts: { ifGenerationMatch: 0 },
          });
          return { value, version: String(file.metadata.metageneration ?? '1') };
        } catch (err) {
          if (!isPreconditionFailed(err)) throw err;
          return attempt > 1 ? this.landed(storage, key, value, nonce) : undefined;
        }
      },
      scope,
    );
  }

  /** Replaces the record if it is still at `version`; undefined when someone else changed it first. */
  async replace<T>(key: string, value: T, version: string, scope?: CallScope): Promise<Versioned<T> | undefined> {
    const nonce = randomUUID();
    return this.state.call(
      'state replace',
      async (storage, attempt) => {
        try {
          const [metadata] = await this.file(storage, key).setMetadata(
            { metadata: { [FIELD]: JSON.stringify(value), [NONCE]: nonce } },
            { ifMetagenerationMatch: Number(version) },
          );
          return { value, version: String(metadata.metageneration) };
        } catch (err) {
          if (isNotFound(err)) return undefined;
          if (!isPreconditionFailed(err)) throw err;
          return attempt > 1 ? this.landed(storage, key, value, nonce) : undefined;
        }
      },
      scope,
    );
  }

  async remove(key: string, scope?: CallScope): Promise<void> {
    await this.state.call(
      'state remove',
      async (storage) => {
        try {
          await this.file(storage, key).delete();
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      },
      scope,
    );
  }

  /** After a 412 on a retried write: the record as written when it holds the write's nonce, else undefined. */
  private async landed<T>(storage: Storage, key: string, value: T, nonce: string): Promise<Versioned<T> | undefined> {
    try {
      const [metadata] = await this.file(storage, key).getMetadata();
      return metadata.metadata?.[NONCE] === nonce ? { value, version: String(metadata.metageneration) } : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}
