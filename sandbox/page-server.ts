/**
 * The page's HTTP server on loopback: `GET /` the rendered page, `GET /state.json` the same model as
 * JSON (for scripts and tests), `GET /files/ID` a Drive file's content streamed as an attachment, and the
 * event bridge's switch: `POST /bridge/stop` and `POST /bridge/start` (a broken trigger and its repair,
 * for `verify` and `check` to notice), `GET /bridge` its state, each answering `{"bridge": "running" |
 * "stopped"}`, and the page's own `/page.css` and `/page.js`. Everything it shows comes from the functions
 * passed in. Who it answers, and the security headers on every answer: sandbox/page-guard.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { PAGE_CSS, PAGE_CSS_PATH, PAGE_SCRIPT, PAGE_SCRIPT_PATH } from './page-assets.js';
import { refusal, SECURITY_HEADERS } from './page-guard.js';
import { renderPage, type PageModel } from './page.js';

export interface Download {
  name: string;
  mimeType: string;
  size: number;
  stream(): Readable;
}

export interface PageServerOptions {
  /** 0 = any free port. */
  port: number;
  /** When `port` is taken, listen on any free port instead of failing. */
  fallbackToFreePort: boolean;
  model(): Promise<PageModel>;
  download(fileId: string): Download | undefined;
  /** The event bridge's switch; without it the /bridge routes answer 404. */
  bridge?: BridgeSwitch;
}

export interface BridgeSwitch {
  readonly delivering: boolean;
  setDelivering(on: boolean): void;
}

/** What the /bridge routes answer. */
export function bridgeState(bridge: BridgeSwitch): { bridge: 'running' | 'stopped' } {
  return { bridge: bridge.delivering ? 'running' : 'stopped' };
}

export interface PageServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export class PortTakenError extends Error {
  override readonly name = 'PortTakenError';
}

/** `Content-Disposition` naming the file (RFC 6266: an ASCII fallback plus the UTF-8 name). */
export function attachmentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export async function startPageServer(options: PageServerOptions): Promise<PageServer> {
  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const { port } = server.address() as AddressInfo;
    const refused = refusal(
      { method: req.method ?? 'GET', host: req.headers.host, origin: req.headers.origin, contentType: req.headers['content-type'] },
      port,
    );
    if (refused) return send(res, refused.status, 'text/plain; charset=utf-8', refused.message);
    handle(options, req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `page error: ${(err as Error).message}`);
      else res.destroy();
    });
  });
  try {
    await listen(server, options.port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    if (!options.fallbackToFreePort) throw new PortTakenError(`port ${options.port} is taken: choose another with --port N (0 = any)`);
    await listen(server, 0);
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function handle(options: PageServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const bridge = /^\/bridge(?:\/(stop|start))?$/.exec(url.pathname);
  if (bridge && options.bridge) {
    const [, action] = bridge;
    if ((action === undefined) !== (req.method === 'GET'))
      return send(res, 405, 'text/plain; charset=utf-8', 'GET /bridge, POST /bridge/stop|start');
    if (action !== undefined) options.bridge.setDelivering(action === 'start');
    return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(bridgeState(options.bridge)));
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'GET only');
  if (url.pathname === '/') return send(res, 200, 'text/html; charset=utf-8', renderPage(await options.model()));
  if (url.pathname === PAGE_CSS_PATH) return send(res, 200, 'text/css; charset=utf-8', PAGE_CSS);
  if (url.pathname === PAGE_SCRIPT_PATH) return send(res, 200, 'text/javascript; charset=utf-8', PAGE_SCRIPT);
  if (url.pathname === '/state.json')
    return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(await options.model(), null, 2));
  const file = /^\/files\/([^/]+)$/.exec(url.pathname);
  if (file) {
    const id = decodePathSegment(file[1]);
    if (id === undefined) return send(res, 400, 'text/plain; charset=utf-8', 'the file id is not valid percent-encoding');
    const download = options.download(id);
    if (!download) return send(res, 404, 'text/plain; charset=utf-8', 'no such file (or it is a folder)');
    res.writeHead(200, {
      'content-type': download.mimeType,
      'content-length': String(download.size),
      'content-disposition': attachmentDisposition(download.name),
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') return void res.end();
    download.stream().pipe(res);
    return;
  }
  send(res, 404, 'text/plain; charset=utf-8', 'not found');
}

/** A percent-encoded path segment, or undefined when it is malformed (`%`, `%zz`, broken UTF-8). */
function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' });
  res.end(body);
}
