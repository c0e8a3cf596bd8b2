/**
 * The control API over HTTP (`/_emulator/...`, on every emulator's port), as an out-of-process test or
 * the sandbox would drive it: faults seen by the official client, request and body-byte counters, reset.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Storage } from '@google-cloud/storage';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '../../../emulators/index.js';

let emu: Emulators;
let storage: Storage;

before(async () => {
  emu = await startEmulators({ limits: RATE_LIMITS_OFF });
  storage = new Storage({ apiEndpoint: emu.env.STORAGE_EMULATOR_HOST, projectId: 'test', retryOptions: { autoRetry: false } });
});
after(() => emu.stop());

async function control(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

test('a fault added over HTTP on one port is seen by the client of another service', async () => {
  await storage.createBucket('control-bucket');
  // Added through the Drive emulator's port: the hub is shared by all four.
  const added = await control(emu.env.DRIVE_EMULATOR_HOST, 'POST', 'faults', {
    service: 'gcs',
    route: 'gcs.objects.get',
    action: { kind: 'status', status: 503, body: { error: { code: 503, message: 'injected', errors: [{ reason: 'backendError' }] } } },
  });
  assert.equal(added.status, 200);
  assert.match(String(added.json.id), /^fault-/);
  await assert.rejects(storage.bucket('control-bucket').file('missing').getMetadata(), (err: { code?: number }) => err.code === 503);
  // Fired once (times defaults to 1): the next request reaches the emulator.
  await assert.rejects(storage.bucket('control-bucket').file('missing').getMetadata(), (err: { code?: number }) => err.code === 404);
});

test('counters count requests per route and reset over HTTP', async () => {
  await control(emu.env.STORAGE_EMULATOR_HOST, 'DELETE', 'counters');
  await storage.bucket('control-bucket').file('a.txt').save('a', { resumable: false });
  await storage.bucket('control-bucket').file('a.txt').getMetadata();
  const { json } = await control(emu.env.OAUTH_EMULATOR_HOST, 'GET', 'counters');
  assert.deepEqual(json.counters, { 'gcs.objects.get': 1, 'gcs.upload.multipart': 1 });
});

test('request body bytes received are counted per route and reset with the counters', async () => {
  await control(emu.env.STORAGE_EMULATOR_HOST, 'DELETE', 'counters');
  const upload = (bytes: number) =>
    fetch(`${emu.env.STORAGE_EMULATOR_HOST}/upload/storage/v1/b/control-bucket/o?uploadType=media&name=bytes.bin`, {
      method: 'POST',
      body: Buffer.alloc(bytes, 7),
    }).then((res) => res.arrayBuffer());
  await upload(300_000);
  await upload(1);
  await storage.bucket('control-bucket').file('bytes.bin').getMetadata(); // a GET: no body
  const { json } = await control(emu.env.DRIVE_EMULATOR_HOST, 'GET', 'counters');
  assert.deepEqual(json.bodyBytes, { 'gcs.upload.media': 300_001 });
  await control(emu.env.STORAGE_EMULATOR_HOST, 'DELETE', 'counters');
  assert.deepEqual((await control(emu.env.STORAGE_EMULATOR_HOST, 'GET', 'counters')).json.bodyBytes, {});
});

test('reset over HTTP forgets all state and faults', async () => {
  await control(emu.env.SECRET_MANAGER_EMULATOR_HOST, 'POST', 'faults', {
    route: 'gcs.buckets.get',
    times: 0,
    action: { kind: 'latency', ms: 1 },
  });
  const listed = (await control(emu.env.STORAGE_EMULATOR_HOST, 'GET', 'faults')).json.faults as Array<{ route?: string }>;
  assert.ok(listed.some((f) => f.route === 'gcs.buckets.get'));
  assert.equal((await control(emu.env.STORAGE_EMULATOR_HOST, 'POST', 'reset')).status, 200);
  assert.deepEqual((await control(emu.env.STORAGE_EMULATOR_HOST, 'GET', 'faults')).json.faults, []);
  const [exists] = await storage.bucket('control-bucket').exists();
  assert.equal(exists, false);
});

test('an invalid rule is a 400 naming the problem; an unknown control route is a 404', async () => {
  const bad = await control(emu.env.STORAGE_EMULATOR_HOST, 'POST', 'faults', { action: { kind: 'status', status: 1000 } });
  assert.equal(bad.status, 400);
  assert.match(String(bad.json.error), /status/);
  assert.equal((await control(emu.env.STORAGE_EMULATOR_HOST, 'GET', 'nope')).status, 404);
});
