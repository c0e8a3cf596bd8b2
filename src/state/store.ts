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
 *
 * Beside records, immutable text objects (`createText`, `readText`): written once under a name derived
 * from their content, so a retried create that answers 412 found its own (or an identical) copy. `list`
 * pages through records and texts under a key prefix, with each record's value from the listing itself.
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

/** One page of `list`: each key, with the record's JSON when it is a record (texts have none). */
export interface ListedKey {
  key: string;
  /** The record's value, not yet parsed. */
  raw?: string;
}

const LIST_PAGE_SIZE = 1000;
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

  /** Creates an immutable text object; a 412 means it exists already (same name, so same content). */
  async createText(key: string, text: string, scope?: CallScope): Promise<void> {
    await this.state.call(
      'state create text',
      async (storage) => {
        try {
          await this.file(storage, key).save(text, {
            resumable: false,
            contentType: 'application/json',
            preconditionOpts: { ifGenerationMatch: 0 },
          });
        } catch (err) {
          if (!isPreconditionFailed(err)) throw err;
        }
      },
      scope,
    );
  }

  async readText(key: string, scope?: CallScope): Promise<string | undefined> {
    return this.state.call(
      'state read text',
      async (storage) => {
        try {
          const [content] = await this.file(storage, key).download();
          return content.toString('utf8');
        } catch (err) {
          if (isNotFound(err)) return undefined;
          throw err;
        }
      },
      scope,
    );
  }

  /** Every key under `keyPrefix`, in name order, a page at a time; records carry their value. */
  async *list(keyPrefix: string, scope?: CallScope): AsyncGenerator<ListedKey[]> {
    let pageToken: string | undefined;
    do {
      const query = {
        prefix: `${this.prefix}${keyPrefix}`,
        autoPaginate: false,
        maxResults: LIST_PAGE_SIZE,
        fields: 'nextPageToken,items(name,metadata)',
        ...(pageToken !== undefined ? { pageToken } : {}),
      };
      const [files, next] = await this.state.call('state list', (storage) => storage.bucket(this.bucket).getFiles(query), scope);
      // With `fields`, the client hands back the raw resources instead of File objects.
      const items = files as unknown as Array<{ name: string; metadata?: Record<string, unknown> }>;
      yield items.map((item) => {
        const raw = item.metadata?.[FIELD];
        return { key: item.name.slice(this.prefix.length), ...(typeof raw === 'string' ? { raw } : {}) };
      });
      pageToken = (next as { pageToken?: string } | null | undefined)?.pageToken ?? undefined;
    } while (pageToken);
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
