/**
 * `startEmulators({ dataDir })`: state written through the official clients (Cloud Storage generations,
 * Drive folder/file/revisions/appProperties/ids, a secret version, OAuth tokens) reads back byte-exact
 * after a stop and a start on the same directory, with the same seed; a state saved by the debounce alone
 * (no stop: a crash) is complete; blob files are shared by equal contents and removed when unreferenced.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Storage } from '@google-cloud/storage';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { drive } from '@googleapis/drive';
import { OAuth2Client } from 'google-auth-library';
import { RATE_LIMITS_OFF, startEmulators, type Emulators, type Seed } from '../index.js';
import { restFallbackOptions } from './support.js';
import { driveClient, FOLDER, md5Hex, reasonOf, rejection, testBytes, type DriveClient } from './drive/helpers.js';

const KiB = 1024;
const BUCKET = 'persisted-bucket';
const OBJECT = 'dir/object.bin';
const SECRET = 'projects/emu-project/secrets/drive-refresh-token';

const root = mkdtempSync(join(tmpdir(), 'emu-persist-'));
const dataDir = join(root, 'state', 'nested'); // created by startEmulators
const running: Emulators[] = [];

after(async () => {
  await Promise.all(running.map((e) => e.stop()));
  rmSync(root, { recursive: true, force: true });
});

async function start(dir: string): Promise<Emulators> {
  const emu = await startEmulators({ limits: RATE_LIMITS_OFF, dataDir: dir, saveDelayMs: 50 });
  running.push(emu);
  return emu;
}

async function stop(emu: Emulators): Promise<void> {
  const i = running.indexOf(emu);
  if (i < 0) return;
  running.splice(i, 1);
  await emu.stop();
}

/** Runs `fn` on emulators started on `dir`, stopped (state saved) afterwards even if `fn` fails. */
async function withEmulators(dir: string, fn: (emu: Emulators) => Promise<void>): Promise<void> {
  const emu = await start(dir);
  try {
    await fn(emu);
  } finally {
    await stop(emu);
  }
}

function storageOf(emu: Emulators): Storage {
  return new Storage({ apiEndpoint: emu.env.STORAGE_EMULATOR_HOST, projectId: 'test' });
}

/** REST fallback with a static token, as in secrets.test.ts. */
function secretsOf(emu: Emulators): SecretManagerServiceClient {
  return new SecretManagerServiceClient(restFallbackOptions(emu.env.SECRET_MANAGER_EMULATOR_HOST));
}

async function download(c: DriveClient, fileId: string, revisionId?: string): Promise<Buffer> {
  const res = revisionId
    ? await c.drive.revisions.get({ fileId, revisionId, alt: 'media' }, { responseType: 'arraybuffer' })
    : await c.drive.files.get({ fileId, alt: 'media' }, { responseType: 'arraybuffer' });
  return Buffer.from(res.data as unknown as ArrayBuffer);
}

const blobFiles = (dir: string) => readdirSync(join(dir, 'blobs')).sort();

// Contents: the second GCS generation and the second Drive revision are equal (one blob file).
const gen1 = testBytes(300 * KiB + 3, 11);
const gen2 = testBytes(200 * KiB + 1, 12);
const rev1 = testBytes(150 * KiB, 13);
const rev2 = gen2;
const gone = testBytes(10 * KiB, 14);
const secretPayload = Buffer.from('1//emu-stored-refresh-token', 'utf8');

/** What the first run wrote, to compare after the restart. */
const first = {} as {
  seed: Seed;
  generations: string[];
  rootId: string;
  folderId: string;
  fileId: string;
  deletedId: string;
  revisionIds: string[];
  accessToken: string;
};

