/**
 * What reaches the function before functions-framework reads it. The framework parses every body in full
 * (up to 1 GiB, several copies in memory) before our handlers run, and a CloudEvent request without a body
 * crashes its middleware into a 500 with a stack trace. The guard stands between Node's HTTP server and the
 * framework's Express application: a body over MAX_BODY_BYTES is refused with 413 before it is read (a
 * declared `Content-Length` at once; a chunked body once it passes the limit, holding at most the limit), a
 * compressed body with 415 (it would inflate past any limit), a CloudEvent without a body with 400 and one
 * ERROR line. Every body the function accepts is small JSON: a route's request, or a Cloud Storage event
 * (object name ≤ 1024 bytes, custom metadata ≤ 8 KiB: https://cloud.google.com/storage/quotas#objects).
 *
 * Installed once by the entry module; it wraps the request listener of each Express server it sees (the
 * framework's), found through Node's `http.server.request.start` diagnostics channel, which is published
 * before the server hands the request to its listeners. Other servers of the process are left alone.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '../core/logs.js';

export const MAX_BODY_BYTES = 64 * 1024;

export type Verdict =
  | { kind: 'forward' }
  /** No body: forwarded with an empty one, so the framework has something to read. */
  | { kind: 'empty' }
  /** A chunked body: forwarded once read whole within the limit. */
  | { kind: 'buffer' }
  | { kind: 'refuse'; status: 400 | 413 | 415; error: string; event?: string };

const isCloudEvent = (headers: IncomingHttpHeaders): boolean =>
  headers['ce-specversion'] !== undefined || /^application\/cloudevents\+json/i.test(headers['content-type'] ?? '');

const tooLarge = (what: string): Verdict => ({
  kind: 'refuse',
  status: 413,
  error: `the request body is ${what}; the function accepts at most ${MAX_BODY_BYTES} bytes`,
});

/** What to do with a request, from its method and headers. Pure. */
export function judgeRequest(method: string | undefined, headers: IncomingHttpHeaders): Verdict {
  const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const declared = headers['content-length'];
  const chunked = headers['transfer-encoding'] !== undefined;
  if (declared !== undefined && !chunked && Number(declared) > MAX_BODY_BYTES) return tooLarge(`${declared} bytes`);
  const empty = !chunked && (declared === undefined || Number(declared) === 0);
  if (!empty && encoding !== 'identity') {
    return { kind: 'refuse', status: 415, error: `a compressed request body (Content-Encoding: ${encoding}) is not accepted` };
  }
  if (empty && method === 'POST' && isCloudEvent(headers)) {
    const id = headers['ce-id'];
    return {
      kind: 'refuse',
      status: 400,
      error: 'the CloudEvent has no body: a storage event carries its object there',
      event: typeof id === 'string' ? id : '',
    };
  }
  if (empty) return { kind: 'empty' };
  return chunked ? { kind: 'buffer' } : { kind: 'forward' };
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** The framework's server: its request listener is an Express application. */
function isExpressApp(listener: unknown): listener is Listener {
  const app = listener as { handle?: unknown; set?: unknown } | undefined;
  return typeof listener === 'function' && typeof app?.handle === 'function' && typeof app.set === 'function';
}

const guarded = new WeakSet<Server>();
let installed = false;

/** Guards every functions-framework server of this process from now on. Idempotent. */
export function installRequestGuard(logger: Logger): void {
  if (installed) return;
  installed = true;
  subscribe('http.server.request.start', (message) => {
    const { server } = message as { server: Server };
    if (guarded.has(server)) return;
    const listeners = server.listeners('request');
    if (listeners.length !== 1 || !isExpressApp(listeners[0])) return;
    guarded.add(server);
    const app = listeners[0];
    server.removeListener('request', app);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => guard(logger, app, req, res));
  });
}

function guard(logger: Logger, app: Listener, req: IncomingMessage, res: ServerResponse): void {
  const verdict = judgeRequest(req.method, req.headers);
  switch (verdict.kind) {
    case 'forward':
      return app(req, res);
    case 'empty':
      (req as IncomingMessage & { body?: unknown }).body = {};
      return app(req, res);
    case 'refuse':
      return refuse(logger, req, res, verdict);
    case 'buffer':
      return bufferThenForward(logger, app, req, res);
  }
}

function refuse(logger: Logger, req: IncomingMessage, res: ServerResponse, verdict: Extract<Verdict, { kind: 'refuse' }>): void {
  const path = (req.url ?? '/').split('?')[0];
  if (verdict.event !== undefined) logger.malformedEvent({ id: verdict.event || undefined, problems: [verdict.error] });
  else logger.httpRequestRejected({ method: req.method ?? '', path, status: verdict.status, error: verdict.error });
  const body = JSON.stringify({ error: verdict.error });
  // The unread body is not wanted: the connection closes after the answer instead of draining it.
  res.writeHead(verdict.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
}

/**
 * A chunked body: its chunks are held back from the stream (at most MAX_BODY_BYTES of them) until it ends,
 * then handed on and the request forwarded; past the limit the request is refused and the rest dropped.
 */
function bufferThenForward(logger: Logger, app: Listener, req: IncomingMessage, res: ServerResponse): void {
  const push = req.push.bind(req);
  const held: Buffer[] = [];
  let bytes = 0;
  let state: 'reading' | 'forwarded' | 'refused' = 'reading';
  req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (state === 'forwarded') return push(chunk, encoding);
    if (state === 'refused') return true;
    if (chunk !== null) {
      // Node's HTTP parser pushes Buffers.
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      bytes += buffer.length;
      if (bytes > MAX_BODY_BYTES) {
        state = 'refused';
        held.length = 0;
        refuse(logger, req, res, tooLarge(`over ${MAX_BODY_BYTES} bytes (chunked)`) as Extract<Verdict, { kind: 'refuse' }>);
        return true;
      }
      held.push(buffer);
      return true;
    }
    state = 'forwarded';
    for (const buffer of held.splice(0)) push(buffer);
    const ended = push(null);
    app(req, res);
    return ended;
  };
}
