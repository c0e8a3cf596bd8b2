/**
 * Contract tests of the Drive v3 emulator through the official `@googleapis/drive` client (and raw fetch
 * where the wire matters): content round trips, queries, paging, ids, revisions, auth and scopes,
 * quotas, list lag, and how the client sees injected faults.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '../index.js';
import {
  bearer,
  driveClient,
  FOLDER,
  md5Hex,
  otherClient,
  reasonOf,
  rejection,
  SCOPE_DRIVE,
  SCOPE_FILE,
  testBytes,
  type DriveClient,
} from './drive/helpers.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const USER = 'user@example.com';

let emu: Emulators;
let c: DriveClient;

before(async () => {
  emu = await startEmulators({ limits: RATE_LIMITS_OFF });
  c = driveClient(emu);
});
after(async () => {
  await emu?.stop();
});

async function folder(name: string, parent?: string, client = c): Promise<string> {
  const res = await client.drive.files.create({
    requestBody: { name, mimeType: FOLDER, parents: parent ? [parent] : undefined },
    fields: 'id',
  });
  return res.data.id!;
}

async function upload(
  name: string,
  bytes: Buffer,
  opts: { parent?: string; appProperties?: Record<string, string>; client?: DriveClient } = {},
) {
  const client = opts.client ?? c;
  const res = await client.drive.files.create(
    {
      requestBody: { name, parents: opts.parent ? [opts.parent] : undefined, appProperties: opts.appProperties },
      media: { mimeType: 'application/octet-stream', body: Readable.from([bytes]) },
      fields: 'id,name,size,md5Checksum,parents,mimeType,appProperties',
    },
    client.media,
  );
  return res.data;
}

async function download(
  fileId: string,
  headers: Record<string, string> = {},
  client = c,
): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const res = await client.drive.files.get({ fileId, alt: 'media' }, { responseType: 'arraybuffer', headers });
  return { status: res.status, bytes: Buffer.from(res.data as unknown as ArrayBuffer), headers: res.headers as unknown as Headers };
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

describe('content round trips', () => {
  for (const size of [0, 1, 256 * KiB - 1, 256 * KiB + 1]) {
    test(`${size} B with uploadType=media and uploadType=multipart`, async () => {
      const bytes = testBytes(size, size + 7);
      const media = await c.drive.files.create(
        { media: { mimeType: 'application/x-test', body: Readable.from([bytes]) }, fields: 'id,name,size,md5Checksum,mimeType' },
        c.media,
      );
      assert.equal(media.data.name, 'Untitled');
      assert.equal(media.data.mimeType, 'application/x-test');
      const multi = await upload(`rt-${size}.bin`, bytes);
      for (const file of [media.data, multi]) {
        assert.equal(file.size, String(size));
        assert.equal(file.md5Checksum, md5Hex(bytes));
        const got = await download(file.id!);
        assert.equal(got.status, 200);
        assert.ok(got.bytes.equals(bytes), `content of ${file.id} differs`);
      }
    });
  }

  test('5 MiB multipart, then ranged downloads (206)', async () => {
    const bytes = testBytes(5 * MiB, 5);
    const file = await upload('five.bin', bytes);
    assert.equal(file.md5Checksum, md5Hex(bytes));
    assert.ok((await download(file.id!)).bytes.equals(bytes));
    const part = await download(file.id!, { range: 'bytes=1000-2999' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 1000-2999/${5 * MiB}`);
    assert.ok(part.bytes.equals(bytes.subarray(1000, 3000)));
    const tail = await download(file.id!, { range: 'bytes=-10' });
    assert.ok(tail.bytes.equals(bytes.subarray(bytes.length - 10)));
    const err = await rejection(download(file.id!, { range: `bytes=${5 * MiB}-` }));
    assert.equal(err.status, 416);
  });

  test('a folder cannot be downloaded', async () => {
    const err = await rejection(download(await folder('no-content')));
    assert.equal(err.status, 403);
  });
});

describe('files.list queries', () => {
  test("names with ' and \\ match exactly, not look-alikes", async () => {
    const parent = await folder('escaping');
    const names = ["it's", 'its', "it\\'s", 'back\\slash', 'backslash', 'back\\\\slash', "o'neil's \\ folder"];
    const ids = new Map<string, string>();
    for (const name of names) ids.set(name, (await upload(name, Buffer.from(name), { parent })).id!);
    for (const name of names) {
      const res = await c.drive.files.list({ q: `${quote(parent)} in parents and name = ${quote(name)}`, fields: 'files(id,name)' });
      assert.deepEqual(res.data.files, [{ id: ids.get(name), name }], `query for ${name}`);
    }
  });

  test("'id' in parents and trashed = false and mimeType = folder", async () => {
    const parent = await folder('tree');
    const a = await folder('a', parent);
    const b = await folder('b', parent);
    const trashed = await folder('trashed', parent);
    await c.drive.files.update({ fileId: trashed, requestBody: { trashed: true } });
    await upload('file.txt', Buffer.from('x'), { parent });
    await folder('grandchild', a);
    const res = await c.drive.files.list({
      q: `'${parent}' in parents and trashed = false and mimeType = '${FOLDER}'`,
      fields: 'files(id)',
      orderBy: 'name',
    });
    assert.deepEqual(
      res.data.files?.map((f) => f.id),
      [a, b],
    );
    const all = await c.drive.files.list({ q: `'${parent}' in parents`, fields: 'files(id,trashed)' });
    assert.equal(all.data.files?.length, 4, 'trashed items are listed unless the query excludes them');
  });

  test('appProperties has { key and value }', async () => {
    const parent = await folder('props');
    const a = await upload('a', Buffer.from('a'), { parent, appProperties: { source: 'gs://b/a', gen: '1' } });
    await upload('b', Buffer.from('b'), { parent, appProperties: { source: 'gs://b/b', gen: '1' } });
    assert.deepEqual(a.appProperties, { source: 'gs://b/a', gen: '1' });
    const res = await c.drive.files.list({
      q: `appProperties has { key='source' and value='gs://b/a' }`,
      fields: 'files(id,appProperties)',
    });
    assert.deepEqual(res.data.files, [{ id: a.id, appProperties: { source: 'gs://b/a', gen: '1' } }]);
    const both = await c.drive.files.list({
      q: `'${parent}' in parents and appProperties has { key='gen' and value='1' }`,
      fields: 'files(id)',
    });
    assert.equal(both.data.files?.length, 2);
  });

  test('an invalid q, orderBy, pageSize or fields is a 400 naming the parameter', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ q: "name = 'unterminated" }, 'q'],
      [{ orderBy: 'size' }, 'orderBy'],
      [{ pageSize: 1001 }, 'pageSize'],
      [{ pageToken: 'garbage' }, 'pageToken'],
      [{ fields: 'files(id,nmae)' }, 'fields'],
    ];
    for (const [params, location] of cases) {
      const err = await rejection(c.drive.files.list(params));
      assert.equal(err.status, 400, JSON.stringify(params));
      assert.equal(err.response?.data.error?.errors?.[0]?.location, location);
    }
  });
});

describe('paging', () => {
  let parent: string;
  const created = new Set<string>();
  before(async () => {
    parent = await folder('paging');
    const names = Array.from({ length: 250 }, (_, i) => `p-${String((i * 37) % 250).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 25) {
      const batch = await Promise.all(
        names.slice(i, i + 25).map((name) => c.drive.files.create({ requestBody: { name, parents: [parent] }, fields: 'id' })),
      );
      for (const r of batch) created.add(r.data.id!);
    }
  });

  async function listAll(pageSize: number, orderBy?: string): Promise<{ ids: string[]; names: string[]; pages: number }> {
    const ids: string[] = [];
    const names: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const res = await c.drive.files.list({
        q: `'${parent}' in parents`,
        pageSize,
        pageToken,
        orderBy,
        fields: 'nextPageToken,files(id,name)',
      });
      assert.ok((res.data.files?.length ?? 0) <= pageSize);
      for (const f of res.data.files ?? []) {
        ids.push(f.id!);
        names.push(f.name!);
      }
      pageToken = res.data.nextPageToken ?? undefined;
      pages++;
    } while (pageToken);
    return { ids, names, pages };
  }

  for (const pageSize of [7, 100, 1000]) {
    test(`250 files in pages of ${pageSize}: complete, no duplicates, same order every time`, async () => {
      const first = await listAll(pageSize);
      assert.equal(first.pages, Math.ceil(250 / pageSize));
      assert.equal(new Set(first.ids).size, 250);
      assert.deepEqual(new Set(first.ids), created);
      const again = await listAll(pageSize);
      assert.deepEqual(again.ids, first.ids);
      const reference = await listAll(1000);
      assert.deepEqual(first.ids, reference.ids);
    });
  }

  test('orderBy name pages through in name order', async () => {
    const { names } = await listAll(7, 'name');
    assert.deepEqual(names, [...names].sort());
    assert.equal(names.length, 250);
  });

  test('default page size is 100', async () => {
    const res = await c.drive.files.list({ q: `'${parent}' in parents` });
    assert.equal(res.data.files?.length, 100);
    assert.ok(res.data.nextPageToken);
    assert.deepEqual(Object.keys(res.data.files![0]!).sort(), ['id', 'kind', 'mimeType', 'name']);
  });
});

describe('ids, metadata updates, trash and delete', () => {
  test('generateIds: an id is accepted once, a second create is 409', async () => {
    const res = await c.drive.files.generateIds({ count: 3 });
    const ids = res.data.ids!;
    assert.equal(ids.length, 3);
    assert.equal(new Set(ids).size, 3);
    const created = await c.drive.files.create({ requestBody: { id: ids[0], name: 'pre-id' }, fields: 'id' });
    assert.equal(created.data.id, ids[0]);
    const err = await rejection(c.drive.files.create({ requestBody: { id: ids[0], name: 'again' } }));
    assert.equal(err.status, 409);
    assert.equal(reasonOf(err), 'fileIdInUse');
    assert.equal((await rejection(c.drive.files.generateIds({ count: 1001 }))).status, 400);
    assert.equal((await rejection(c.drive.files.create({ requestBody: { id: 'bad id!', name: 'x' } }))).status, 400);
  });

  test('update: rename, description, appProperties merge (null deletes), modifiedTime, move', async () => {
    const from = await folder('from');
    const to = await folder('to');
    const file = await upload('doc.txt', Buffer.from('x'), { parent: from, appProperties: { a: '1', b: '2' } });
    const res = await c.drive.files.update({
      fileId: file.id!,
      addParents: to,
      removeParents: from,
      requestBody: {
        name: 'renamed.txt',
        description: 'd',
        appProperties: { b: null as unknown as string, c: '3' },
        modifiedTime: '2020-01-02T03:04:05.000Z',
      },
      fields: 'name,description,appProperties,modifiedTime,parents,version',
    });
    assert.deepEqual(res.data, {
      name: 'renamed.txt',
      description: 'd',
      appProperties: { a: '1', c: '3' },
      modifiedTime: '2020-01-02T03:04:05.000Z',
      parents: [to],
      version: '2',
    });
    const err = await rejection(c.drive.files.update({ fileId: file.id!, requestBody: { parents: [from] } }));
    assert.equal(err.status, 403);
    assert.equal(reasonOf(err), 'fieldNotWritable');
  });

  test('appProperties limits: 31 keys or a pair over 124 bytes is a 400', async () => {
    const many = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, 'v']));
    const e1 = await rejection(c.drive.files.create({ requestBody: { name: 'x', appProperties: many } }));
    assert.equal(e1.status, 400);
    assert.match(e1.response?.data.error?.message ?? '', /at most 30/);
    const e2 = await rejection(c.drive.files.create({ requestBody: { name: 'x', appProperties: { k: 'v'.repeat(124) } } }));
    assert.equal(e2.status, 400);
    assert.match(e2.response?.data.error?.message ?? '', /124/);
  });

  test('trash, delete (with children) and emptyTrash', async () => {
    const dir = await folder('doomed');
    const child = await upload('child', Buffer.from('c'), { parent: dir });
    await c.drive.files.update({ fileId: dir, requestBody: { trashed: true } });
    const got = await c.drive.files.get({ fileId: child.id!, fields: 'trashed,explicitlyTrashed' });
    assert.deepEqual(got.data, { trashed: true, explicitlyTrashed: false });
    const del = await c.drive.files.delete({ fileId: dir });
    assert.equal(del.status, 204);
    for (const id of [dir, child.id!]) {
      const err = await rejection(c.drive.files.get({ fileId: id }));
      assert.equal(err.status, 404);
      assert.equal(err.response?.data.error?.message, `File not found: ${id}.`);
      assert.equal(reasonOf(err), 'notFound');
    }
    const t = await upload('t', Buffer.from('t'));
    await c.drive.files.update({ fileId: t.id!, requestBody: { trashed: true } });
    await c.drive.files.emptyTrash({});
    assert.equal((await rejection(c.drive.files.get({ fileId: t.id! }))).status, 404);
  });

  test('new content makes a new revision; keepRevisionForever is honoured', async () => {
    const v1 = testBytes(1000, 1);
    const v2 = testBytes(2000, 2);
    const file = await upload('revised.bin', v1);
    const updated = await c.drive.files.update(
      {
        fileId: file.id!,
        keepRevisionForever: true,
        media: { body: Readable.from([v2]) },
        fields: 'size,md5Checksum,headRevisionId,version',
      },
      c.media,
    );
    assert.equal(updated.data.size, '2000');
    assert.equal(updated.data.md5Checksum, md5Hex(v2));
    const revs = await c.drive.revisions.list({ fileId: file.id!, fields: 'revisions(id,md5Checksum,size,keepForever,modifiedTime)' });
    const list = revs.data.revisions!;
    assert.equal(list.length, 2);
    assert.deepEqual(
      list.map((r) => [r.md5Checksum, r.size, r.keepForever]),
      [
        [md5Hex(v1), '1000', false],
        [md5Hex(v2), '2000', true],
      ],
    );
    assert.equal(updated.data.headRevisionId, list[1]!.id);
    assert.ok((await download(file.id!)).bytes.equals(v2));
    const old = await c.drive.revisions.get({ fileId: file.id!, revisionId: list[0]!.id!, alt: 'media' }, { responseType: 'arraybuffer' });
    assert.ok(Buffer.from(old.data as unknown as ArrayBuffer).equals(v1));
    assert.equal(emu.drive.listAll().find((f) => f.id === file.id)?.revisions, 2);
  });

  test('fields: a bad selector is 400 invalidParameter; * returns everything', async () => {
    const file = await upload('f', Buffer.from('f'));
    const err = await rejection(c.drive.files.get({ fileId: file.id!, fields: 'id,nmae' }));
    assert.equal(err.status, 400);
    assert.equal(reasonOf(err), 'invalidParameter');
    const all = await c.drive.files.get({ fileId: file.id!, fields: '*' });
    for (const key of [
      'id',
      'name',
      'mimeType',
      'parents',
      'size',
      'md5Checksum',
      'createdTime',
      'modifiedTime',
      'version',
      'headRevisionId',
      'trashed',
    ]) {
      assert.ok(key in all.data, key);
    }
    const dflt = await c.drive.files.get({ fileId: file.id! });
    assert.deepEqual(Object.keys(dflt.data).sort(), ['id', 'kind', 'mimeType', 'name']);
  });

  test("about.get: user and storage quota; 'root' alias", async () => {
    const about = await c.drive.about.get({ fields: 'user,storageQuota' });
    assert.equal(about.data.user?.emailAddress, USER);
    assert.equal(about.data.user?.kind, 'drive#user');
    assert.ok(Number(about.data.storageQuota?.usage) > 0);
    assert.equal((await rejection(c.drive.about.get({}))).status, 400);
    const root = await c.drive.files.get({ fileId: 'root', fields: 'id,name,mimeType' });
    assert.equal(root.data.id, emu.drive.rootFolderId(USER));
    assert.equal(root.data.mimeType, FOLDER);
  });

  test('shared drives need supportsAllDrives', async () => {
    const driveId = emu.drive.createSharedDrive('Team', USER);
    const err = await rejection(c.drive.files.create({ requestBody: { name: 'x', parents: [driveId] } }));
    assert.equal(err.status, 404);
    const f = await c.drive.files.create({
      requestBody: { name: 'in-team', parents: [driveId] },
      supportsAllDrives: true,
      fields: 'id,driveId',
    });
    assert.equal(f.data.driveId, driveId);
    assert.equal((await rejection(c.drive.files.get({ fileId: f.data.id! }))).status, 404);
    const list = await c.drive.files.list({
      corpora: 'drive',
      driveId,
      includeItemsFromAllDrives: true,
      supportsAllDrives: true,
      fields: 'files(id)',
    });
    assert.deepEqual(list.data.files, [{ id: f.data.id }]);
    const mine = await c.drive.files.list({ q: "name = 'in-team'", fields: 'files(id)' });
    assert.deepEqual(mine.data.files, []);
  });
});

describe('auth and scopes', () => {
  test('401 without a token and with a bad one, in Drive’s shape', async () => {
    const url = `${emu.env.DRIVE_EMULATOR_HOST}/drive/v3/files`;
    const none = await fetch(url);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="https://accounts.google.com/"');
    assert.equal(((await none.json()) as { error: { errors: Array<{ reason: string }> } }).error.errors[0]!.reason, 'required');
    const bad = await fetch(url, { headers: { authorization: 'Bearer not-a-token' } });
    assert.equal(bad.status, 401);
    assert.equal(bad.headers.get('www-authenticate'), 'Bearer realm="https://accounts.google.com/"');
    const body = (await bad.json()) as { error: Record<string, unknown> };
    assert.equal(body.error.code, 401);
    assert.equal(body.error.status, 'UNAUTHENTICATED');
    assert.match(String(body.error.message), /^Request had invalid authentication credentials\. Expected OAuth 2 access token/);
    assert.deepEqual(body.error.errors, [
      { message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' },
    ]);
  });

  test('the client surfaces a 401 for a bad access token without a refresh token', async () => {
    const client = driveClient(emu);
    client.auth.setCredentials({ access_token: 'bogus' });
    const err = await rejection(client.drive.files.list({}));
    assert.equal(err.status, 401);
    assert.equal(reasonOf(err), 'authError');
  });

  test('an expired access token: 401 unless forceRefreshOnFailure, which refreshes and succeeds', async () => {
    const plain = driveClient(emu);
    const forced = driveClient(emu, emu.seed, { forceRefreshOnFailure: true });
    await plain.drive.files.list({ pageSize: 1 });
    await forced.drive.files.list({ pageSize: 1 });
    emu.oauth.expireAccessTokens();
    // google-auth-library knows the expiry_date, so it does not refresh on a 401 by default ...
    assert.equal((await rejection(plain.drive.files.list({ pageSize: 1 }))).status, 401);
    // ... but does with forceRefreshOnFailure (for requests without a stream body).
    const grants = emu.hub.counters()['oauth.token.grant'] ?? 0;
    const listed = emu.hub.counters()['drive.files.list'] ?? 0;
    const ok = await forced.drive.files.list({ pageSize: 1 });
    assert.equal(ok.status, 200);
    assert.equal(emu.hub.counters()['oauth.token.grant'], grants + 1);
    assert.equal(emu.hub.counters()['drive.files.list'], listed + 2);
    c = driveClient(emu); // every token of this process is dead: start the shared client afresh
  });

  test('a token that expires within 5 minutes is refreshed before each request', async () => {
    emu.oauth.setAccessTokenLifetime(60);
    try {
      const client = driveClient(emu);
      const grants = () => emu.hub.counters()['oauth.token.grant'] ?? 0;
      const before0 = grants();
      await client.drive.files.list({ pageSize: 1 });
      await client.drive.files.list({ pageSize: 1 });
      assert.equal(grants(), before0 + 2);
    } finally {
      emu.oauth.setAccessTokenLifetime(3600);
    }
  });

  test('drive.file: items of other clients are invisible (404), own items visible', async () => {
    const handMade = await folder('hand-made'); // by the seed client (drive scope)
    const fileOnly = driveClient(emu, otherClient(emu, [SCOPE_FILE]));
    const e1 = await rejection(fileOnly.drive.files.get({ fileId: handMade }));
    assert.equal(e1.status, 404);
    assert.equal(e1.response?.data.error?.message, `File not found: ${handMade}.`);
    const e2 = await rejection(fileOnly.drive.files.create({ requestBody: { name: 'x', parents: [handMade] } }));
    assert.equal(e2.status, 404);
    const listed = await fileOnly.drive.files.list({ q: "name = 'hand-made'", fields: 'files(id)' });
    assert.deepEqual(listed.data.files, []);
    // A drive-scoped token of yet another client: still not this client's.
    const otherFull = driveClient(emu, otherClient(emu, [SCOPE_DRIVE]));
    const theirs = await folder('theirs', undefined, otherFull);
    assert.equal((await rejection(fileOnly.drive.files.get({ fileId: theirs }))).status, 404);
    // Its own folder (in root, which drive.file may use) is visible to it and to full-scope clients.
    const own = await folder('own', undefined, fileOnly);
    assert.equal((await fileOnly.drive.files.get({ fileId: own, fields: 'id' })).data.id, own);
    assert.equal((await c.drive.files.get({ fileId: own, fields: 'id' })).data.id, own);
    assert.equal(emu.drive.listAll(USER).find((f) => f.id === own)?.createdByClient, fileOnly.auth._clientId);
  });

  test('a token without any Drive scope is 403 insufficientPermissions', async () => {
    const none = driveClient(emu, otherClient(emu, ['https://www.googleapis.com/auth/devstorage.read_only']));
    const err = await rejection(none.drive.files.list({}));
    assert.equal(err.status, 403);
    assert.equal(reasonOf(err), 'insufficientPermissions');
  });
});

describe('quotas and list lag', () => {
  test('storage quota: 403 storageQuotaExceeded (usageLimits)', async () => {
    const client = driveClient(emu, otherClient(emu, [SCOPE_DRIVE], 'storage@example.com'));
    emu.drive.setStorageQuota(1000);
    try {
      await upload('fits', testBytes(600), { client });
      const err = await rejection(upload('too-much', testBytes(600), { client }));
      assert.equal(err.status, 403);
      assert.deepEqual(err.response?.data.error?.errors?.[0], {
        message: "The user's Drive storage quota has been exceeded.",
        domain: 'usageLimits',
        reason: 'storageQuotaExceeded',
      });
      const about = await client.drive.about.get({ fields: 'storageQuota' });
      assert.deepEqual([about.data.storageQuota?.limit, about.data.storageQuota?.usage], ['1000', '600']);
      await client.drive.files.create({ requestBody: { name: 'folders are free', mimeType: FOLDER } });
    } finally {
      emu.drive.setStorageQuota(undefined);
    }
  });

  test('daily upload limit: 403 userRateLimitExceeded once used up', async () => {
    const client = driveClient(emu, otherClient(emu, [SCOPE_DRIVE], 'daily@example.com'));
    emu.drive.setDailyUploadLimit(1000);
    try {
      await upload('a', testBytes(600), { client });
      await upload('b', testBytes(600), { client }); // started under the limit: completes
      const err = await rejection(upload('c', testBytes(10), { client }));
      assert.equal(err.status, 403);
      assert.equal(err.response?.data.error?.message, 'User rate limit exceeded.');
      assert.deepEqual(err.response?.data.error?.errors?.[0], {
        message: 'User rate limit exceeded.',
        domain: 'usageLimits',
        reason: 'userRateLimitExceeded',
      });
    } finally {
      emu.drive.setDailyUploadLimit(undefined);
    }
  });

  test('list lag: a new file is missing from files.list, present in files.get, and listed after the lag', async () => {
    // An hour's lag while the file must be missing (however slow the machine), then a short one that a
    // sleep is sure to outlast (a sleep never ends early): no verdict races the clock.
    const LAG = 200;
    const parent = await folder('lagged');
    emu.drive.setListLag(3_600_000);
    try {
      const createdAt = Date.now();
      const file = await upload('late', Buffer.from('late'), { parent });
      const q = `'${parent}' in parents`;
      assert.deepEqual((await c.drive.files.list({ q, fields: 'files(id)' })).data.files, []);
      assert.equal((await c.drive.files.get({ fileId: file.id!, fields: 'id' })).data.id, file.id);
      emu.drive.setListLag(LAG);
      await sleep(Math.max(0, createdAt + LAG + 100 - Date.now()));
      assert.deepEqual((await c.drive.files.list({ q, fields: 'files(id)' })).data.files, [{ id: file.id }]);
    } finally {
      emu.drive.setListLag(0);
    }
  });

  test('control routes', async () => {
    const base = `${emu.env.DRIVE_EMULATOR_HOST}/_emulator/drive`;
    const post = (path: string, payload: unknown) =>
      fetch(`${base}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) }).then(
        (r) => r.json(),
      );
    assert.deepEqual(await post('quota', { storageQuotaBytes: 5, dailyUploadBytes: 7 }), { storageQuotaBytes: 5, dailyUploadBytes: 7 });
    assert.deepEqual(await post('quota', { storageQuotaBytes: null, dailyUploadBytes: null }), {
      storageQuotaBytes: null,
      dailyUploadBytes: null,
    });
    assert.deepEqual(await post('list-lag', { ms: 0 }), { listLagMs: 0 });
    const files = (await fetch(`${base}/files?user=${encodeURIComponent(USER)}`).then((r) => r.json())) as {
      files: Array<{ owner: string }>;
    };
    assert.ok(files.files.length > 250);
    assert.ok(files.files.every((f) => f.owner === USER));
  });
});

describe('injected faults, as the client sees them', () => {
  const counter = (route: string) => emu.hub.counters()[route] ?? 0;

  test('403 rateLimitExceeded: not retried by the client', async () => {
    emu.hub.faults.add({
      route: 'drive.files.list',
      action: {
        kind: 'status',
        status: 403,
        body: {
          error: {
            code: 403,
            message: 'Rate Limit Exceeded',
            errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' }],
          },
        },
      },
    });
    const n = counter('drive.files.list');
    const err = await rejection(c.drive.files.list({ pageSize: 1 }));
    assert.equal(err.status, 403);
    assert.equal(reasonOf(err), 'rateLimitExceeded');
    assert.equal(counter('drive.files.list'), n + 1);
  });

  test('429 with Retry-After: retried (GET) after gaxios’ own backoff, ignoring Retry-After', async () => {
    // Retry-After an hour away, past the test runner's timeout: a client honouring it would never get here.
    emu.hub.faults.add({
      route: 'drive.files.list',
      action: { kind: 'status', status: 429, headers: { 'retry-after': '3600' }, body: {} },
    });
    const n = counter('drive.files.list');
    const res = await c.drive.files.list({ pageSize: 1 });
    assert.equal(res.status, 200);
    assert.equal(counter('drive.files.list'), n + 2);
  });

  test('500 and 503 on GET: retried (up to 3 times) and succeeds', async () => {
    emu.hub.faults.add({ route: 'drive.files.get', action: { kind: 'status', status: 500, body: {} } });
    emu.hub.faults.add({ route: 'drive.files.get', nth: 2, action: { kind: 'status', status: 503, body: {} } });
    const n = counter('drive.files.get');
    const res = await c.drive.files.get({ fileId: 'root', fields: 'id' });
    assert.equal(res.status, 200);
    assert.equal(counter('drive.files.get'), n + 3);
  });

  test('503 on POST (files.create, uploads): not retried', async () => {
    emu.hub.faults.add({ route: 'drive.files.create', action: { kind: 'status', status: 503, body: {} } });
    const n = counter('drive.files.create');
    const err = await rejection(c.drive.files.create({ requestBody: { name: 'x' } }));
    assert.equal(err.status, 503);
    assert.equal(counter('drive.files.create'), n + 1);
    emu.hub.faults.add({ route: 'drive.upload.create', action: { kind: 'status', status: 500, body: {} } });
    const u = counter('drive.upload.create');
    assert.equal((await rejection(upload('x', Buffer.from('x')))).status, 500);
    assert.equal(counter('drive.upload.create'), u + 1);
  });

  test('latency delays the reply', async () => {
    emu.hub.faults.add({ route: 'drive.files.get', action: { kind: 'latency', ms: 300 } });
    const t0 = Date.now();
    await c.drive.files.get({ fileId: 'root', fields: 'id' });
    assert.ok(Date.now() - t0 >= 290);
  });

  test('a response cut mid-body (buffered download, GET) is retried by gaxios and the retry succeeds', async () => {
    const bytes = testBytes(300 * KiB, 3);
    const file = await upload('cut.bin', bytes);
    emu.hub.faults.add({ route: 'drive.files.download', action: { kind: 'reset', direction: 'response', afterBytes: 1000 } });
    const n = counter('drive.files.download');
    const got = await download(file.id!);
    assert.ok(got.bytes.equals(bytes));
    assert.equal(counter('drive.files.download'), n + 2);
  });

  test('a response cut on a streamed download surfaces to the reader (no retry)', async () => {
    const bytes = testBytes(300 * KiB, 4);
    const file = await upload('cut-stream.bin', bytes);
    emu.hub.faults.add({ route: 'drive.files.download', action: { kind: 'reset', direction: 'response', afterBytes: 100 * KiB } });
    const n = counter('drive.files.download');
    const res = await c.drive.files.get({ fileId: file.id!, alt: 'media' }, { responseType: 'stream' });
    let received = 0;
    const read = async () => {
      for await (const chunk of res.data as unknown as Readable) received += (chunk as Buffer).length;
    };
    await assert.rejects(read());
    assert.ok(received < bytes.length);
    assert.equal(counter('drive.files.download'), n + 1);
  });
});

test('raw wire: upload URL shapes and bearer auth', async () => {
  const headers = await bearer(c);
  const res = await fetch(`${emu.env.DRIVE_EMULATOR_HOST}/upload/drive/v3/files?uploadType=media&fields=id,size`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'text/plain' },
    body: 'hello',
  });
  assert.equal(res.status, 200);
  const json = (await res.json()) as { id: string; size: string };
  assert.equal(json.size, '5');
  assert.equal(emu.drive.readContent(json.id)?.toBuffer().toString(), 'hello');
});
