/** sandbox/page-server.ts: the routes, the download's headers, the bridge switch, and the port fallback. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { attachmentDisposition, PortTakenError, startPageServer, type PageServerOptions } from '../../../sandbox/page-server.js';
import type { PageModel } from '../../../sandbox/page.js';

describe('attachmentDisposition', () => {
  const cases: [string, string][] = [
    ['a.txt', `attachment; filename="a.txt"; filename*=UTF-8''a.txt`],
    ['say "hi".txt', `attachment; filename="say _hi_.txt"; filename*=UTF-8''say%20%22hi%22.txt`],
    ['été\\100%.pdf', `attachment; filename="_t__100_.pdf"; filename*=UTF-8''%C3%A9t%C3%A9%5C100%25.pdf`],
    ["it's (1).txt", `attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`],
  ];
  for (const [name, expected] of cases) test(name, () => assert.equal(attachmentDisposition(name), expected));
});

const model: PageModel = {
  generatedAt: 'now',
  rootFolder: { id: 'r', name: 'root <1>' },
  drive: [],
  bucket: { name: 'b', objects: [], truncated: false },
  outcomes: [],
  uploadCommand: 'curl',
};

function options(overrides: Partial<PageServerOptions> = {}): PageServerOptions {
  return {
    port: 0,
    fallbackToFreePort: false,
    model: async () => model,
    download: (id) =>
      id === 'f/1' ? { name: 'ça.txt', mimeType: 'text/plain', size: 3, stream: () => Readable.from([Buffer.from('abc')]) } : undefined,
    ...overrides,
  };
}

describe('startPageServer', () => {
  test('serves the page, its JSON and downloads', async () => {
    const server = await startPageServer(options());
    try {
      const page = await fetch(server.url);
      assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.ok((await page.text()).includes('root &#60;1&#62;'));
      const json = await fetch(`${server.url}state.json`);
      assert.deepEqual(await json.json(), model);
      const file = await fetch(`${server.url}files/f%2F1`);
      assert.equal(file.status, 200);
      assert.equal(file.headers.get('content-disposition'), attachmentDisposition('ça.txt'));
      assert.equal(await file.text(), 'abc');
      assert.equal((await fetch(`${server.url}files/nope`)).status, 404);
      assert.equal((await fetch(`${server.url}elsewhere`)).status, 404);
      assert.equal((await fetch(server.url, { method: 'POST' })).status, 405);
    } finally {
      await server.close();
    }
  });

  test('the bridge switch: GET /bridge, POST /bridge/stop and /bridge/start; 404 without a bridge', async () => {
    const bridge = {
      delivering: true,
      setDelivering(on: boolean) {
        this.delivering = on;
      },
    };
    const server = await startPageServer(options({ bridge }));
    const bare = await startPageServer(options());
    try {
      const call = async (method: string, path: string) => {
        const res = await fetch(`${server.url}${path}`, { method });
        return { status: res.status, body: res.status === 200 ? ((await res.json()) as unknown) : await res.text() };
      };
      assert.deepEqual(await call('GET', 'bridge'), { status: 200, body: { bridge: 'running' } });
      assert.deepEqual(await call('POST', 'bridge/stop'), { status: 200, body: { bridge: 'stopped' } });
      assert.equal(bridge.delivering, false);
      assert.deepEqual(await call('GET', 'bridge'), { status: 200, body: { bridge: 'stopped' } });
      assert.deepEqual(await call('POST', 'bridge/start'), { status: 200, body: { bridge: 'running' } });
      assert.equal(bridge.delivering, true);
      assert.equal((await call('GET', 'bridge/stop')).status, 405, 'a switch is a POST');
      assert.equal((await call('POST', 'bridge')).status, 405);
      assert.equal((await fetch(`${bare.url}bridge`)).status, 404);
    } finally {
      await server.close();
      await bare.close();
    }
  });

  test('a taken port: an error, or a free port with fallback', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as AddressInfo;
    try {
      await assert.rejects(startPageServer(options({ port })), PortTakenError);
      const server = await startPageServer(options({ port, fallbackToFreePort: true }));
      assert.notEqual(server.port, port);
      assert.equal((await fetch(server.url)).status, 200);
      await server.close();
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});
