/**
 * Test support for `restore` (not a test): objects really backed up by the event function (written to the
 * source bucket, their event delivered to `backupOnFinalize`), and what the test saw of each generation
 * and deletion kept as catalog entries, the shape the product's catalog readers produce. Until those
 * readers are wired into the command, tests hand this catalog to `makeRestoreCommand`.
 */
import type { File, FileMetadata } from '@google-cloud/storage';
import { buffer } from 'node:stream/consumers';
import { sourceKey } from '../../../src/drive/object-path.js';
import { withLibraryBodyListeners } from '../../../src/gcs/source.js';
import type { BackedUpGeneration, Catalog, CatalogEntry } from '../../../src/restore/catalog.js';
import { deliverUntilAcked } from '../../../harness/deliver.js';
import type { World } from '../../support/world.js';

export interface Written {
  name: string;
  generation: string;
  content: Buffer;
  metadata: FileMetadata;
}

/** Waits until the wall clock has moved past `ms` (so two steps never share a millisecond). */
export async function clockPast(ms: number): Promise<number> {
  while (Date.now() <= ms) await new Promise((r) => setTimeout(r, 1));
  return Date.now();
}

/** A catalog the test fills as it backs objects up and deletes them. */
export class RecordedCatalog implements Catalog {
  readonly list: CatalogEntry[] = [];

  async *entries(prefix: string): AsyncIterable<CatalogEntry[]> {
    const byName = new Map<string, CatalogEntry[]>();
    for (const e of this.list) if (e.value.name.startsWith(prefix)) byName.set(e.value.name, [...(byName.get(e.value.name) ?? []), e]);
    for (const name of [...byName.keys()].sort()) {
      await Promise.resolve();
      yield byName.get(name) ?? [];
    }
  }
}

/** The generation an object's metadata describes, and the Drive file and revision that hold it now. */
export async function generationEntry(world: World, m: FileMetadata): Promise<BackedUpGeneration> {
  const name = m.name as string;
  const key = sourceKey(world.sourceBucket, name);
  const file = world.emulators.drive.listAll().find((f) => f.appProperties['gdb.key'] === key && !f.trashed);
  if (!file) throw new Error(`no Drive backup of ${name}`);
  const { data } = await world.drive.files.get({ fileId: file.id, fields: 'headRevisionId' });
  const optional = <K extends keyof FileMetadata>(k: K) => (m[k] !== undefined && m[k] !== null ? { [k]: String(m[k]) } : {});
  return {
    bucket: world.sourceBucket,
    name,
    generation: String(m.generation),
    timeCreated: m.timeCreated as string,
    size: String(m.size),
    ...optional('md5Hash'),
    ...optional('crc32c'),
    ...optional('contentType'),
    ...optional('contentEncoding'),
    ...optional('contentDisposition'),
    ...optional('contentLanguage'),
    ...optional('cacheControl'),
    ...(m.metadata ? { metadata: Object.fromEntries(Object.entries(m.metadata).map(([k, v]) => [k, String(v)])) } : {}),
    driveFileId: file.id,
    driveRevisionId: data.headRevisionId as string,
  };
}

/** Backs up the live generation of `file` through the event function and records it in `catalog`. */
export async function backUp(world: World, fnUrl: string, catalog: RecordedCatalog, file: File): Promise<FileMetadata> {
  const [m] = await file.getMetadata();
  const statuses = await deliverUntilAcked(fnUrl, m as { bucket: string; name: string }, 5);
  if (statuses.at(-1) !== 204) throw new Error(`the backup of ${file.name} answered ${statuses.join(',')}`);
  catalog.list.push({ kind: 'generation', value: await generationEntry(world, m) });
  return m;
}

/** Deletes the live generation and records its tombstone. */
export async function remove(world: World, catalog: RecordedCatalog, name: string): Promise<string> {
  const file = world.storage.bucket(world.sourceBucket).file(name);
  const [m] = await file.getMetadata();
  await file.delete();
  const deletedAt = new Date().toISOString();
  catalog.list.push({ kind: 'tombstone', value: { bucket: world.sourceBucket, name, generation: String(m.generation), deletedAt } });
  return deletedAt;
}

/** Every object of a bucket: name → content and metadata. */
export async function bucketContents(world: World, bucket: string): Promise<Map<string, { content: Buffer; metadata: FileMetadata }>> {
  const [files] = await world.storage.bucket(bucket).getFiles();
  const out = new Map<string, { content: Buffer; metadata: FileMetadata }>();
  for (const f of files) {
    const content = await buffer(withLibraryBodyListeners(f.createReadStream({ decompress: false })));
    const [metadata] = await f.getMetadata();
    out.set(f.name, { content, metadata });
  }
  return out;
}
