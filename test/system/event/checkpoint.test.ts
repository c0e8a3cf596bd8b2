/**
 * An object too big for one invocation keeps its progress. Before the deadline the function records the
 * resumable session and throws so Eventarc retries; the next delivery continues from where Drive is.
 * The same holds when an instance is killed mid-upload. Neither sends a byte twice beyond one chunk.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { startFunctionWorld, type FunctionInstance, type FunctionWorld } from '../../../harness/function-world.js';
import type { LogCapture } from '../../../harness/log-capture.js';
import { md5Hex, testBytes, type World } from '../../support/world.js';
import { deliverStorageEvent, deliverUntilAcked } from '../../../harness/deliver.js';

const MiB = 1024 * 1024;
const SIZE = 32 * MiB;
const CHUNK = 1 * MiB;

let world: World;
let fn: { url: string };
let setup: FunctionWorld | undefined;
let logCapture: LogCapture | undefined;
const logLines = (): string[] => logCapture?.lines ?? [];
/** `[first, last]` of every chunk PUT to a Drive session from this process, in order. */
const chunkRanges: Array<[number, number]> = [];
function recordChunkPut(message: unknown): void {
  const { request } = message as { request: ClientRequest };
  const range = request.getHeader('content-range');
  const match = typeof range === 'string' && /^bytes (\d+)-(\d+)\/\d+$/.exec(range);
  if (request.method === 'PUT' && request.path.includes('upload_id=') && match) chunkRanges.push([Number(match[1]), Number(match[2])]);
}

before(async () => {
  setup = await startFunctionWorld({
    targets: ['event'],
    env: { UPLOAD_CHUNK_MIB: String(CHUNK / MiB), FUNCTION_TIMEOUT_SEC: '4', DEADLINE_MARGIN_SEC: '1' },
  });
  world = setup;
  fn = { url: setup.url('event') };
  logCapture = setup.logs;
  // The product PUTs chunks over node:http: record what it sends (bytes, not just requests) from the
  // request each PUT starts, as Node publishes it.
  subscribe('http.client.request.start', recordChunkPut);
});

after(async () => {
  unsubscribe('http.client.request.start', recordChunkPut);
  await setup?.stop();
});

type ObjectData = { bucket: string; name: string; generation: string };

async function upload(name: string, content: Buffer): Promise<ObjectData> {
  const file = world.storage.bucket(world.sourceBucket).file(name);
  await file.save(content, { resumable: false });
  const [metadata] = await file.getMetadata();
  return metadata as ObjectData;
}

function assertOneByteExactBackup(name: string, content: Buffer): void {
  const files = world.emulators.drive.listAll().filter((f) => !f.trashed && f.appProperties['gdb.object'] === name);
  assert.equal(files.length, 1, `exactly one Drive file for ${name}`);
  assert.equal(Number(files[0].size ?? 0), content.length);
  assert.equal(files[0].md5Checksum, md5Hex(content), 'byte-exact');
}

/** Every chunk PUT to the Drive sessions: each request counts, status probes included. */
const sessionPuts = () => world.emulators.hub.counters()['drive.upload.session'] ?? 0;

const slowChunks = (ms: number) =>
  world.emulators.hub.faults.add({
    service: 'drive',
    route: 'drive.upload.session',
    method: 'PUT',
    times: 0,
    action: { kind: 'latency', ms },
  });

