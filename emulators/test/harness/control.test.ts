/**
 * The control API over HTTP (`/_emulator/...`, on every emulator's port), as an out-of-process test or
 * the sandbox would drive it: faults seen by the official client, request and body-byte counters, reset,
 * when a cut happened and which byte ranges the Cloud Storage emulator served.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Storage } from '@google-cloud/storage';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '../../index.js';
import { control } from '../../control.js';

let emu: Emulators;
let storage: Storage;

before(async () => {
  emu = await startEmulators({ limits: RATE_LIMITS_OFF });
  storage = new Storage({ apiEndpoint: emu.env.STORAGE_EMULATOR_HOST, projectId: 'test', retryOptions: { autoRetry: false } });
});
after(() => emu.stop());

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

test('a cut download: the rule says when it cut, the download log where the client read again', async () => {
  const content = Buffer.alloc(3 * 1024 * 1024, 7);
  await storage.bucket('control-bucket').file('cut.bin').save(content, { resumable: false });
  const [metadata] = await storage.bucket('control-bucket').file('cut.bin').getMetadata();
  await control(emu.env.STORAGE_EMULATOR_HOST, 'DELETE', 'gcs/downloads');
  const afterBytes = 1024 * 1024;
  const { json } = await control(emu.env.STORAGE_EMULATOR_HOST, 'POST', 'faults', {
    route: 'gcs.objects.download',
    action: { kind: 'reset', direction: 'response', afterBytes },
  });
  const before = Date.now();
  const received: Buffer[] = [];
  await assert.rejects(async () => {
    for await (const chunk of storage.bucket('control-bucket').file('cut.bin').createReadStream({ validation: false })) {
      received.push(chunk as Buffer);
    }
  });
  const got = Buffer.concat(received).length;
  assert.ok(got <= afterBytes, `at most ${afterBytes} bytes before the cut, got ${got}`);
  const [rest] = await storage.bucket('control-bucket').file('cut.bin').download({ start: got, validation: false });
  assert.equal(got + rest.length, content.length);

  const faults = (await control(emu.env.STORAGE_EMULATOR_HOST, 'GET', 'faults')).json.faults as Array<{
    id: string;
    cuts: { atMs: number; afterBytes: number }[];
  }>;
  const cuts = faults.find((f) => f.id === json.id)?.cuts ?? [];
  assert.equal(cuts.length, 1);
  assert.equal(cuts[0]!.afterBytes, afterBytes);
  assert.ok(cuts[0]!.atMs >= before && cuts[0]!.atMs <= Date.now(), 'a wall-clock time');

  const { json: listed } = await control(emu.env.STORAGE_EMULATOR_HOST, 'GET', 'gcs/downloads?bucket=control-bucket&name=cut.bin');
  const downloads = listed.downloads as Array<Record<string, unknown>>;
  assert.deepEqual(
    downloads.map(({ start, end, status, generation }) => ({ start, end, status, generation })),
    [
      { start: 0, end: content.length, status: 200, generation: String(metadata.generation) },
      { start: got, end: content.length, status: 206, generation: String(metadata.generation) },
    ],
  );
  assert.deepEqual(emu.gcs.downloads({ name: 'cut.bin' }).length, 2, 'the same log in-process');
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
  assert.deepEqual((await control(emu.env.STORAGE_EMULATOR_HOST, 'GET', 'gcs/downloads')).json.downloads, []);
  const [exists] = await storage.bucket('control-bucket').exists();
  assert.equal(exists, false);
});

test('an invalid rule is a 400 naming the problem; an unknown control route is a 404', async () => {
  const bad = await control(emu.env.STORAGE_EMULATOR_HOST, 'POST', 'faults', { action: { kind: 'status', status: 1000 } });
  assert.equal(bad.status, 400);
  assert.match(String(bad.json.error), /status/);
  assert.equal((await control(emu.env.STORAGE_EMULATOR_HOST, 'GET', 'nope')).status, 404);
});
