/**
 * What the backup records for restore, end to end: objects backed up through the event function (real
 * entry module, Eventarc-shaped CloudEvents, emulators), three generations of one (small, resumable,
 * small with 3 KB of custom metadata: its history spills and its Drive facts overflow to the description)
 * and its deletion at a known time; then both catalogs read it back, and every entry equals the source
 * object's metadata. The same from Drive alone after the state bucket's records are deleted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../../src/core/logs.js';
import type { BackedUpGeneration, Catalog, CatalogEntry } from '../../../src/restore/catalog.js';
import { openHistoryCatalog } from '../../../src/restore/open-history.js';
import { buildRuntime } from '../../../src/runtime/runtime.js';
import type { Runtime } from '../../../src/tasks/dispatch.js';
import { storageEventHeaders } from '../../../harness/cloud-event.js';
import { startFunctionWorld, type FunctionWorld } from '../../../harness/function-world.js';
import { deliverStorageEvent } from '../../../harness/deliver.js';
import { testBytes, type World } from '../../support/world.js';

const MiB = 1024 * 1024;
const NAME = 'history/doc.txt';
const LONG = `history/${'ü'.repeat(500)}`; // 1,008 bytes: the name in appProperties parts
const DELETED_AT = '2026-12-07T15:00:00.000Z';
const PREFIX = 'gcs-drive-backup/';

let setup: FunctionWorld;
let world: World;
let url: string;
/** Each generation's metadata as Cloud Storage gave it, oldest first, per object name. */
const written = new Map<string, Record<string, unknown>[]>();

async function write(name: string, content: Buffer, options: Record<string, unknown>) {
  const file = world.storage.bucket(world.sourceBucket).file(name);
  await file.save(content, { resumable: false, ...options });
  const [metadata] = await file.getMetadata();
  written.set(name, [...(written.get(name) ?? []), metadata]);
  assert.equal(await deliverStorageEvent(url, metadata as { bucket: string; name: string }), 204);
  return metadata;
}

/** A `deleted` event as Eventarc delivers it, at a known time. */
async function deliverDeleted(data: Record<string, unknown>, time: string): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: storageEventHeaders({
      kind: 'deleted',
      id: randomUUID(),
      bucket: world.sourceBucket,
      name: String(data.name),
      time: new Date(time),
    }),
    body: JSON.stringify(data),
  });
  await res.arrayBuffer();
  return res.status;
}

/** The restore contract's entry for a generation, from Cloud Storage's own metadata of it. */
function expectedGeneration(m: Record<string, unknown>, driveFileId: string, driveRevisionId?: string): BackedUpGeneration {
  const text = (field: string) => (typeof m[field] === 'string' && m[field] !== '' ? { [field]: m[field] } : {});
  return {
    bucket: world.sourceBucket,
    name: String(m.name),
    generation: String(m.generation),
    timeCreated: new Date(String(m.timeCreated)).toISOString(),
    size: String(m.size),
    ...text('md5Hash'),
    ...text('crc32c'),
    ...text('contentType'),
    ...text('contentEncoding'),
    ...text('contentDisposition'),
    ...text('contentLanguage'),
    ...text('cacheControl'),
    ...(m.metadata && Object.keys(m.metadata).length > 0 ? { metadata: m.metadata as Record<string, string> } : {}),
    driveFileId,
    ...(driveRevisionId ? { driveRevisionId } : {}),
  };
}

async function all(catalog: Catalog, prefix = ''): Promise<CatalogEntry[][]> {
  const groups: CatalogEntry[][] = [];
  for await (const group of catalog.entries(prefix)) groups.push(group);
  return groups;
}

const byName = (groups: CatalogEntry[][], name: string) => groups.find((g) => g[0].value.name === name) ?? [];
const generations = (group: CatalogEntry[]) =>
  group.flatMap((e) => (e.kind === 'generation' ? [e.value] : [])).sort((a, b) => (BigInt(a.generation) < BigInt(b.generation) ? -1 : 1));
const tombstones = (group: CatalogEntry[]) => group.flatMap((e) => (e.kind === 'tombstone' ? [e.value] : []));

function backupFile(name: string) {
  const files = world.emulators.drive.listAll().filter((f) => f.description?.startsWith(`gs://${world.sourceBucket}/${name}#`));
  assert.equal(files.length, 1, `one Drive file for ${name}`);
  return files[0];
}

async function revisionIds(fileId: string): Promise<string[]> {
  const res = await world.drive.revisions.list({ fileId, fields: 'revisions(id)' });
  return (res.data.revisions ?? []).map((r) => r.id ?? '');
}

/** The product's readers, opened as the restore command opens them (its runtime, from the function's environment). */
let runtime: Runtime;
const driveCatalog = (olderGenerations: boolean) =>
  openHistoryCatalog(runtime, { bucket: world.sourceBucket, fromDrive: true, olderGenerations });
const stateCatalog = () => openHistoryCatalog(runtime, { bucket: world.sourceBucket, fromDrive: false, olderGenerations: false });