describe('checkpoint and resume of a large upload', () => {
  test('the deadline checkpoints the session; each retry continues where Drive is, no byte sent twice', async () => {
    const name = 'checkpoint/deadline.bin';
    const content = testBytes(SIZE, name);
    const data = await upload(name, content);
    world.emulators.hub.faults.clear();
    const latency = slowChunks(250);
    chunkRanges.length = 0;
    const from = logLines().length;
    const statuses: number[] = [];
    try {
      // Bounded by progress, not by speed: every invocation sends at least one chunk (asserted below).
      for (let i = 0; i < SIZE / CHUNK + 1 && statuses.at(-1) !== 204; i++)
        statuses.push(await deliverStorageEvent(fn.url, data, { id: 'deadline-event' }));
    } finally {
      world.emulators.hub.faults.remove(latency);
    }

    assert.equal(statuses.at(-1), 204, `statuses ${statuses.join(',')}`);
    const checkpointsSeen = statuses.filter((s) => s === 500).length;
    assert.ok(checkpointsSeen >= 2, `several invocations were needed, got statuses ${statuses.join(',')}`);
    const checkpoints = logLines()
      .slice(from)
      .map((l) => JSON.parse(l) as { severity: string; event?: string; offset?: number; total?: number })
      .filter((l) => l.event === 'uploadCheckpoint');
    assert.equal(checkpoints.length, checkpointsSeen, 'one uploadCheckpoint line per failed delivery');
    for (const c of checkpoints) {
      assert.equal(c.severity, 'INFO');
      assert.equal(c.total, SIZE);
    }
    const offsets = checkpoints.map((c) => c.offset ?? -1);
    for (let i = 1; i < offsets.length; i++) assert.ok(offsets[i] > offsets[i - 1], `progress between checkpoints: ${offsets.join(',')}`);
    assert.ok(offsets[0] > 0, 'the first invocation made progress');

    assertOneByteExactBackup(name, content);
    // Each chunk starts where the previous one ended: nothing re-sent, nothing skipped.
    const sent = chunkRanges.reduce((n, [first, last]) => n + (last - first + 1), 0);
    assert.ok(sent <= SIZE + CHUNK, `${sent} bytes sent for a ${SIZE}-byte object`);
    let expected = 0;
    for (const [first, last] of chunkRanges) {
      assert.equal(first, expected, `chunk starts at ${first}, Drive held ${expected}`);
      expected = last + 1;
    }
    assert.equal(expected, SIZE);
  });

  test('an instance killed mid-upload: a new instance resumes the session after the lease', async () => {
    const name = 'checkpoint/killed.bin';
    const content = testBytes(SIZE, name);
    const data = await upload(name, content);
    const from = world.logs.lines.length;
    // A budget of an hour: the doomed invocation is killed on progress (five chunks sent), never stopped by
    // its deadline first, which on a loaded machine came before it sent a chunk with a 10 s budget. The
    // 4 s lease (renewed while the upload moves) is what the survivor waits out after the kill.
    const env = { FUNCTION_TIMEOUT_SEC: '3600', DEADLINE_MARGIN_SEC: '1', LEASE_SEC: '4' };
    const doomed = await world.startFunction('event', env);
    // The survivor's invocation budget fits the rest of the upload however slow the machine, so it probes
    // the session once: the PUT count below is then a count, not a race against the clock.
    const survivorEnv = env;
    let survivor: FunctionInstance | undefined;
    world.emulators.hub.faults.clear();
    const latency = slowChunks(100);
    world.emulators.hub.resetCounters();
    try {
      const firstDelivery = deliverStorageEvent(doomed.url, data, { id: 'killed-event' }).catch((err: Error) => err);
      // Waits on progress: five chunks sent (or the delivery over, which the assertions below then report).
      let answered = false;
      void firstDelivery.finally(() => (answered = true));
      while (sessionPuts() < 5 && !answered) await new Promise((r) => setTimeout(r, 20));
      const putsBeforeKill = sessionPuts();
      assert.ok(putsBeforeKill >= 5, `chunks were being sent before the kill (${putsBeforeKill})`);
      process.kill(doomed.pid, 'SIGKILL');
      assert.ok((await firstDelivery) instanceof Error, 'the killed invocation never answered');

      survivor = await world.startFunction('event', survivorEnv);
      const resumed = Date.now();
      const statuses = await deliverUntilAcked(survivor.url, data, 80, 'killed-event');
      const resumeMs = Date.now() - resumed;
      assert.equal(statuses.at(-1), 204, `statuses ${statuses.join(',')}`);
      // Measured, for the record: most of it is waiting for the dead invocation's lease.
      process.stdout.write(`# resumed after the kill in ${resumeMs} ms over ${statuses.length} deliveries\n`);
    } finally {
      world.emulators.hub.faults.remove(latency);
      await survivor?.stop();
      // Killed above unless an assertion failed first: then it would keep this file's process alive.
      await doomed.stop();
    }

    assertOneByteExactBackup(name, content);
    const puts = sessionPuts();
    assert.ok(puts <= SIZE / CHUNK + 2, `${puts} session PUTs (probes included) for ${SIZE / CHUNK} chunks`);
    assert.equal(
      world.logs.lines.slice(from).filter((l) => l.startsWith('{"severity":"ERROR"') && !l.includes('"outcome":"failed"')).length,
      0,
      'no operator-facing error along the way',
    );
  });
});
