/**
 * What each new revision records of the upload that made it (the Revision resource's originalFilename,
 * modifiedTime, md5Checksum, size, mimeType), for creates and updates, multipart through
 * `@googleapis/drive` and resumable by hand (the client has no resumable upload). Whether Drive carries an
 * `originalFilename` set on an update into the new revision is the emulator's guess (file-ops.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '../../index.js';
import { bearer, body, driveClient, md5Hex, type DriveClient } from './helpers.js';

let emu: Emulators;
let c: DriveClient;

before(async () => {
  emu = await startEmulators({ limits: RATE_LIMITS_OFF });
  c = driveClient(emu);
});
after(() => emu.stop());

const FIELDS = 'revisions(id,originalFilename,modifiedTime,md5Checksum,size,mimeType)';
const revisions = async (fileId: string) => (await c.drive.revisions.list({ fileId, fields: FIELDS })).data.revisions!;
const media = (bytes: Buffer, mimeType: string) => ({ mimeType, body: Readable.from([bytes]) });

/** A whole resumable upload in one PUT; `fileId` makes it an update. */
async function resumable(metadata: Record<string, unknown>, bytes: Buffer, mimeType: string, fileId?: string): Promise<string> {
  const path = fileId ? `/upload/drive/v3/files/${fileId}` : '/upload/drive/v3/files';
  const init = await fetch(`${emu.env.DRIVE_EMULATOR_HOST}${path}?uploadType=resumable`, {
    method: fileId ? 'PATCH' : 'POST',
    headers: { ...(await bearer(c)), 'content-type': 'application/json; charset=UTF-8', 'x-upload-content-type': mimeType },
    body: JSON.stringify(metadata),
  });
  assert.equal(init.status, 200);
  const put = await fetch(init.headers.get('location')!, { method: 'PUT', body: body(bytes) });
  assert.equal(put.status, 200);
  return ((await put.json()) as { id: string }).id;
}

test('multipart create and update: each revision has the originalFilename, modifiedTime, md5Checksum, size and mimeType its upload set', async () => {
  const v1 = Buffer.from('first version');
  const v2 = Buffer.from('{"second":true}');
  const created = await c.drive.files.create(
    {
      requestBody: { name: 'shown.txt', originalFilename: 'bucket/a.txt', modifiedTime: '2026-01-02T03:04:05.678Z' },
      media: media(v1, 'text/plain'),
      fields: 'id,originalFilename',
    },
    c.media,
  );
  const id = created.data.id!;
  assert.equal(created.data.originalFilename, 'bucket/a.txt');
  await c.drive.files.update(
    {
      fileId: id,
      requestBody: { originalFilename: 'bucket/a.txt#2', modifiedTime: '2026-02-03T04:05:06.000Z' },
      media: media(v2, 'application/json'),
    },
    c.media,
  );
  const [r1, r2] = await revisions(id);
  assert.deepEqual(
    { ...r1, id: undefined },
    {
      id: undefined,
      originalFilename: 'bucket/a.txt',
      modifiedTime: '2026-01-02T03:04:05.678Z',
      md5Checksum: md5Hex(v1),
      size: String(v1.length),
      mimeType: 'text/plain',
    },
  );
  assert.deepEqual(
    { ...r2, id: undefined },
    {
      id: undefined,
      originalFilename: 'bucket/a.txt#2',
      modifiedTime: '2026-02-03T04:05:06.000Z',
      md5Checksum: md5Hex(v2),
      size: String(v2.length),
      mimeType: 'application/json',
    },
  );
  const file = await c.drive.files.get({ fileId: id, fields: 'originalFilename,modifiedTime,headRevisionId' });
  assert.deepEqual(file.data, { originalFilename: 'bucket/a.txt#2', modifiedTime: '2026-02-03T04:05:06.000Z', headRevisionId: r2!.id });

  // An update that sets no originalFilename carries the file's over (the emulator's guess).
  await c.drive.files.update({ fileId: id, media: media(Buffer.from('third'), 'text/plain') }, c.media);
  assert.equal((await revisions(id))[2]!.originalFilename, 'bucket/a.txt#2');
});

test('resumable create and update carry the session metadata into the revision', async () => {
  const v1 = Buffer.from('resumable one');
  const v2 = Buffer.from('resumable two, longer');
  const id = await resumable(
    { name: 'r.bin', originalFilename: 'gs-name-1', modifiedTime: '2025-12-01T00:00:00Z' },
    v1,
    'application/octet-stream',
  );
  await resumable({ originalFilename: 'gs-name-2', modifiedTime: '2025-12-02T00:00:00Z' }, v2, 'image/png', id);
  const [r1, r2] = await revisions(id);
  assert.deepEqual(
    [r1, r2].map((r) => [r!.originalFilename, r!.modifiedTime, r!.md5Checksum, r!.size, r!.mimeType]),
    [
      ['gs-name-1', '2025-12-01T00:00:00.000Z', md5Hex(v1), String(v1.length), 'application/octet-stream'],
      ['gs-name-2', '2025-12-02T00:00:00.000Z', md5Hex(v2), String(v2.length), 'image/png'],
    ],
  );
});

test('a metadata-only update of originalFilename changes the file (head revision) and adds no revision', async () => {
  const id = (
    await c.drive.files.create({ requestBody: { name: 'm' }, media: media(Buffer.from('m'), 'text/plain'), fields: 'id' }, c.media)
  ).data.id!;
  await c.drive.files.update({ fileId: id, requestBody: { originalFilename: 'renamed-original' } });
  const list = await revisions(id);
  assert.equal(list.length, 1);
  assert.equal(list[0]!.originalFilename, 'renamed-original');
  const bad = await fetch(`${emu.env.DRIVE_EMULATOR_HOST}/drive/v3/files/${id}`, {
    method: 'PATCH',
    headers: { ...(await bearer(c)), 'content-type': 'application/json' },
    body: JSON.stringify({ originalFilename: 7 }),
  });
  assert.equal(bad.status, 400);
});
