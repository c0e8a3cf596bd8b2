/**
 * Test support (not a test): the IO edges of the backup steps as plain objects in memory, for their unit
 * tests. Drive is a fake of the few `drive_v3` methods the steps call, answering with the errors
 * googleapis throws (core/library-errors.ts), behind the real gateway (core/gateway.ts) so retries run as
 * in production, with no waiting. The state bucket is a map of versioned records.
 */
import type { drive_v3 } from '@googleapis/drive';
import { Gateway } from '../../../src/core/gateway.js';
import type { DriveClient } from '../../../src/drive/gateway.js';
import type { Versioned } from '../../../src/state/store.js';
import { driveError } from '../core/library-errors.js';

export interface FakeFile {
  id: string;
  name?: string;
  mimeType?: string;
  parents?: string[];
  appProperties?: Record<string, string>;
  trashed?: boolean;
  md5Checksum?: string;
  revisions: { id: string; keepForever: boolean; modifiedTime: string }[];
}

type Params = Record<string, unknown> & { fileId?: string; requestBody?: Record<string, unknown>; media?: { body: AsyncIterable<Buffer> } };

/** Drive in memory: files by id, each with its revisions; every call named in `calls`; `fail` throws once. */
export class FakeDrive {
  readonly files = new Map<string, FakeFile>();
  readonly calls: string[] = [];
  /** Method (`files.create`, …) → the error its next call throws instead of running (once). */
  readonly fail = new Map<string, () => Promise<Error>>();
  private revisionCount = 0;

  readonly api = {
    files: {
      get: (p: Params) => this.run('files.get', async () => ({ data: { ...this.file(p.fileId) } })),
      list: (p: Params) =>
        this.run('files.list', async () => {
          const q = String(p.q);
          const files = [...this.files.values()].filter(
            (f) =>
              !f.trashed &&
              (f.parents ?? []).some((id) => q.includes(`'${id}' in parents`)) &&
              q.includes(`value='${Object.values(f.appProperties ?? {})[0]}'`),
          );
          return { data: { files: files.map((f) => ({ id: f.id })) } };
        }),
      create: (p: Params) =>
        this.run('files.create', async () => {
          const body = p.requestBody ?? {};
          const id = String(body.id);
          if (this.files.has(id)) throw await driveError(409, 'conflict', {}, 'A file already exists with the provided ID.');
          const file: FakeFile = { ...(body as Partial<FakeFile>), id, revisions: [] };
          this.files.set(id, file);
          if (p.media) await this.addRevision(file, p.media.body, p.keepRevisionForever === true);
          return { data: { ...file } };
        }),
      update: (p: Params) =>
        this.run('files.update', async () => {
          const file = this.file(p.fileId);
          const { appProperties, ...rest } = p.requestBody ?? {};
          Object.assign(file, rest);
          if (appProperties) {
            const merged = { ...file.appProperties, ...(appProperties as Record<string, string | null>) };
            file.appProperties = Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== null));
          }
          if (p.media) await this.addRevision(file, p.media.body, p.keepRevisionForever === true);
          return { data: { ...file } };
        }),
      delete: (p: Params) =>
        this.run('files.delete', async () => {
          this.file(p.fileId);
          this.files.delete(String(p.fileId));
          return { data: {} };
        }),
    },
    revisions: {
      list: (p: Params) => this.run('revisions.list', async () => ({ data: { revisions: this.file(p.fileId).revisions } })),
      delete: (p: Params) =>
        this.run('revisions.delete', async () => {
          const file = this.file(p.fileId);
          if (!file.revisions.some((r) => r.id === p.revisionId)) throw await driveError(404, 'notFound', {}, 'Revision not found');
          file.revisions = file.revisions.filter((r) => r.id !== p.revisionId);
          return { data: {} };
        }),
    },
    context: { _options: {} },
  };

  /** The real gateway over this Drive: retries as the failure table says, at once. */
  gateway(): Gateway<DriveClient> {
    const client: DriveClient = {
      api: this.api as unknown as drive_v3.Drive,
      authHeaders: async () => ({ authorization: 'Bearer fake' }),
      baseUrl: 'http://drive.invalid',
    };
    return new Gateway<DriveClient>({ service: 'drive', client: async () => client, sleep: async () => {}, random: () => 0 });
  }

  private file(fileId: unknown): FakeFile {
    const file = this.files.get(String(fileId));
    if (!file) throw Object.assign(new Error(`File not found: ${String(fileId)}`), { code: 404, status: 404 });
    return file;
  }

  private async run<T>(method: string, body: () => Promise<T>): Promise<T> {
    this.calls.push(method);
    const failure = this.fail.get(method);
    if (failure) {
      this.fail.delete(method);
      throw await failure();
    }
    return body();
  }

  private async addRevision(file: FakeFile, body: AsyncIterable<Buffer>, keepForever: boolean): Promise<void> {
    const { createHash } = await import('node:crypto');
    const hash = createHash('md5');
    for await (const chunk of body) hash.update(chunk);
    file.md5Checksum = hash.digest('hex');
    file.revisions.push({ id: `r${++this.revisionCount}`, keepForever, modifiedTime: new Date(this.revisionCount * 1000).toISOString() });
    Object.assign(file, { headRevisionId: file.revisions.at(-1)?.id });
  }
}

/** The state bucket in memory: create only if absent, replace only at the version read, as StateStore does. */
export class FakeStore {
  readonly records = new Map<string, Versioned<unknown>>();
  private version = 0;

  async read<T>(key: string): Promise<Versioned<T> | undefined> {
    return this.records.get(key) as Versioned<T> | undefined;
  }

  async create<T>(key: string, value: T): Promise<Versioned<T> | undefined> {
    if (this.records.has(key)) return undefined;
    return this.put(key, value);
  }

  async replace<T>(key: string, value: T, version: string): Promise<Versioned<T> | undefined> {
    if (this.records.get(key)?.version !== version) return undefined;
    return this.put(key, value);
  }

  private put<T>(key: string, value: T): Versioned<T> {
    const record = { value: structuredClone(value), version: String(++this.version) };
    this.records.set(key, record);
    return record;
  }
}

/** Pre-generated Drive ids, `id-1`, `id-2`, …; `discarded` counts the pool emptied. */
export function fakeIds() {
  let n = 0;
  const ids = { discarded: 0, next: async () => `id-${++n}`, discard: () => void ids.discarded++ };
  return ids;
}
