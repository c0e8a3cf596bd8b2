/**
 * Recovery from what users and infrastructure do between events: a trashed backup's object re-created,
 * a backup deleted in Drive before the next generation, a backup folder trashed in Drive, and the
 * state bucket failing while a large upload renews its lease. Each time: the backup lands live, once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { md5Hex, testBytes, liveBackups, worldForFile, writeObject } from '../../support/world.js';
import { deliverStorageEvent, deliverUntilAcked } from '../../../harness/deliver.js';

const MiB = 1024 * 1024;
const world = worldForFile();

/** Short leases, so a finished small upload's claim frees up quickly. */
const instance = async (env: Record<string, string> = {}) => (await world().startFunction('event', { LEASE_SEC: '2', ...env })).url;
const write = (name: string, content: Buffer) => writeObject(world(), name, content);
const live = (name: string) => liveBackups(world(), name);

test('DELETE_MODE=trash: an object re-created after its delete gets a live backup, not the trashed file', async () => {
  const url = await instance({ DELETE_MODE: 'trash' });
  const first = await write('recover/again.txt', Buffer.from('first life'));
  assert.equal(await deliverStorageEvent(url, first), 204);
  await world().storage.bucket(world().sourceBucket).file('recover/again.txt').delete();
  assert.equal(await deliverStorageEvent(url, first, { type: 'google.cloud.storage.object.v1.deleted' }), 204);
  assert.equal(live('recover/again.txt').length, 0);
  const content = Buffer.from('second life');
  const second = await write('recover/again.txt', content);
  assert.equal(await deliverStorageEvent(url, second), 204);
  const files = live('recover/again.txt');
  assert.equal(files.length, 1);
  assert.equal(files[0].md5Checksum, md5Hex(content));
});

test('a backup deleted in Drive: the next (large) generation becomes a new file', async () => {
  const url = await instance();
  const first = await write('recover/big.bin', testBytes(1000, 'small first'));
  assert.equal(await deliverStorageEvent(url, first), 204);
  await world().drive.files.delete({ fileId: live('recover/big.bin')[0].id });
  await sleep(2_100); // the small upload's claim lease (LEASE_SEC=2)
  const content = testBytes(5 * MiB + 1, 'large second');
  const second = await write('recover/big.bin', content);
  const statuses = await deliverUntilAcked(url, second, 5);
  assert.equal(statuses.at(-1), 204, statuses.join(','));
  const files = live('recover/big.bin');
  assert.equal(files.length, 1);
  assert.equal(files[0].md5Checksum, md5Hex(content));
});

test('a backup folder trashed in Drive is replaced by a new folder (on an instance that looks it up)', async () => {
  const url = await instance();
  const one = await write('trashed-folder/one.txt', Buffer.from('one'));
  assert.equal(await deliverStorageEvent(url, one), 204);
  const folder = world()
    .emulators.drive.listAll()
    .find((f) => f.name === 'trashed-folder' && !f.trashed)!;
  await world().drive.files.update({ fileId: folder.id, requestBody: { trashed: true } });
  const fresh = await instance(); // a new instance: no cached folder ids
  const two = await write('trashed-folder/two.txt', Buffer.from('two'));
  assert.equal(await deliverStorageEvent(fresh, two), 204);
  const [file] = live('trashed-folder/two.txt');
  const parent = world()
    .emulators.drive.listAll()
    .find((f) => f.id === file.parents[0])!;
  assert.equal(parent.name, 'trashed-folder');
  assert.equal(parent.trashed, false);
  assert.notEqual(parent.id, folder.id);
});

test('the state bucket failing during lease renewal stops the upload cleanly; redelivery finishes it', async () => {
  const url = await instance({ UPLOAD_CHUNK_MIB: '1' });
  const content = testBytes(12 * MiB, 'renewal');
  const file = world().storage.bucket(world().sourceBucket).file('recover/renewal.bin');
  await file.save(content, { resumable: true });
  const [data] = await file.getMetadata();
  const hub = world().emulators.hub;
  hub.faults.add({ service: 'drive', route: 'drive.upload.session', method: 'PUT', times: 0, action: { kind: 'latency', ms: 250 } });
  hub.faults.add({
    service: 'gcs',
    route: 'gcs.objects.patch',
    times: 0,
    action: { kind: 'status', status: 503, body: { error: { code: 503, message: 'injected' } } },
  });
  const status = await deliverStorageEvent(url, data as never);
  hub.faults.clear();
  assert.equal(status, 500, 'the renewal failure fails the event (retried), without killing the instance');
  const statuses = await deliverUntilAcked(url, data as never, 10);
  assert.equal(statuses.at(-1), 204, statuses.join(','));
  const files = live('recover/renewal.bin');
  assert.equal(files.length, 1);
  assert.equal(files[0].md5Checksum, md5Hex(content));
});
