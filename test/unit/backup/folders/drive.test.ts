/**
 * The Drive side of the folder resolver (drive.ts) against Drive in memory behind the real gateway: a
 * folder is usable when it is there and not trashed; a folder is adopted only by its key under its
 * parent; a create with an id that exists already is not an error (another instance made it); the
 * root's name and parent; Drive's refusals come back as they are, and transient failures are retried.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FolderDrive, FOLDER_KEY_PROPERTY } from '../../../../src/backup/folders/drive.js';
import { FOLDER_MIME_TYPE } from '../../../../src/drive/query.js';
import { driveError } from '../../core/library-errors.js';
import { FakeDrive, type FakeFile } from '../fakes.js';

function world(...files: Omit<FakeFile, 'revisions'>[]) {
  const drive = new FakeDrive();
  for (const f of files) drive.files.set(f.id, { ...f, revisions: [] });
  const queries: string[] = [];
  const list = drive.api.files.list;
  drive.api.files.list = (p) => {
    queries.push(String(p.q));
    return list(p);
  };
  return { drive, queries, folders: new FolderDrive(drive.gateway()) };
}
const folder = (id: string, parent: string, key: string, trashed = false) => ({
  id,
  name: id,
  mimeType: FOLDER_MIME_TYPE,
  parents: [parent],
  appProperties: { [FOLDER_KEY_PROPERTY]: key },
  trashed,
});
const refusal = () => driveError(403, 'insufficientFilePermissions', {}, 'The user does not have sufficient permissions for this file.');
const outage = () => driveError(503, 'backendError', {}, 'Backend Error');

describe('FolderDrive.usable', () => {
  const cases: [string, Omit<FakeFile, 'revisions'>[], boolean][] = [
    ['a folder that is there', [folder('a', 'root', 'k')], true],
    ['a folder in the trash', [folder('a', 'root', 'k', true)], false],
    ['a folder deleted (404)', [], false],
  ];
  for (const [name, files, usable] of cases) {
    test(`${name} → ${usable}`, async () => assert.equal(await world(...files).folders.usable('a', 'files.get (folder)'), usable));
  }

  test("Drive's refusal (403) comes back as it is, not as a missing folder", async () => {
    const w = world(folder('a', 'root', 'k'));
    w.drive.fail.set('files.get', refusal);
    await assert.rejects(w.folders.usable('a', 'files.get (folder)'), (err: Error & { status?: number }) => err.status === 403);
  });

  test('a 503 is retried by the gateway', async () => {
    const w = world(folder('a', 'root', 'k'));
    w.drive.fail.set('files.get', outage);
    assert.equal(await w.folders.usable('a', 'files.get (folder)'), true);
    assert.deepEqual(w.drive.calls, ['files.get', 'files.get']);
  });
});

describe('FolderDrive.adopt', () => {
  test('the folder carrying the key under the parent, in one list', async () => {
    const w = world(folder('other-key', 'root', 'k2'), folder('elsewhere', 'p2', 'k'), folder('mine', 'root', 'k'));
    assert.equal(await w.folders.adopt('k', 'root'), 'mine');
    assert.deepEqual(w.drive.calls, ['files.list']);
  });

  test('none: undefined (a trashed one does not count)', async () => {
    const w = world(folder('trashed', 'root', 'k', true), folder('other-key', 'root', 'k2'));
    assert.equal(await w.folders.adopt('k', 'root'), undefined);
  });

  test('the query asks for folders, not trashed, with the key, in the parent', async () => {
    const w = world();
    await w.folders.adopt('k', 'root');
    const [query] = w.queries;
    for (const part of [
      "'root' in parents",
      `mimeType = '${FOLDER_MIME_TYPE}'`,
      'trashed = false',
      `key='${FOLDER_KEY_PROPERTY}'`,
      "value='k'",
    ]) {
      assert.ok(query?.includes(part), `${part} in ${query}`);
    }
  });
});

describe('FolderDrive.create', () => {
  const made = { id: 'id-1', name: 'a', parentId: 'root', key: 'k' };

  test('a folder with its pre-generated id, name, parent and key', async () => {
    const w = world();
    await w.folders.create(made);
    const { revisions: _, ...file } = w.drive.files.get('id-1') ?? { revisions: [] };
    assert.deepEqual(file, {
      id: 'id-1',
      name: 'a',
      mimeType: FOLDER_MIME_TYPE,
      parents: ['root'],
      appProperties: { [FOLDER_KEY_PROPERTY]: 'k' },
    });
  });

  test('the id exists already (409: made by another instance, or our lost reply): done, nothing changed', async () => {
    const w = world(folder('id-1', 'root', 'k'));
    await w.folders.create(made);
    assert.equal(w.drive.files.get('id-1')?.name, 'id-1');
    assert.deepEqual(w.drive.calls, ['files.create']);
  });

  test("a 503 is retried; Drive's refusal comes back as it is", async () => {
    const w = world();
    w.drive.fail.set('files.create', outage);
    await w.folders.create(made);
    assert.ok(w.drive.files.has('id-1'));
    const refused = world();
    refused.drive.fail.set('files.create', refusal);
    await assert.rejects(refused.folders.create(made), (err: Error & { status?: number }) => err.status === 403);
  });
});

describe('FolderDrive.rootPlace', () => {
  const cases: [string, Omit<FakeFile, 'revisions'>, { name: string; parentId?: string }][] = [
    ['a root in My Drive', { id: 'root', name: 'backup', parents: ['my-drive'] }, { name: 'backup', parentId: 'my-drive' }],
    ['a root with no parent shown (a shared drive)', { id: 'root', name: 'backup' }, { name: 'backup', parentId: undefined }],
    ['a root whose name is not shown: its id', { id: 'root' }, { name: 'root', parentId: undefined }],
  ];
  for (const [name, root, place] of cases) {
    test(name, async () => assert.deepEqual(await world(root).folders.rootPlace('root'), place));
  }
});
