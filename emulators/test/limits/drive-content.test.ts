/**
 * Drive's limits on content and ids through `@googleapis/drive`: revisions kept forever per file (a cap of
 * 2 here, 200 at Google), a kept-forever revision that cannot be let go except by deleting it, Google
 * Workspace types converted on upload (no md5Checksum, no size, not downloadable), and ids from
 * generateIds bound to the user who asked for them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '../../index.js';
import { driveClient, md5Hex, otherClient, rejection, SCOPE_DRIVE, type DriveClient } from '../drive/helpers.js';

const CAP = 2;

let emu: Emulators;
let c: DriveClient;

before(async () => {
  emu = await startEmulators({ limits: { ...RATE_LIMITS_OFF, drive: { ...RATE_LIMITS_OFF.drive, keepForeverRevisions: CAP } } });
  c = driveClient(emu);
});
after(() => emu.stop());

const media = (text: string, mimeType = 'text/plain') => ({ mimeType, body: Readable.from([Buffer.from(text)]) });

async function revise(fileId: string, text: string, keepRevisionForever: boolean) {
  return c.drive.files.update({ fileId, media: media(text), keepRevisionForever, fields: 'headRevisionId,md5Checksum' }, c.media);
}

const revisions = async (fileId: string) =>
  (await c.drive.revisions.list({ fileId, fields: 'revisions(id,keepForever,md5Checksum)' })).data.revisions ?? [];

describe('revisions kept forever', () => {
  test(`the ${CAP + 1}th revision kept forever is refused, on upload and on revisions.update; nothing is added`, async () => {
    const created = await c.drive.files.create(
      { requestBody: { name: 'pinned.txt' }, media: media('v1'), keepRevisionForever: true, fields: 'id' },
      c.media,
    );
    const id = created.data.id!;
    await revise(id, 'v2', true);
    const err = await rejection(revise(id, 'v3', true));
    assert.equal(err.status, 403);
    assert.deepEqual(err.response?.data.error?.errors?.[0], {
      message: `This file already has the maximum of ${CAP} revisions kept forever. Delete a revision kept forever (revisions.delete) before keeping another one.`,
      domain: 'global',
      reason: 'keepForeverLimitExceeded',
    });
    assert.equal((await revisions(id)).length, 2, 'the refused upload added no revision');
    const session = await fetch(
      `${emu.env.DRIVE_EMULATOR_HOST}/upload/drive/v3/files/${id}?uploadType=resumable&keepRevisionForever=true`,
      {
        method: 'PATCH',
        headers: { authorization: `Bearer ${(await c.auth.getAccessToken()).token}`, 'content-type': 'application/json' },
        body: '{}',
      },
    );
    assert.equal(session.status, 403, 'a resumable revision is refused before its bytes are sent');

    await revise(id, 'v3', false);
    const head = (await revisions(id)).at(-1)!;
    const pin = await rejection(c.drive.revisions.update({ fileId: id, revisionId: head.id!, requestBody: { keepForever: true } }));
    assert.equal(pin.status, 403);
  });

  test('a revision kept forever cannot be set back to false (400 illegalKeepForeverModification); deleting it makes room', async () => {
    const created = await c.drive.files.create(
      { requestBody: { name: 'room.txt' }, media: media('a'), keepRevisionForever: true, fields: 'id' },
      c.media,
    );
    const id = created.data.id!;
    await revise(id, 'b', true);
    const [oldest] = await revisions(id);
    const unpin = await rejection(c.drive.revisions.update({ fileId: id, revisionId: oldest!.id!, requestBody: { keepForever: false } }));
    assert.deepEqual(unpin.response?.data, {
      error: {
        code: 400,
        message: 'Bad Request. Cannot update a revision to false that is marked as keepForever.',
        errors: [
          {
            message: 'Bad Request. Cannot update a revision to false that is marked as keepForever.',
            domain: 'global',
            reason: 'illegalKeepForeverModification',
          },
        ],
      },
    });
    await c.drive.revisions.delete({ fileId: id, revisionId: oldest!.id! });
    const after = await revise(id, 'c', true);
    assert.equal(after.data.md5Checksum, md5Hex(Buffer.from('c')));
    assert.deepEqual(
      (await revisions(id)).map((r) => [r.md5Checksum, r.keepForever]),
      [
        [md5Hex(Buffer.from('b')), true],
        [md5Hex(Buffer.from('c')), true],
      ],
    );
  });

  test('revisions.delete: deleting the head makes the previous one current; the last one cannot go', async () => {
    const created = await c.drive.files.create({ requestBody: { name: 'heads.txt' }, media: media('one'), fields: 'id' }, c.media);
    const id = created.data.id!;
    const second = await revise(id, 'two', false);
    await c.drive.revisions.delete({ fileId: id, revisionId: second.data.headRevisionId! });
    const file = await c.drive.files.get({ fileId: id, fields: 'md5Checksum,size' });
    assert.deepEqual(file.data, { md5Checksum: md5Hex(Buffer.from('one')), size: '3' });
    const [only] = await revisions(id);
    assert.equal((await rejection(c.drive.revisions.delete({ fileId: id, revisionId: only!.id! }))).status, 400);
  });
});

describe('Google Workspace types', () => {
  test('content uploaded as application/vnd.google-apps.document is converted: no md5Checksum, size or headRevisionId; not downloadable', async () => {
    const created = await c.drive.files.create(
      {
        requestBody: { name: 'notes', mimeType: 'application/vnd.google-apps.document' },
        media: media('some text'),
        fields: 'id,mimeType,md5Checksum,size,headRevisionId,quotaBytesUsed',
      },
      c.media,
    );
    assert.deepEqual(
      { ...created.data, id: undefined },
      { id: undefined, mimeType: 'application/vnd.google-apps.document', quotaBytesUsed: '0' },
    );
    const download = await rejection(c.drive.files.get({ fileId: created.data.id!, alt: 'media' }));
    assert.equal(download.status, 403);
    const listed = await c.drive.files.list({ q: "name = 'notes'", fields: 'files(md5Checksum,size)' });
    assert.deepEqual(listed.data.files, [{}]);
    const view = emu.drive.listAll().find((f) => f.id === created.data.id);
    assert.equal(view?.md5Checksum, undefined);
  });

  test('a media part whose own type is a Workspace type is converted too', async () => {
    const created = await c.drive.files.create(
      { requestBody: { name: 'sheet' }, media: media('a,b', 'application/vnd.google-apps.spreadsheet'), fields: 'mimeType,md5Checksum' },
      c.media,
    );
    assert.deepEqual(created.data, { mimeType: 'application/vnd.google-apps.spreadsheet' });
  });
});

describe('generated ids', () => {
  test("an id from generateIds is the asking user's: another user is refused (400 fileIdNotUsable), the owner is not", async () => {
    const other = driveClient(emu, otherClient(emu, [SCOPE_DRIVE], 'someone-else@example.com'));
    const [id] = (await c.drive.files.generateIds({ count: 1 })).data.ids!;
    const err = await rejection(other.drive.files.create({ requestBody: { id, name: 'not yours' }, fields: 'id' }));
    assert.equal(err.status, 400);
    assert.deepEqual(err.response?.data.error?.errors?.[0], {
      message: 'The provided file ID is not usable.',
      domain: 'global',
      reason: 'fileIdNotUsable',
      location: 'file.id',
      locationType: 'parameter',
    });
    const session = await fetch(`${emu.env.DRIVE_EMULATOR_HOST}/upload/drive/v3/files?uploadType=resumable`, {
      method: 'POST',
      headers: { authorization: `Bearer ${(await other.auth.getAccessToken()).token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id, name: 'not yours either' }),
    });
    assert.equal(session.status, 400, 'refused when the resumable session would open');
    const mine = await c.drive.files.create({ requestBody: { id, name: 'mine' }, fields: 'id' });
    assert.equal(mine.data.id, id);
  });
});
