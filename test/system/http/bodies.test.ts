/**
 * Request bodies through the real entry points (functions-framework serving src/index.ts): a body over
 * 64 KiB is refused with 413 before it is read — counted, not timed: of a 32 MiB body the client offers,
 * the function takes only what the connection buffers before its answer — declared or chunked; a
 * compressed body is refused (it would inflate past any limit); a CloudEvent without a body answers 400
 * with one ERROR line, not the framework's 500 with a stack trace.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFunctionWorld, type FunctionWorld } from '../../../harness/function-world.js';

const MiB = 1024 * 1024;
let fx: FunctionWorld;
let events: string;
before(async () => {
  fx = await startFunctionWorld({ targets: ['http', 'event'] });
  events = fx.url('event');
});
after(() => fx?.stop());

/** A body of `size` bytes produced on demand; `pulled()` counts what the client actually sent on. */
function countedBody(size: number, chunk = 64 * 1024) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= size) return controller.close();
      const n = Math.min(chunk, size - pulled);
      pulled += n;
      controller.enqueue(new Uint8Array(n).fill(0x20));
    },
  });
  return { stream, pulled: () => pulled };
}

async function post(url: string, body: ReturnType<typeof countedBody>, headers: Record<string, string>) {
  try {
    const res = await fetch(url, { method: 'POST', body: body.stream, headers, duplex: 'half' } as RequestInit);
    return { status: res.status, text: await res.text() };
  } catch (err) {
    return { status: 0, text: String((err as Error).cause ?? err) };
  }
}

for (const [title, declared] of [
  ['declared with Content-Length', true],
  ['chunked', false],
] as const) {
  test(`a 32 MiB body (${title}): 413 after reading at most a small part of it`, async () => {
    const body = countedBody(32 * MiB);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...(declared ? { 'content-length': String(32 * MiB) } : {}),
    };
    const before = fx.logs.entries.length;
    const res = await post(`${fx.url('http')}/backup`, body, headers);
    // What the connection buffers (socket and stream buffers: a few MiB), not the body.
    assert.ok(body.pulled() < 8 * MiB, `the client sent ${body.pulled()} bytes of 32 MiB`);
    assert.equal(res.status, 413, res.text);
    assert.match(res.text, /the function accepts at most 65536 bytes/);
    const rejected = fx.logs.entries.slice(before).filter((l) => l.event === 'httpRequestRejected');
    assert.deepEqual(
      rejected.map((l) => l.status),
      [413],
    );
  });
}

test('a body of exactly 64 KiB is read; one byte more is refused', async () => {
  const json = (size: number) => {
    const text = JSON.stringify({ bucket: 'source-bucket', name: 'x' });
    return text.slice(0, -1) + ' '.repeat(size - text.length) + '}';
  };
  const at = await fx.request('POST', '/backup', json(64 * 1024), { 'content-type': 'application/json' });
  assert.equal(at.status, 404, JSON.stringify(at.body)); // read and answered: the object does not exist
  const over = await fx.request('POST', '/backup', json(64 * 1024 + 1), { 'content-type': 'application/json' });
  assert.equal(over.status, 413);
});

test('a small chunked body is read whole', async () => {
  const text = JSON.stringify({ bucket: 'source-bucket', name: 'chunked-missing.txt' });
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text.slice(0, 10)));
      controller.enqueue(new TextEncoder().encode(text.slice(10)));
      controller.close();
    },
  });
  const res = await fetch(`${fx.url('http')}/backup`, {
    method: 'POST',
    body: stream,
    headers: { 'content-type': 'application/json' },
    duplex: 'half',
  } as RequestInit);
  assert.equal(res.status, 404, await res.text());
});

test('a compressed body is refused with 415', async () => {
  const res = await fx.request('POST', '/reconcile', 'x'.repeat(100), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  assert.equal(res.status, 415);
  assert.match(String(res.body.error), /Content-Encoding: gzip/);
});

test('a CloudEvent without a body: 400 and one ERROR line, no stack trace', async () => {
  const before = fx.logs.entries.length;
  const res = await fetch(events, {
    method: 'POST',
    headers: { 'ce-id': 'empty-1', 'ce-type': 'google.cloud.storage.object.v1.finalized', 'ce-source': 's', 'ce-specversion': '1.0' },
  });
  const text = await res.text();
  assert.equal(res.status, 400, text);
  assert.doesNotMatch(text, /TypeError|at /);
  const lines = fx.logs.entries.slice(before);
  assert.deepEqual(
    lines.map((l) => [l.severity, l.event, l.id]),
    [['ERROR', 'malformedEvent', 'empty-1']],
  );
});

test('an empty POST without CloudEvent headers to the event function: acknowledged with one ERROR line, not a 500', async () => {
  const before = fx.logs.entries.length;
  const res = await fetch(events, { method: 'POST' });
  assert.equal(res.status, 204, await res.text());
  assert.deepEqual(
    fx.logs.entries.slice(before).map((l) => [l.severity, l.event]),
    [['ERROR', 'malformedEvent']],
  );
});

test('a CloudEvent over 64 KiB is refused with 413', async () => {
  const res = await fetch(events, {
    method: 'POST',
    headers: {
      'ce-id': 'big-1',
      'ce-type': 'google.cloud.storage.object.v1.finalized',
      'ce-source': 's',
      'ce-specversion': '1.0',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ bucket: 'source-bucket', name: 'x', pad: 'y'.repeat(70 * 1024) }),
  });
  assert.equal(res.status, 413, await res.text());
});