before(async () => {
  setup = await startFunctionWorld({ targets: ['event'], env: { UPLOAD_CHUNK_MIB: '1', MULTIPART_MAX_MIB: '1' } });
  world = setup;
  url = setup.url('event');
  runtime = await buildRuntime(world.env, createLogger({ write: () => undefined }));

  await write(NAME, Buffer.from('generation one'), {
    contentType: 'text/plain',
    metadata: { cacheControl: 'no-cache', contentLanguage: 'en', metadata: { owner: 'ann', 'x-odd key': 'q"uote' } },
  });
  await write(NAME, testBytes(2 * MiB + 3, 'two'), {
    contentType: 'application/x-two',
    metadata: { contentDisposition: 'attachment; filename="two.bin"', contentEncoding: 'identity', metadata: { owner: 'bob' } },
  });
  const third = await write(NAME, Buffer.from('generation three'), {
    contentType: 'text/markdown',
    metadata: { cacheControl: 'public, max-age=60', metadata: { big: 'b'.repeat(3000), owner: 'cy' } },
  });
  await world.storage.bucket(world.sourceBucket).file(NAME).delete();
  assert.equal(await deliverDeleted(third as Record<string, unknown>, DELETED_AT), 204);

  await write(LONG, Buffer.from('long'), { contentType: 'text/plain', metadata: { metadata: { k: 'v' } } });
});

after(async () => {
  await setup?.stop();
});

describe('the state bucket catalog', () => {
  test('three generations with the revision holding each, and the deletion, exactly as Cloud Storage had them', async () => {
    const file = backupFile(NAME);
    const [r1, r2, r3] = await revisionIds(file.id);
    assert.ok(r3, 'three revisions');
    const group = byName(await all(await stateCatalog()), NAME);
    const [g1, g2, g3] = written.get(NAME)!;
    // The newest was a small upload: nothing written after it landed, so its revision is the head's.
    assert.deepEqual(generations(group), [
      expectedGeneration(g1, file.id, r1),
      expectedGeneration(g2, file.id, r2),
      expectedGeneration(g3, file.id),
    ]);
    assert.deepEqual(tombstones(group), [
      { bucket: world.sourceBucket, name: NAME, generation: String(g3.generation), deletedAt: DELETED_AT },
    ]);
  });

  test("the third generation's 3 KB of custom metadata did not fit the record: a spill object holds part of the history", async () => {
    const [files] = await world.storage.bucket(world.stateBucket).getFiles({ prefix: `${PREFIX}objects/` });
    assert.ok(
      files.some((f) => f.name.includes('.history/')),
      files.map((f) => f.name).join(', '),
    );
  });

  test('a 1,008-byte name, its one generation', async () => {
    const group = byName(await all(await stateCatalog(), 'history/ü'), LONG);
    assert.deepEqual(group, [{ kind: 'generation', value: expectedGeneration(written.get(LONG)![0], backupFile(LONG).id) }]);
  });

  test('a prefix leaves other objects out', async () => {
    assert.deepEqual(await all(await stateCatalog(), 'nothing/'), []);
  });
});

describe('Drive alone (the state bucket emptied)', () => {
  before(async () => {
    const [files] = await world.storage.bucket(world.stateBucket).getFiles({ prefix: PREFIX });
    await Promise.all(files.map((f) => f.delete()));
    assert.deepEqual(await all(await stateCatalog()), [], 'no record left');
  });

  test('the newest generation of every object with its exact name and metadata, and the deletion', async () => {
    const groups = await all(await driveCatalog(false));
    const file = backupFile(NAME);
    const [, , r3] = await revisionIds(file.id);
    const g3 = written.get(NAME)!.at(-1)!;
    assert.deepEqual(generations(byName(groups, NAME)), [expectedGeneration(g3, file.id, r3)]);
    assert.deepEqual(tombstones(byName(groups, NAME)), [
      { bucket: world.sourceBucket, name: NAME, generation: String(g3.generation), deletedAt: DELETED_AT },
    ]);
    const long = backupFile(LONG);
    const [head] = await revisionIds(long.id);
    assert.deepEqual(byName(groups, LONG), [{ kind: 'generation', value: expectedGeneration(written.get(LONG)![0], long.id, head) }]);
  });

  test('older generations from the revisions: name, generation, timeCreated, size, MD5 and the revision', async () => {
    const file = backupFile(NAME);
    const [r1, r2] = await revisionIds(file.id);
    const [g1, g2] = written.get(NAME)!;
    const older = generations(byName(await all(await driveCatalog(true)), NAME)).slice(0, 2);
    const kept = (m: Record<string, unknown>, revision: string) => {
      const { bucket, name, generation, timeCreated, size, md5Hash, driveFileId, driveRevisionId } = expectedGeneration(
        m,
        file.id,
        revision,
      );
      return { bucket, name, generation, timeCreated, size, md5Hash, driveFileId, driveRevisionId };
    };
    assert.deepEqual(
      older.map(({ contentType: _type, ...rest }) => rest),
      [kept(g1, r1), kept(g2, r2)],
    );
  });
});
