/**
 * The state store against the Cloud Storage emulator through the official client: compare-and-swap
 * semantics (a table), retries by the state bucket's gateway alone (the library's are off), and the
 * ambiguity of a retried conditional write: when the first try landed but its reply was lost, the retry
 * answers 412, and the store reads the record back and finds its own write (by its nonce) instead of
 * reporting a lost race — while a real lost race is still one.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Storage } from '@google-cloud/storage';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '@gcs-drive-backup/emulators';
import type { RetryNotice } from '../../../src/core/gateway.js';
import { createStorage } from '../../../src/gcs/client.js';
import { createStorageGateway } from '../../../src/gcs/gateway.js';
import { StateStore } from '../../../src/state/store.js';

const BUCKET = 'state-test';
let emulators: Emulators;
let storage: Storage;
let retries: RetryNotice[];
/** Run during the gateway's backoff, before the retry (a competing writer, say). */
let duringBackoff: () => Promise<void>;

before(async () => {
  emulators = await startEmulators({ limits: RATE_LIMITS_OFF });
  storage = createStorage({ emulators: { storage: emulators.env.STORAGE_EMULATOR_HOST } });
  await storage.createBucket(BUCKET);
});
after(() => emulators.stop());
beforeEach(() => {
  emulators.hub.faults.clear();
  emulators.hub.resetCounters();
  retries = [];
  duringBackoff = () => Promise.resolve();
});

function store(): StateStore {
  const gateway = createStorageGateway('state', storage, {
    sleep: () => duringBackoff(),
    onRetry: (notice) => retries.push(notice),
  });
  return new StateStore(gateway, BUCKET, 'p/');
}

let n = 0;
const freshKey = () => `k${n++}`;
const cutReply = (route: string) =>
  emulators.hub.faults.add({ service: 'gcs', route, times: 1, action: { kind: 'reset', direction: 'response', afterBytes: 0 } });

describe('compare-and-swap', () => {
  test('create, read, replace at the version, refuse a stale version, remove', async () => {
    const s = store();
    const key = freshKey();
    const created = await s.create(key, { a: 1 });
    assert.deepEqual(created?.value, { a: 1 });
    assert.equal(await s.create(key, { a: 2 }), undefined, 'only if absent');
    const read = await s.read<{ a: number }>(key);
    assert.deepEqual(read, created);
    const replaced = await s.replace(key, { a: 3 }, read.version);
    assert.ok(replaced && replaced.version !== read.version);
    assert.equal(await s.replace(key, { a: 4 }, read.version), undefined, 'a stale version loses');
    assert.deepEqual((await s.read(key))?.value, { a: 3 });
    await s.remove(key);
    assert.equal(await s.read(key), undefined);
    await s.remove(key);
    assert.equal(await s.replace(key, { a: 5 }, replaced.version), undefined, 'a removed record cannot be replaced');
  });

  test('a 503 is retried by the gateway, once per failed request (the library retries nothing)', async () => {
    const s = store();
    const key = freshKey();
    await s.create(key, { a: 1 });
    emulators.hub.resetCounters();
    emulators.hub.faults.add({ service: 'gcs', route: 'gcs.objects.get', times: 1, action: { kind: 'status', status: 503, body: {} } });
    assert.deepEqual((await s.read(key))?.value, { a: 1 });
    assert.equal(emulators.hub.counters()['gcs.objects.get'], 2);
    assert.deepEqual(
      retries.map((r) => [r.what, r.failure.kind, r.failure.service]),
      [['state read', 'transient', 'state']],
    );
  });
});

describe('a retried conditional write whose first try landed', () => {
  test('create: the reply is lost, the retry answers 412, the write counts as done', async () => {
    const s = store();
    const key = freshKey();
    cutReply('gcs.upload.multipart');
    const created = await s.create(key, { mine: true });
    assert.deepEqual(created?.value, { mine: true }, 'not read as "someone else created it"');
    assert.equal(retries.length, 1);
    assert.deepEqual(await s.read(key), created, 'the version returned is the record as stored');
  });

  test('replace: the reply is lost, the retry answers 412, the write counts as done', async () => {
    const s = store();
    const key = freshKey();
    const created = await s.create(key, { step: 1 });
    cutReply('gcs.objects.patch');
    const replaced = await s.replace(key, { step: 2 }, created!.version);
    assert.deepEqual(replaced?.value, { step: 2 });
    assert.equal(retries.length, 1);
    assert.deepEqual(await s.read(key), replaced);
    assert.equal(await s.replace(key, { step: 3 }, created!.version), undefined, 'the old version is still stale');
  });

  test('replace: another writer changed the record between the tries: a lost race, as before', async () => {
    const s = store();
    const other = store();
    const key = freshKey();
    const created = await s.create(key, { step: 1 });
    emulators.hub.faults.add({ service: 'gcs', route: 'gcs.objects.patch', times: 1, action: { kind: 'status', status: 503, body: {} } });
    duringBackoff = async () => {
      duringBackoff = () => Promise.resolve();
      assert.ok(await other.replace(key, { theirs: true }, created!.version));
    };
    assert.equal(await s.replace(key, { step: 2 }, created!.version), undefined);
    assert.deepEqual((await s.read(key))?.value, { theirs: true });
  });

  test('create: another writer created the record between the tries: it exists, as before', async () => {
    const s = store();
    const other = store();
    const key = freshKey();
    emulators.hub.faults.add({
      service: 'gcs',
      route: 'gcs.upload.multipart',
      times: 1,
      action: { kind: 'status', status: 503, body: {} },
    });
    duringBackoff = async () => {
      duringBackoff = () => Promise.resolve();
      assert.ok(await other.create(key, { theirs: true }));
    };
    assert.equal(await s.create(key, { mine: true }), undefined);
    assert.deepEqual((await s.read(key))?.value, { theirs: true });
  });
});
