/**
 * Drive's structural limits through `@googleapis/drive`, with small values set through `startEmulators`:
 * children per folder (403 numChildrenInNonRootLimitExceeded), items per shared drive (403
 * teamDriveFileLimitExceeded) and folder depth (403 myDriveHierarchyDepthLimitExceeded /
 * teamDriveHierarchyTooDeep), on every path an item enters a folder: metadata create, simple, multipart
 * and resumable upload, and a move. Bodies as https://developers.google.com/workspace/drive/api/guides/handle-errors shows them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '../../index.js';
import { bearer, driveClient, FOLDER, rejection, type ClientError, type DriveClient } from '../drive/helpers.js';

const USER = 'user@example.com';
const FOLDER_CAP = 5;
const DEPTH = 4;
const SHARED_CAP = 6;

let emu: Emulators;
let c: DriveClient;

before(async () => {
  emu = await startEmulators({
    limits: {
      ...RATE_LIMITS_OFF,
      drive: { ...RATE_LIMITS_OFF.drive, folderChildren: FOLDER_CAP, folderDepth: DEPTH, sharedDriveItems: SHARED_CAP },
    },
  });
  c = driveClient(emu);
});
after(() => emu.stop());

async function mkdir(name: string, parent?: string, shared = false): Promise<string> {
  const res = await c.drive.files.create({
    requestBody: { name, mimeType: FOLDER, parents: parent ? [parent] : undefined },
    supportsAllDrives: shared,
    fields: 'id',
  });
  return res.data.id!;
}

const file = (name: string, parent: string, shared = false) =>
  c.drive.files.create({ requestBody: { name, parents: [parent] }, supportsAllDrives: shared, fields: 'id' });

/** The whole error body, as the client received it. */
function body(err: ClientError): unknown {
  return err.response?.data;
}

const FOLDER_FULL = {
  error: {
    code: 403,
    message: "The limit for this folder's number of children (files and folders) has been exceeded.",
    errors: [
      {
        message: "The limit for this folder's number of children (files and folders) has been exceeded.",
        domain: 'global',
        reason: 'numChildrenInNonRootLimitExceeded',
      },
    ],
  },
};

describe('children per folder', () => {
  test(`the ${FOLDER_CAP + 1}th child of a folder is refused on every way in; My Drive's root is exempt`, async () => {
    const full = await mkdir('full');
    for (let i = 0; i < FOLDER_CAP; i++) await file(`f${i}`, full);
    assert.deepEqual(body(await rejection(file('one too many', full))), FOLDER_FULL);
    assert.deepEqual(body(await rejection(mkdir('sub', full))), FOLDER_FULL);
    const multipart = await rejection(
      c.drive.files.create(
        { requestBody: { name: 'm', parents: [full] }, media: { mimeType: 'text/plain', body: Readable.from(['x']) } },
        c.media,
      ),
    );
    assert.equal(multipart.status, 403);
    const resumable = await fetch(`${emu.env.DRIVE_EMULATOR_HOST}/upload/drive/v3/files?uploadType=resumable`, {
      method: 'POST',
      headers: { ...(await bearer(c)), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'r', parents: [full] }),
    });
    assert.equal(resumable.status, 403, 'refused when the session would open');
    assert.deepEqual(await resumable.json(), FOLDER_FULL);

    const elsewhere = (await file('movable', 'root')).data.id!;
    const move = await rejection(c.drive.files.update({ fileId: elsewhere, addParents: full, removeParents: 'root', fields: 'id' }));
    assert.deepEqual(body(move), FOLDER_FULL);

    for (let i = 0; i < FOLDER_CAP + 2; i++) await file(`in-root-${i}`, 'root');
  });

  test('deleting a child makes room again; trashed children still count', async () => {
    const box = await mkdir('box');
    const ids: string[] = [];
    for (let i = 0; i < FOLDER_CAP; i++) ids.push((await file(`f${i}`, box)).data.id!);
    await c.drive.files.update({ fileId: ids[0]!, requestBody: { trashed: true } });
    assert.equal((await rejection(file('still full', box))).status, 403);
    await c.drive.files.delete({ fileId: ids[0]! });
    assert.ok((await file('fits again', box)).data.id);
  });
});

describe('folder depth', () => {
  test(`My Drive: folders ${DEPTH} levels deep; the last level holds files but no folders`, async () => {
    let parent = 'root';
    for (let level = 1; level <= DEPTH; level++) parent = await mkdir(`level-${level}`, parent);
    assert.ok((await file('a file at the deepest level', parent)).data.id);
    const err = await rejection(mkdir('too deep', parent));
    assert.deepEqual(body(err), {
      error: {
        code: 403,
        message: `Your My Drive can't contain more than ${DEPTH} levels of folders. For details, see https://developers.google.com/workspace/drive/api/guides/handle-errors#nested-folder-levels.`,
        errors: [
          {
            message: `Your My Drive can't contain more than ${DEPTH} levels of folders. For details, see https://developers.google.com/workspace/drive/api/guides/handle-errors#nested-folder-levels.`,
            domain: 'global',
            reason: 'myDriveHierarchyDepthLimitExceeded',
          },
        ],
      },
    });
  });

  test('moving a folder counts the levels it brings along', async () => {
    const a = await mkdir('a');
    const b = await mkdir('b', a);
    const tree = await mkdir('tree');
    const inner = await mkdir('inner', tree);
    await mkdir('innermost', inner);
    // b is level 2; tree brings 3 levels: 2 + 3 = 5 > 4.
    const err = await rejection(c.drive.files.update({ fileId: tree, addParents: b, removeParents: 'root' }));
    assert.equal(err.response?.data.error?.errors?.[0]?.reason, 'myDriveHierarchyDepthLimitExceeded');
    await c.drive.files.update({ fileId: tree, addParents: a, removeParents: 'root' });
  });
});

describe('shared drives', () => {
  test(`item cap (trash included) and depth: teamDriveFileLimitExceeded, teamDriveHierarchyTooDeep`, async () => {
    const drive = emu.drive.createSharedDrive('Team', USER);
    let parent = drive;
    for (let level = 1; level <= DEPTH; level++) parent = await mkdir(`t${level}`, parent, true);
    const deep = await rejection(mkdir('too deep', parent, true));
    assert.deepEqual(body(deep), {
      error: {
        code: 403,
        message: 'The shared drive hierarchy depth will exceed the limit.',
        errors: [
          { message: 'The shared drive hierarchy depth will exceed the limit.', domain: 'global', reason: 'teamDriveHierarchyTooDeep' },
        ],
      },
    });
    const trashed = (await file('trashed', drive, true)).data.id!;
    await c.drive.files.update({ fileId: trashed, requestBody: { trashed: true }, supportsAllDrives: true });
    await file('sixth', drive, true);
    const full = await rejection(file('seventh', drive, true));
    assert.deepEqual(body(full), {
      error: {
        code: 403,
        message: 'The file limit for this shared drive has been exceeded.',
        errors: [
          { message: 'The file limit for this shared drive has been exceeded.', domain: 'global', reason: 'teamDriveFileLimitExceeded' },
        ],
      },
    });
  });
});
