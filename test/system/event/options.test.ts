/**
 * The event path's options, end to end (each configuration is its own function instance): filters (and the
 * canary of `verify`, which passes them), ON_NEW_GENERATION = copy | skip, DELETE_MODE = trash, KEEP_REVISIONS_FOREVER.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CANARY_METADATA_KEY } from '../../../src/backup/select.js';
import { liveBackups, worldForFile, writeObject } from '../../support/world.js';
import { deliverStorageEvent } from '../../../harness/deliver.js';

const world = worldForFile();

const instance = async (env: Record<string, string>) => (await world().startFunction('event', env)).url;
const write = (name: string, content: string) => writeObject(world(), name, content);

test('INCLUDE_PREFIXES and EXCLUDE_GLOBS: filtered names are acknowledged without a file', async () => {
  const url = await instance({ INCLUDE_PREFIXES: 'keep/', EXCLUDE_GLOBS: '**/*.tmp' });
  for (const [name, expected] of [
    ['keep/a.txt', 1],
    ['keep/deep/b.tmp', 0],
    ['other/c.txt', 0],
  ] as const) {
    assert.equal(await deliverStorageEvent(url, await write(name, name)), 204, name);
    assert.equal(liveBackups(world(), name).length, expected, name);
  }
});

test('a canary of `verify` passes every filter; an unmarked object in the canary prefix does not', async () => {
  const url = await instance({ INCLUDE_PREFIXES: 'keep/', EXCLUDE_GLOBS: '**/*.txt' });
  const file = (name: string) => world().storage.bucket(world().sourceBucket).file(name);
  await file('.gcs-drive-backup-canary/c.txt').save('canary', {
    resumable: false,
    metadata: { metadata: { [CANARY_METADATA_KEY]: 'run-1' } },
  });
  await file('.gcs-drive-backup-canary/mine.txt').save('user data', { resumable: false });
  for (const [name, expected] of [
    ['.gcs-drive-backup-canary/c.txt', 1],
    ['.gcs-drive-backup-canary/mine.txt', 0],
  ] as const) {
    const [resource] = await file(name).getMetadata();
    assert.equal(await deliverStorageEvent(url, resource as { bucket: string; name: string }), 204, name);
    assert.equal(liveBackups(world(), name).length, expected, name);
  }
});

test('ON_NEW_GENERATION=copy: every generation is its own file', async () => {
  const url = await instance({ ON_NEW_GENERATION: 'copy' });
  const first = await write('copy/doc.txt', 'one');
  const second = await write('copy/doc.txt', 'two');
  assert.equal(await deliverStorageEvent(url, first), 204);
  assert.equal(await deliverStorageEvent(url, second), 204);
  assert.equal(await deliverStorageEvent(url, second), 204, 'a duplicate of a copy is still one file');
  const files = liveBackups(world(), 'copy/doc.txt');
  assert.deepEqual(files.map((f) => f.appProperties['gdb.generation']).sort(), [first.generation, second.generation].sort());
});

test('ON_NEW_GENERATION=skip: the first backup stays, later generations are skipped', async () => {
  const url = await instance({ ON_NEW_GENERATION: 'skip' });
  const first = await write('skip/doc.txt', 'one');
  assert.equal(await deliverStorageEvent(url, first), 204);
  const second = await write('skip/doc.txt', 'two');
  assert.equal(await deliverStorageEvent(url, second), 204);
  const files = liveBackups(world(), 'skip/doc.txt');
  assert.equal(files.length, 1);
  assert.equal(files[0].appProperties['gdb.generation'], first.generation);
  assert.equal(files[0].revisions, 1);
});

test('KEEP_REVISIONS_FOREVER and DELETE_MODE=trash: revisions kept, a deleted object trashes its backup', async () => {
  const url = await instance({ KEEP_REVISIONS_FOREVER: 'true', DELETE_MODE: 'trash' });
  const first = await write('trash/doc.txt', 'one');
  assert.equal(await deliverStorageEvent(url, first), 204);
  const second = await write('trash/doc.txt', 'two');
  assert.equal(await deliverStorageEvent(url, second), 204);
  const [file] = liveBackups(world(), 'trash/doc.txt');
  const revisions = await world().drive.revisions.list({ fileId: file.id, fields: 'revisions(id,keepForever)' });
  assert.equal(revisions.data.revisions?.length, 2);
  assert.ok(revisions.data.revisions?.at(-1)?.keepForever, 'the new revision is kept forever');

  // An overwrite also sends `deleted` for the old generation: the live object exists, the backup stays.
  assert.equal(await deliverStorageEvent(url, first, { type: 'google.cloud.storage.object.v1.deleted' }), 204);
  assert.equal(liveBackups(world(), 'trash/doc.txt').length, 1);
  // A real delete trashes it.
  await world().storage.bucket(world().sourceBucket).file('trash/doc.txt').delete();
  assert.equal(await deliverStorageEvent(url, second, { type: 'google.cloud.storage.object.v1.deleted' }), 204);
  assert.equal(liveBackups(world(), 'trash/doc.txt').length, 0);
  assert.ok(
    world()
      .emulators.drive.listAll()
      .some((f) => f.id === file.id && f.trashed),
    'in the trash, not deleted',
  );
});
