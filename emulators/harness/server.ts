/**
 * One HTTP server per emulated service. Every request is counted per route (requests, and the body bytes
 * received), checked against the shared fault rules, then dispatched. `/_emulator/...` control routes are
 * served on every port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ManualClock, systemClock, type Clock } from './clock.js';
import { cutRequestAfter, cutResponseAfter } from './cut.js';
import { FaultRegistry } from './faults.js';
import { LimitsRegistry, type LimitsPatch } from './limits.js';
import { drain, googleError, HttpError, matchRoute, readJson, sendJson, type Route, type ServiceName } from './http.js';

/** A control route, served under `/_emulator/<path>` on every emulator's port. */
export interface ControlRoute {
  method: string;
  path: string;
  handle: (body: Record<string, unknown>, url: URL) => unknown;
  /** Headers sent with a 200 answer, e.g. the `Cache-Control` of a certs endpoint. */
  headers?: Record<string, string>;
}

export interface ControlHubOptions {
  /** Overrides of Google's limits, per section (`{ drive: {...}, gcs: {...} }`). */
  limits?: LimitsPatch;
  /** The time every emulator reads (clock.ts); a ManualClock makes tests independent of the machine's speed. */
  clock?: Clock;
}

/** State every emulator shares: fault rules, request counters, limits, the clock, control routes and reset hooks. */
export class ControlHub {
  readonly faults = new FaultRegistry();
  readonly limits: LimitsRegistry;
  readonly clock: Clock;
  private counts = new Map<string, number>();
  private bodyByteCounts = new Map<string, number>();
  private readonly resetHooks: Array<() => void> = [];
  private readonly requestDoneHooks: Array<() => void> = [];
  private readonly controlRoutes: ControlRoute[] = [];

  constructor(options: ControlHubOptions = {}) {
    this.limits = new LimitsRegistry(options.limits);
    this.clock = options.clock ?? systemClock;
    this.addControl({ method: 'POST', path: 'faults', handle: (body) => ({ id: this.faults.add(body as never) }) });
    this.addControl({ method: 'GET', path: 'faults', handle: () => ({ faults: this.faults.list() }) });
    this.addControl({ method: 'DELETE', path: 'faults', handle: () => (this.faults.clear(), {}) });
    this.addControl({ method: 'GET', path: 'counters', handle: () => ({ counters: this.counters(), bodyBytes: this.bodyBytes() }) });
    this.addControl({ method: 'DELETE', path: 'counters', handle: () => (this.resetCounters(), {}) });
    this.addControl({ method: 'POST', path: 'reset', handle: () => (this.reset(), {}) });
    this.addControl({ method: 'GET', path: 'limits', handle: () => ({ limits: this.limits.get() }) });
    this.addControl({ method: 'POST', path: 'limits', handle: (body) => ({ limits: this.limits.set(body) }) });
    this.addControl({ method: 'DELETE', path: 'limits', handle: () => (this.limits.reset(), { limits: this.limits.get() }) });
    this.addControl({
      method: 'POST',
      path: 'clock',
      handle: async (body) => {
        if (!(this.clock instanceof ManualClock))
          throw new Error('the clock is the system clock; start the emulators with a ManualClock to move it');
        if (typeof body.advanceMs === 'number') await this.clock.advance(body.advanceMs);
        else if (typeof body.nowMs === 'number') await this.clock.advanceTo(body.nowMs);
        else throw new Error('body must be {"advanceMs": n} or {"nowMs": n}');
        return { nowMs: this.clock.now() };
      },
    });
  }

  count(route: string): void {
    this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
  }

