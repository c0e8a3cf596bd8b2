/**
 * Reading the watched bucket (src/gcs/source.ts) against the Cloud Storage emulator through the product's
 * own Storage client (library retries off): a cut body fails the stream at once; a half-open connection
 * (nothing arrives, nothing closes) is caught by the idle watchdog; a consumer that holds the read back is
 * not a stall; a small object's read retried after a cut asks only for the bytes it lacks.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Storage } from '@google-cloud/storage';
import { createStorage } from '../../../src/gcs/client.js';
import { openObject, ReadStalledError, smallObjectReader } from '../../../src/gcs/source.js';
import { pseudoRandomBytes, startGcsEmulatorOnly } from '@gcs-drive-backup/emulators/test/gcs/support.js';

const BUCKET = 'source-test-bucket';
const KiB = 1024;

let emu: Awaited<ReturnType<typeof startGcsEmulatorOnly>>;
let storage: Storage;
let ref: { bucket: string; name: string; generation: string; size: string };
let content: Buffer;

before(async () => {
  emu = await startGcsEmulatorOnly();
  storage = createStorage({ emulators: { storage: emu.env.STORAGE_EMULATOR_HOST } });
  emu.gcs.createBucket(BUCKET);
  content = pseudoRandomBytes(1024 * KiB, 7);
  const file = storage.bucket(BUCKET).file('object.bin');
  await file.save(content, { resumable: false });
  const [metadata] = await file.getMetadata();
  ref = { bucket: BUCKET, name: 'object.bin', generation: String(metadata.generation), size: String(metadata.size) };
});

after(() => emu.stop());

async function readAll(stream: NodeJS.ReadableStream, pauseAfterFirstMs = 0): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    if (chunks.length === 1 && pauseAfterFirstMs > 0) await sleep(pauseAfterFirstMs);
  }
  return Buffer.concat(chunks);
}

test('a body cut mid-way fails the read with ECONNRESET, not a stall', async () => {
  emu.hub.faults.add({ route: 'gcs.objects.download', action: { kind: 'reset', direction: 'response', afterBytes: 100 * KiB } });
  // The watchdog an hour away: only the cut can end this read.
  await assert.rejects(readAll(openObject(storage, ref, 0, 3_600_000)), (err: Error & { code?: string }) => {
    assert.ok(!(err instanceof ReadStalledError), 'not the watchdog');
    assert.equal(err.code, 'ECONNRESET');
    return true;
  });
});

test('a half-open connection (no byte, no close) is abandoned by the idle watchdog', async () => {
  // The reply is held back ten idle times: only the watchdog can end the read before it.
  const rule = emu.hub.faults.add({ route: 'gcs.objects.download', action: { kind: 'latency', ms: 4_000 } });
  try {
    await assert.rejects(readAll(openObject(storage, ref, 0, 400)), ReadStalledError);
  } finally {
    emu.hub.faults.remove(rule);
  }
});

test('a consumer that holds the read back longer than the idle time is not a stall', async () => {
  // 16 KiB of read-ahead fill at once; the consumer then waits three idle times before taking more. The
  // idle time is long enough that a loaded machine's first byte never looks like a stall: only the pause can.
  const read = await readAll(openObject(storage, ref, 0, 1_000, 16 * KiB), 3_000);
  assert.ok(read.equals(content));
});

test('a small object read retried after a cut asks only for the bytes it lacks', async () => {
  const cutAfter = 300 * KiB + 5;
  emu.hub.faults.add({ route: 'gcs.objects.download', action: { kind: 'reset', direction: 'response', afterBytes: cutAfter } });
  const before = emu.gcs.downloads({ name: ref.name }).length;
  const read = smallObjectReader(ref, 3_600_000);
  await assert.rejects(read(storage), { code: 'ECONNRESET' });
  const whole = await read(storage);
  assert.ok(whole.equals(content), 'byte-exact');
  const reads = emu.gcs.downloads({ name: ref.name }).slice(before);
  assert.equal(reads.length, 2);
  assert.equal(reads[0].start, 0);
  assert.ok(reads[1].start > 0 && reads[1].start <= cutAfter, `the retry starts at byte ${reads[1].start}`);
  // Once every byte is in, a further call asks for nothing.
  assert.ok((await read(storage)).equals(content));
  assert.equal(emu.gcs.downloads({ name: ref.name }).length, before + 2);
});

test('a read sets off no MaxListenersExceededWarning: the client library’s listeners on its body are expected', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => {
    if (w.name === 'MaxListenersExceededWarning') warnings.push(w.message);
  };
  process.on('warning', onWarning);
  try {
    // 1 MiB: many chunks, and each of the client library's pipelines on the body in place.
    assert.ok((await readAll(openObject(storage, ref))).equals(content));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, []);
});