describe('persistence across a restart', () => {
  test('first run: writes through the official clients, stop() saves', async () => {
    await withEmulators(dataDir, firstRun);
    const state = statSync(join(dataDir, 'state.json'));
    assert.equal(state.mode & 0o777, 0o600, 'state.json holds tokens: owner-only');
    // gen1, gen2 (= rev2) and rev1; the deleted file's content was removed.
    assert.equal(blobFiles(dataDir).length, 3);
  });

  async function firstRun(emu: Emulators): Promise<void> {
    first.seed = { ...emu.seed };

    const storage = storageOf(emu);
    const [bucket] = await storage.createBucket(BUCKET);
    await bucket.file(OBJECT).save(gen1, { resumable: false, contentType: 'application/x-one', metadata: { metadata: { k: 'v1' } } });
    await bucket.file(OBJECT).save(gen2, { resumable: true, contentType: 'application/x-two', metadata: { metadata: { k: 'v2' } } });
    const [versions] = await bucket.getFiles({ versions: true, prefix: OBJECT });
    first.generations = versions.map((f) => String(f.metadata.generation));
    assert.equal(first.generations.length, 2);

    const c = driveClient(emu);
    first.rootId = (await c.drive.files.get({ fileId: 'root', fields: 'id' })).data.id!;
    first.folderId = (await c.drive.files.create({ requestBody: { name: 'Backups', mimeType: FOLDER }, fields: 'id' })).data.id!;
    const ids = (await c.drive.files.generateIds({ count: 2 })).data.ids!;
    const created = await c.drive.files.create(
      {
        requestBody: { id: ids[0], name: 'object.bin', parents: [first.folderId], appProperties: { gcsGeneration: first.generations[0]! } },
        media: { mimeType: 'application/octet-stream', body: Readable.from([rev1]) },
        fields: 'id',
      },
      c.media,
    );
    first.fileId = created.data.id!;
    assert.equal(first.fileId, ids[0]);
    await c.drive.files.update(
      {
        fileId: first.fileId,
        requestBody: { appProperties: { gcsGeneration: first.generations[1]! } },
        media: { mimeType: 'application/octet-stream', body: Readable.from([rev2]) },
      },
      c.media,
    );
    first.revisionIds = (await c.drive.revisions.list({ fileId: first.fileId })).data.revisions!.map((r) => r.id!);
    assert.equal(first.revisionIds.length, 2);
    const deleted = await c.drive.files.create(
      {
        requestBody: { id: ids[1], name: 'gone.bin' },
        media: { mimeType: 'application/octet-stream', body: Readable.from([gone]) },
        fields: 'id',
      },
      c.media,
    );
    first.deletedId = deleted.data.id!;
    await c.drive.files.delete({ fileId: first.deletedId });
    first.accessToken = (await c.auth.getAccessToken()).token!;

    const secrets = secretsOf(emu);
    await secrets.createSecret({
      parent: 'projects/emu-project',
      secretId: 'drive-refresh-token',
      secret: { replication: { automatic: {} }, labels: { app: 'backup' } },
    });
    await secrets.addSecretVersion({ parent: SECRET, payload: { data: secretPayload } });
    await secrets.close();
  }

  test('second run: everything reads back byte-exact, same seed, tokens and ids still valid', () =>
    withEmulators(dataDir, async (emu) => {
      assert.deepEqual({ ...emu.seed }, first.seed);

      const bucket = storageOf(emu).bucket(BUCKET);
      const [live] = await bucket.file(OBJECT).download();
      assert.ok(live.equals(gen2));
      const [old] = await bucket.file(OBJECT, { generation: Number(first.generations[0]) }).download();
      assert.ok(old.equals(gen1));
      const [meta] = await bucket.file(OBJECT).getMetadata();
      assert.equal(String(meta.generation), first.generations[1]);
      assert.equal(meta.contentType, 'application/x-two');
      assert.deepEqual(meta.metadata, { k: 'v2' });
      const [versions] = await bucket.getFiles({ versions: true, prefix: OBJECT });
      assert.deepEqual(
        versions.map((f) => String(f.metadata.generation)),
        first.generations,
      );
      await bucket.file(OBJECT).save(Buffer.from('third'), { resumable: false });
      const [third] = await bucket.file(OBJECT).getMetadata();
      assert.ok(BigInt(String(third.generation)) > BigInt(first.generations[1]!), 'generations keep increasing');

      // The seed refresh token still works (new client, new ports).
      const c = driveClient(emu);
      assert.equal((await c.drive.files.get({ fileId: 'root', fields: 'id' })).data.id, first.rootId);
      const file = await c.drive.files.get({ fileId: first.fileId, fields: 'id,name,parents,appProperties,md5Checksum,size' });
      assert.deepEqual(file.data, {
        id: first.fileId,
        name: 'object.bin',
        parents: [first.folderId],
        appProperties: { gcsGeneration: first.generations[1] },
        md5Checksum: md5Hex(rev2),
        size: String(rev2.length),
      });
      const folder = await c.drive.files.get({ fileId: first.folderId, fields: 'name,mimeType,parents' });
      assert.deepEqual(folder.data, { name: 'Backups', mimeType: FOLDER, parents: [first.rootId] });
      assert.ok((await download(c, first.fileId)).equals(rev2));
      const revisions = (await c.drive.revisions.list({ fileId: first.fileId })).data.revisions!;
      assert.deepEqual(
        revisions.map((r) => r.id),
        first.revisionIds,
      );
      assert.ok((await download(c, first.fileId, first.revisionIds[0])).equals(rev1));
      const listed = await c.drive.files.list({ q: `'${first.folderId}' in parents`, fields: 'files(id)' });
      assert.deepEqual(listed.data.files, [{ id: first.fileId }]);

      // Ids used before (by a live file, and by a deleted one) are still taken.
      for (const id of [first.fileId, first.deletedId]) {
        const err = await rejection(c.drive.files.create({ requestBody: { id, name: 'again' } }));
        assert.equal(err.status, 409);
        assert.equal(reasonOf(err), 'fileIdInUse');
      }

      // An access token issued before the restart is still accepted.
      const auth = new OAuth2Client();
      auth.setCredentials({ access_token: first.accessToken, expiry_date: Date.now() + 600_000 });
      const byOldToken = drive({ version: 'v3', auth, rootUrl: `${emu.env.DRIVE_EMULATOR_HOST}/` });
      assert.equal((await byOldToken.files.get({ fileId: first.fileId, fields: 'name' })).data.name, 'object.bin');

      const secrets = secretsOf(emu);
      const [accessed] = await secrets.accessSecretVersion({ name: `${SECRET}/versions/latest` });
      assert.ok(Buffer.from(accessed.payload!.data as Uint8Array).equals(secretPayload));
      const [secret] = await secrets.getSecret({ name: SECRET });
      assert.deepEqual(secret.labels, { app: 'backup' });
      const [added] = await secrets.addSecretVersion({ parent: SECRET, payload: { data: Buffer.from('next') } });
      assert.equal(added.name, `${SECRET}/versions/2`);
      await secrets.close();

      // Permanently deleting the first generation frees its blob file at the next save.
      await bucket.file(OBJECT, { generation: Number(first.generations[0]) }).delete();
      await emu.save();
      assert.equal(blobFiles(dataDir).length, 3, 'gen2/rev2, rev1 and "third"');

      // The directory is locked while in use.
      await assert.rejects(startEmulators({ limits: RATE_LIMITS_OFF, dataDir }), /already used by emulators running in this process/);
    }));

  test('without stop(): the debounced save after a request already holds it (crash safety)', () =>
    withEmulators(dataDir, async (emu) => {
      const content = testBytes(64 * KiB, 21);
      await storageOf(emu).bucket(BUCKET).file('after-crash.bin').save(content, { resumable: false });
      // Waits on progress (the debounced save landing), not on a wall-clock budget.
      while (!readFileSync(join(dataDir, 'state.json'), 'utf8').includes('after-crash.bin')) await sleep(20);
      // Copy the directory as a crash would leave it, while the first process still runs.
      const crashed = join(root, 'crashed');
      cpSync(dataDir, crashed, { recursive: true });
      await withEmulators(crashed, async (revived) => {
        const [got] = await storageOf(revived).bucket(BUCKET).file('after-crash.bin').download();
        assert.ok(got.equals(content));
        assert.deepEqual({ ...revived.seed }, first.seed);
      });
    }));

  test('hub.reset() is persisted too: a new seed and no objects', async () => {
    let seed: Seed | undefined;
    await withEmulators(dataDir, async (emu) => {
      emu.hub.reset();
      seed = { ...emu.seed };
      assert.notEqual(seed.refreshToken, first.seed.refreshToken);
    });
    await withEmulators(dataDir, async (again) => {
      assert.deepEqual({ ...again.seed }, seed);
      const [buckets] = await storageOf(again).getBuckets();
      assert.deepEqual(
        buckets.map((b) => b.name),
        [],
      );
      assert.deepEqual(blobFiles(dataDir), []);
    });
  });
});
