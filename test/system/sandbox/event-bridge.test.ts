/**
 * sandbox/event-bridge.ts: the backoff table, redelivery with the same ce-id until acknowledged, and the
 * switch (a stopped bridge delivers nothing, gives pending redeliveries up, and delivers again once started).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { retryDelayMs, startEventBridge, type ChangedObject } from '../../../sandbox/event-bridge.js';
import type { StorageChangeKind } from '../../../harness/cloud-event.js';

describe('retryDelayMs', () => {
  const policy = { initialDelayMs: 1_000, maxDelayMs: 60_000 };
  const cases: [number, number][] = [
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [6, 32_000],
    [7, 60_000],
    [30, 60_000],
  ];
  for (const [attempt, expected] of cases) test(`after attempt ${attempt}`, () => assert.equal(retryDelayMs(attempt, policy), expected));
});

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

async function fakeFunction(statuses: number[]): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(statuses[received.length - 1] ?? 204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, received, close: () => new Promise((r) => server.close(() => r())) };
}

function fakeSubscribe() {
  let listener: ((kind: StorageChangeKind, data: ChangedObject) => void) | undefined;
  return {
    subscribe: (l: (kind: StorageChangeKind, data: ChangedObject) => void) => ((listener = l), () => (listener = undefined)),
    emit: (kind: StorageChangeKind, data: ChangedObject) => listener?.(kind, data),
    get subscribed() {
      return listener !== undefined;
    },
  };
}

/** Waits on progress, with no wall-clock budget of its own (the test runner's timeout catches a hang). */
const until = async (done: () => boolean) => {
  while (!done()) await new Promise((r) => setTimeout(r, 10));
};

const quiet = {
  deliveryRetry: () => undefined,
  deliveryAbandoned: () => undefined,
  deliveryDropped: () => undefined,
  bridgeSwitched: () => undefined,
};

describe('startEventBridge', () => {
  test('redelivers a refused event with the same ce-id until acknowledged; ignores other buckets', async () => {
    const fn = await fakeFunction([503, 500, 204]);
    const source = fakeSubscribe();
    const log = { retries: [] as number[], abandoned: 0 };
    const bridge = startEventBridge({
      subscribe: source.subscribe,
      functionUrl: fn.url,
      bucket: 'watched',
      retry: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 5 },
      log: { ...quiet, deliveryRetry: (e) => log.retries.push(e.delayMs), deliveryAbandoned: () => log.abandoned++ },
      newId: () => 'event-1',
    });
    source.emit('finalized', { bucket: 'state', name: 'claims/x' });
    source.emit('finalized', { bucket: 'watched', name: 'dir/café.txt', generation: '5' } as ChangedObject);
    await until(() => fn.received.length === 3);
    await bridge.stop();
    await fn.close();

    assert.deepEqual(log.retries, [10, 20]);
    assert.equal(log.abandoned, 0);
    assert.deepEqual(new Set(fn.received.map((r) => r.headers['ce-id'])), new Set(['event-1']));
    const first = fn.received[0];
    assert.equal(first.headers['ce-type'], 'google.cloud.storage.object.v1.finalized');
    assert.equal(first.headers['ce-source'], '//storage.googleapis.com/projects/_/buckets/watched');
    assert.equal(first.headers['ce-subject'], 'objects/dir/caf%C3%A9.txt');
    assert.equal(first.headers['ce-specversion'], '1.0');
    assert.deepEqual(JSON.parse(first.body), { bucket: 'watched', name: 'dir/café.txt', generation: '5' });
    assert.equal(source.subscribed, false, 'stop() unsubscribes');
  });

  test('gives up after maxAttempts', async () => {
    const fn = await fakeFunction([500, 500, 500, 500]);
    const source = fakeSubscribe();
    const abandoned: number[] = [];
    const bridge = startEventBridge({
      subscribe: source.subscribe,
      functionUrl: fn.url,
      bucket: 'watched',
      retry: { initialDelayMs: 1, maxDelayMs: 1, maxAttempts: 2 },
      log: { ...quiet, deliveryAbandoned: (e) => abandoned.push(e.attempts) },
    });
    source.emit('deleted', { bucket: 'watched', name: 'gone' });
    await until(() => abandoned.length === 1);
    await bridge.stop();
    await fn.close();
    assert.deepEqual(abandoned, [2]);
    assert.equal(fn.received.length, 2);
    assert.equal(fn.received[0]?.headers['ce-type'], 'google.cloud.storage.object.v1.deleted');
  });

  test('stopped: changes are dropped and a pending redelivery is given up; started again: delivered', async () => {
    const fn = await fakeFunction([503]);
    const source = fakeSubscribe();
    const dropped: string[] = [];
    const switched: boolean[] = [];
    const bridge = startEventBridge({
      subscribe: source.subscribe,
      functionUrl: fn.url,
      bucket: 'watched',
      retry: { initialDelayMs: 50, maxDelayMs: 50, maxAttempts: 5 },
      log: { ...quiet, deliveryDropped: (e) => dropped.push(e.name), bridgeSwitched: (e) => switched.push(e.delivering) },
    });
    assert.equal(bridge.delivering, true);
    source.emit('finalized', { bucket: 'watched', name: 'refused-once' });
    await until(() => fn.received.length === 1);
    bridge.setDelivering(false);
    bridge.setDelivering(false);
    source.emit('finalized', { bucket: 'watched', name: 'while-stopped' });
    await until(() => dropped.length === 2);
    assert.equal(bridge.delivering, false);
    bridge.setDelivering(true);
    source.emit('finalized', { bucket: 'watched', name: 'after-start' });
    await until(() => fn.received.length === 2);
    await bridge.stop();
    await fn.close();
    assert.deepEqual(dropped.sort(), ['refused-once', 'while-stopped']);
    assert.deepEqual(switched, [false, true], 'one note per switch');
    assert.deepEqual(
      fn.received.map((r) => (JSON.parse(r.body) as { name: string }).name),
      ['refused-once', 'after-start'],
    );
  });
});
