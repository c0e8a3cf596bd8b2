/**
 * The folder resolver (folders.ts) against Drive in memory and a state bucket in memory: the folders of
 * an object path are made once each, with the ids their records hold, even for concurrent backups; a warm
 * instance resolves them with no request; a folder deleted in Drive is replaced; a folder made before the
 * state was lost is adopted, not made twice; a missing root is the operator's problem.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FolderResolver, RootFolderError, folderKey, FOLDER_KEY_PROPERTY } from '../../../../src/backup/folders/folders.js';
import { FakeDrive, FakeStore, fakeIds } from '../fakes.js';

function world(drive = new FakeDrive(), store = new FakeStore()) {
  if (!drive.files.has('root')) drive.files.set('root', { id: 'root', name: 'backup', revisions: [] });
  const ids = fakeIds();
  const resolver = new FolderResolver({ drive: drive.gateway(), store, ids, rootId: 'root' });
  return { drive, store, ids, resolver };
}
const folderOf = (w: ReturnType<typeof world>, id: string) => {
  const f = w.drive.files.get(id);
  return f && { name: f.name, parents: f.parents, key: f.appProperties?.[FOLDER_KEY_PROPERTY] };
};

describe('FolderResolver', () => {
  test('a path: each folder made once in its parent, with the id its record holds', async () => {
    const w = world();
    const placement = await w.resolver.place('a/b/c.txt');
    assert.deepEqual([placement.folders, placement.fileName, placement.parentId], [['a', 'b'], 'c.txt', 'id-2']);
    assert.deepEqual(folderOf(w, 'id-1'), { name: 'a', parents: ['root'], key: folderKey('root', ['a']) });
    assert.deepEqual(folderOf(w, 'id-2'), { name: 'b', parents: ['id-1'], key: folderKey('root', ['a', 'b']) });
    assert.deepEqual((await w.store.read(`folders/${folderKey('root', ['a', 'b'])}`))?.value, { id: 'id-2', created: true });
  });

  test('a warm instance resolves known folders with no request', async () => {
    const w = world();
    await w.resolver.place('a/b/c.txt');
    const calls = w.drive.calls.length;
    assert.equal((await w.resolver.place('a/b/d.txt')).parentId, 'id-2');
    assert.equal(w.drive.calls.length, calls);
  });

  test('concurrent backups into one new folder make it once', async () => {
    const w = world();
    const placements = await Promise.all(['x/1', 'x/2', 'x/3'].map((name) => w.resolver.place(name)));
    assert.deepEqual(
      placements.map((p) => p.parentId),
      ['id-1', 'id-1', 'id-1'],
    );
    assert.equal(w.drive.calls.filter((c) => c === 'files.create').length, 1);
  });

  test('a second instance uses the folder the first made (its record), and makes none', async () => {
    const w = world();
    await w.resolver.place('a/c.txt');
    const other = world(w.drive, w.store);
    assert.equal((await other.resolver.place('a/d.txt')).parentId, 'id-1');
    assert.equal(w.drive.calls.filter((c) => c === 'files.create').length, 1);
  });

  test('a folder deleted in Drive is replaced by a new one (new id) for every instance', async () => {
    const w = world();
    await w.resolver.place('a/c.txt');
    w.drive.files.delete('id-1');
    const other = world(w.drive, w.store);
    const placement = await other.resolver.place('a/d.txt');
    assert.equal(placement.parentId, 'id-1', "the other instance's own id pool starts again at id-1");
    assert.deepEqual((await w.store.read(`folders/${folderKey('root', ['a'])}`))?.value, { id: 'id-1', created: true });
    assert.deepEqual(folderOf(w, 'id-1'), { name: 'a', parents: ['root'], key: folderKey('root', ['a']) });
  });

  test('state lost: the folder this tool made is adopted, not made twice', async () => {
    const drive = new FakeDrive();
    drive.files.set('old', {
      id: 'old',
      name: 'a',
      parents: ['root'],
      appProperties: { [FOLDER_KEY_PROPERTY]: folderKey('root', ['a']) },
      revisions: [],
    });
    const w = world(drive);
    assert.equal((await w.resolver.place('a/c.txt')).parentId, 'old');
    assert.deepEqual([...drive.files.keys()].sort(), ['old', 'root'], 'no second folder');
  });

  test('a root folder missing from Drive is the operator’s problem', async () => {
    const w = world();
    w.drive.files.delete('root');
    await assert.rejects(w.resolver.place('a/c.txt'), RootFolderError);
  });
});
