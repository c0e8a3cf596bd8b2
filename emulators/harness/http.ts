/**
 * Small HTTP helpers shared by the five emulators: route matching, request bodies, JSON replies and the
 * error shapes Google's APIs use.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

export type ServiceName = 'gcs' | 'drive' | 'oauth' | 'secrets' | 'tasks';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Named groups of the route's path pattern, URL-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The route's name, as counted by the request counters (e.g. `drive.files.list`). */
  routeName: string;
  /** The request body. Always read it through this stream: fault injection may cut it. */
  body: Readable;
}

export interface Route {
  method: string | string[];
  /** Matched against the URL pathname; named groups become `params`. */
  path: RegExp;
  /** Counter / fault-matching name, `service.resource.verb`. */
  name: string;
  /** Optional extra predicate (e.g. on `uploadType`). */
  when?: (url: URL, req: IncomingMessage) => boolean;
  handle: (ctx: RequestContext) => Promise<void> | void;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason = 'invalid',
    readonly headers: Record<string, string> = {},
    /** `errors[0].domain` of the reply: `global` for most errors, `usageLimits` for quotas and rate limits. */
    readonly domain = 'global',
  ) {
    super(message);
  }
}

export function matchRoute(
  routes: readonly Route[],
  method: string,
  url: URL,
  req: IncomingMessage,
): { route: Route; params: Record<string, string> } | { methodNotAllowed: true } | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.path.exec(url.pathname);
    if (!m) continue;
    if (route.when && !route.when(url, req)) continue;
    pathMatched = true;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes(method)) continue;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) params[k] = decodeURIComponent(v);
    return { route, params };
  }
  return pathMatched ? { methodNotAllowed: true } : undefined;
}

export async function readBuffer(body: Readable, limit = 64 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new HttpError(413, `Request body larger than ${limit} bytes`, 'payloadTooLarge');
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

export async function readJson<T = unknown>(body: Readable): Promise<T> {
  const buf = await readBuffer(body, 16 * 1024 * 1024);
  if (buf.length === 0) return {} as T;
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch {
    throw new HttpError(400, 'Request body is not valid JSON', 'parseError');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** The error body of Google's JSON APIs (Cloud Storage, Drive): `{error: {code, message, errors: [...]}}`. */
export function googleError(status: number, message: string, reason: string, domain = 'global'): unknown {
  return { error: { code: status, message, errors: [{ domain, reason, message }] } };
}

/** Drains whatever is left of a request body (so a reply before reading it does not break keep-alive). */
export async function drain(body: Readable): Promise<void> {
  for await (const _ of body) {
    // discard
  }
}
