/**
 * sandbox/page-server.ts: the routes, the download's headers, the bridge switch, the port fallback, and
 * who it answers: its own Host only, a POST only from its own page, every answer with the security headers,
 * a malformed file id a 400.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
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
      assert.equal((await fetch(server.url, { method: 'POST', headers: { origin: new URL(server.url).origin } })).status, 405);
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
        const res = await fetch(`${server.url}${path}`, { method, headers: { origin: new URL(server.url).origin } });
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

/** A raw HTTP/1.1 request, so Host and Origin can be anything a browser or an attacker's page would send. */
function raw(
  url: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: Number(port), path, method: options.method ?? 'GET', headers: options.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('who the page server answers', () => {
  const bridge = () => ({
    delivering: true,
    setDelivering(on: boolean) {
      this.delivering = on;
    },
  });

  test('only requests for its own Host (127.0.0.1:PORT or localhost:PORT); others 421, whatever the route', async () => {
    const server = await startPageServer(options({ bridge: bridge() }));
    try {
      const port = server.port;
      const rows: [host: string, path: string, status: number][] = [
        [`127.0.0.1:${port}`, '/', 200],
        [`localhost:${port}`, '/state.json', 200],
        [`LOCALHOST:${port}`, '/', 200],
        ['evil.example', '/state.json', 421],
        [`evil.example:${port}`, '/files/f%2F1', 421],
        [`127.0.0.1:${port + 1}`, '/', 421],
        ['127.0.0.1', '/', 421],
        [`192.168.1.7:${port}`, '/bridge', 421],
      ];
      const got: [string, string, number][] = [];
      for (const [host, path] of rows) got.push([host, path, (await raw(server.url, path, { headers: { host } })).status]);
      assert.deepEqual(got, rows);
    } finally {
      await server.close();
    }
  });

  test('a POST only from its own page: same-origin Origin, and not a form or text/plain body (CSRF)', async () => {
    const switchable = bridge();
    const server = await startPageServer(options({ bridge: switchable }));
    try {
      const host = `127.0.0.1:${server.port}`;
      const rows: [what: string, headers: Record<string, string>, status: number][] = [
        ['no Origin', {}, 403],
        ['another local port', { origin: `http://127.0.0.1:${server.port + 1}` }, 403],
        ['another site', { origin: 'https://evil.example' }, 403],
        ['an opaque origin', { origin: 'null' }, 403],
        ['localhost while the Host is 127.0.0.1', { origin: `http://localhost:${server.port}` }, 403],
        ['a form post from its own origin', { origin: `http://${host}`, 'content-type': 'application/x-www-form-urlencoded' }, 415],
        ['a multipart form', { origin: `http://${host}`, 'content-type': 'multipart/form-data; boundary=x' }, 415],
        ['text/plain', { origin: `http://${host}`, 'content-type': 'Text/Plain;charset=utf-8' }, 415],
        ['its own page', { origin: `http://${host}` }, 200],
        ['its own page, JSON', { origin: `http://${host}`, 'content-type': 'application/json' }, 200],
      ];
      const got: [string, Record<string, string>, number][] = [];
      for (const [what, headers] of rows) {
        switchable.delivering = true;
        const { status } = await raw(server.url, '/bridge/stop', { method: 'POST', headers: { host, ...headers } });
        got.push([what, headers, status]);
        assert.equal(switchable.delivering, status !== 200, `${what}: the bridge switched only when allowed`);
      }
      assert.deepEqual(got, rows);
    } finally {
      await server.close();
    }
  });

  test('a malformed percent-encoded file id is a 400, not a 500', async () => {
    const server = await startPageServer(options());
    try {
      for (const id of ['%', '%zz', '%E0%A4%A', 'a%']) assert.equal((await fetch(`${server.url}files/${id}`)).status, 400, id);
    } finally {
      await server.close();
    }
  });

  test('every answer carries the CSP (own script only, no framing) and nosniff; the page has no inline script', async () => {
    const server = await startPageServer(options());
    try {
      for (const [path, host] of [
        ['/', `127.0.0.1:${server.port}`],
        ['/state.json', `127.0.0.1:${server.port}`],
        ['/nope', `127.0.0.1:${server.port}`],
        ['/', 'evil.example'],
      ] as const) {
        const { headers } = await raw(server.url, path, { headers: { host } });
        const csp = String(headers['content-security-policy']);
        assert.match(csp, /(^|; )script-src 'self'(;|$)/, path);
        assert.match(csp, /(^|; )default-src 'none'(;|$)/, path);
        assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/, path);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, path);
        assert.equal(headers['x-content-type-options'], 'nosniff', path);
      }
      const page = await (await fetch(server.url)).text();
      assert.doesNotMatch(page, /<script>|<script [^>]*>[^<]|<style|\son\w+=/, 'no inline script, style or handler');
      const script = await fetch(`${server.url}page.js`);
      assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
      assert.equal((await fetch(`${server.url}page.css`)).headers.get('content-type'), 'text/css; charset=utf-8');
    } finally {
      await server.close();
    }
  });
});