  /** Requests per route name since the last reset, e.g. `{ 'drive.files.list': 3 }`. */
  counters(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  countBodyBytes(route: string, bytes: number): void {
    this.bodyByteCounts.set(route, (this.bodyByteCounts.get(route) ?? 0) + bytes);
  }

  /**
   * Request body bytes received per route since the last reset, e.g. `{ 'drive.upload.session': 8388608 }`:
   * what clients sent (bytes a fault cut off never arrive, so they do not count).
   */
  bodyBytes(): Record<string, number> {
    return Object.fromEntries([...this.bodyByteCounts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Sum of the counters whose route name starts with `prefix`. */
  total(prefix = ''): number {
    let n = 0;
    for (const [k, v] of this.counts) if (k.startsWith(prefix)) n += v;
    return n;
  }

  resetCounters(): void {
    this.counts.clear();
    this.bodyByteCounts.clear();
  }

  onReset(hook: () => void): void {
    this.resetHooks.push(hook);
  }

  /** Forgets all state: objects, files, tokens, secrets, faults and counters (seeds are re-applied); limits go back to their start values. */
  reset(): void {
    this.faults.clear();
    this.resetCounters();
    this.limits.reset();
    for (const hook of this.resetHooks) hook();
  }

  /** Called after every request (service or control route) has been handled, e.g. to persist state. */
  onRequestDone(hook: () => void): void {
    this.requestDoneHooks.push(hook);
  }

  requestDone(): void {
    for (const hook of this.requestDoneHooks) hook();
  }

  addControl(route: ControlRoute): void {
    this.controlRoutes.push(route);
  }

  async handleControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/^\/_emulator\/?/, '');
    const route = this.controlRoutes.find((r) => r.method === req.method && r.path === path);
    if (!route) return sendJson(res, 404, { error: `no control route ${req.method} /_emulator/${path}` });
    try {
      const body = req.method === 'GET' ? {} : await readJson<Record<string, unknown>>(req);
      sendJson(res, 200, (await route.handle(body, url)) ?? {}, route.headers);
    } catch (err) {
      sendJson(res, 400, { error: (err as Error).message });
    }
  }
}

/**
 * Counts the body bytes the HTTP parser hands to `req`, read by the route or not, by observing `push`
 * (how a Readable's source feeds it): a 'data' listener would start the flow before the route reads.
 */
function observeBodyBytes(req: IncomingMessage, onBytes: (bytes: number) => void): void {
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (chunk instanceof Uint8Array) onBytes(chunk.length);
    return push(chunk, encoding);
  };
}

export interface ServiceServer {
  service: ServiceName;
  server: Server;
  /** `http://127.0.0.1:PORT` */
  url: string;
  close(): Promise<void>;
}

export type ErrorRenderer = (res: ServerResponse, err: HttpError) => void;

const renderGoogleError: ErrorRenderer = (res, err) =>
  sendJson(res, err.status, googleError(err.status, err.message, err.reason, err.domain), err.headers);

export async function startServiceServer(opts: {
  service: ServiceName;
  routes: readonly Route[];
  hub: ControlHub;
  port?: number;
  host?: string;
  renderError?: ErrorRenderer;
}): Promise<ServiceServer> {
  const { service, routes, hub } = opts;
  const renderError = opts.renderError ?? renderGoogleError;

  const server = createServer((req, res) => {
    void handle(req, res).finally(() => hub.requestDone());
  });
  // Idle connections kept 610 s, the default of Google's front ends for the load balancers they serve
  // (TargetHttpProxy.httpKeepAliveTimeoutSec, https://cloud.google.com/compute/docs/reference/rest/v1/targetHttpProxies);
  // Google publishes no figure for its APIs' own. A shorter one (30 s) let a client on a loaded machine
  // reuse a socket the emulator was just closing ("socket hang up").
  server.keepAliveTimeout = 610_000;
  server.requestTimeout = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname.startsWith('/_emulator')) return hub.handleControl(req, res, url);
    const method = req.method ?? 'GET';
    const found = matchRoute(routes, method, url, req);
    if (!found || 'methodNotAllowed' in found) {
      hub.count(`${service}.unmatched`);
      await drain(req).catch(() => undefined);
      const status = found ? 405 : 404;
      return renderError(res, new HttpError(status, `${service} emulator: no route for ${method} ${url.pathname}`, 'notFound'));
    }
    const { route, params } = found;
    hub.count(route.name);
    observeBodyBytes(req, (bytes) => hub.countBodyBytes(route.name, bytes));
    let body: IncomingMessage | ReturnType<typeof cutRequestAfter> = req;
    for (const action of hub.faults.take({ service, route: route.name, method, pathAndQuery: url.pathname + url.search })) {
      if (action.kind === 'latency') await sleep(action.ms);
      else if (action.kind === 'reset') {
        const { ruleId, afterBytes } = action;
        const onCut = () => hub.faults.recordCut(ruleId, { atMs: Date.now(), afterBytes });
        if (action.direction === 'request') body = cutRequestAfter(req, afterBytes, onCut);
        else cutResponseAfter(res, afterBytes, onCut);
      } else {
        await drain(req).catch(() => undefined);
        const text = action.body === undefined ? '' : typeof action.body === 'string' ? action.body : JSON.stringify(action.body);
        res.writeHead(action.status, { 'content-type': 'application/json; charset=UTF-8', ...action.headers });
        res.end(text);
        return;
      }
    }
    try {
      await route.handle({ req, res, url, params, query: url.searchParams, routeName: route.name, body });
    } catch (err) {
      // The client went away: nobody to answer. (Ask the response: a handler that stopped reading a body
      // mid-way leaves the request without its socket while the response can still be sent.)
      if (res.destroyed || !res.socket || res.socket.destroyed) return;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) return renderError(res, err);
      renderError(res, new HttpError(500, `${service} emulator internal error: ${(err as Error).message}`, 'backendError'));
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    service,
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
