/**
 * The HTTP function (`backupHttp`): JSON in, JSON out, these routes —
 *   POST /backup     back up one object now            (backup-route.ts)
 *   POST /reconcile  back up whatever events missed     (reconcile-route.ts)
 *   POST /restore-drill  restore a few objects into memory and compare (restore-drill-route.ts)
 *   POST /restore    restore the backup into a bucket RESTORE_BUCKETS lists, in budgeted calls or tasks (restore-route.ts)
 *   GET  /healthz    liveness and version (also /health: on Cloud Run's own URLs, paths ending in `z`
 *                    are reserved by the platform and never reach the container)
 * Unknown path → 404, wrong method → 405, bad body → 400 listing every problem; bad input never gets a
 * 500. Authentication is Cloud Run IAM (roles/run.invoker); in tasks mode the code also checks that a
 * request claiming to be a task carries the queue's own OIDC token (src/tasks/dispatcher-identity.ts).
 */
import type { Request, Response } from '@google-cloud/functions-framework';
import { runtimeOrConfigError, type Runtime, type RuntimeSource } from '../tasks/dispatch.js';
import { ConfigError } from '../config/config.js';
import { backupRoute } from './backup-route.js';
import type { ClaimedTask } from './backup-route.js';
import { badRequest, RETRY_AFTER_SECONDS, type HttpReply } from '../core/failure-status.js';
import { readJsonBody } from './json-body.js';
import { reconcileRoute } from './reconcile-route.js';
import { restoreDrillRoute } from './restore-drill-route.js';
import { restoreRoute } from './restore-route.js';
import { productVersion } from './version.js';

interface Route {
  method: 'GET' | 'POST';
  handle: (source: RuntimeSource, req: Request, body: unknown) => Promise<HttpReply>;
}

const withRuntime =
  (handle: (runtime: Runtime, body: unknown, req: Request) => Promise<HttpReply>) =>
  async (source: RuntimeSource, req: Request, body: unknown): Promise<HttpReply> => {
    const runtime = await runtimeOrConfigError(source);
    if (runtime instanceof ConfigError) {
      return {
        status: 503,
        body: { error: `invalid configuration: ${runtime.message}` },
        headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
      };
    }
    return handle(runtime, body, req);
  };

const health = (): Promise<HttpReply> => Promise.resolve({ status: 200, body: { ok: true, version: productVersion() } });

const ROUTES: Record<string, Route> = {
  '/backup': {
    method: 'POST',
    handle: withRuntime((runtime, body, req) => backupRoute(runtime, body, req.get('traceparent'), claimedTask(req))),
  },
  '/reconcile': { method: 'POST', handle: withRuntime((runtime, body) => reconcileRoute(runtime, body)) },
  '/restore': {
    method: 'POST',
    handle: withRuntime((runtime, body, req) => restoreRoute(runtime, body, claimedTask(req))),
  },
  '/restore-drill': { method: 'POST', handle: withRuntime((runtime, body) => restoreDrillRoute(runtime, body)) },
  '/healthz': { method: 'GET', handle: health },
  '/health': { method: 'GET', handle: health },
};

/** The Cloud Tasks dispatch a request says it is (its `X-CloudTasks-TaskName`), with its credentials. */
function claimedTask(req: Request): ClaimedTask | undefined {
  const task = req.get('x-cloudtasks-taskname');
  return task ? { task, authorization: req.get('authorization') } : undefined;
}

export async function handleHttp(source: RuntimeSource, req: Request, res: Response): Promise<void> {
  const reply = await routeRequest(source, req);
  // 429 is a rate limit passed on to a Cloud Tasks queue (src/tasks/worker.ts), not a rejected request.
  if (reply.status >= 400 && reply.status < 500 && reply.status !== 429) {
    source.logger.httpRequestRejected({
      method: req.method,
      path: req.path,
      status: reply.status,
      error: typeof reply.body.error === 'string' ? reply.body.error : '',
    });
  }
  res
    .status(reply.status)
    .set(reply.headers ?? {})
    .json(reply.body);
}

async function routeRequest(source: RuntimeSource, req: Request): Promise<HttpReply> {
  const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
  const route = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  if (route === undefined) {
    const known = Object.entries(ROUTES)
      .map(([p, r]) => `${r.method} ${p}`)
      .join(', ');
    return { status: 404, body: { error: `no route ${path}; routes: ${known}` } };
  }
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  if (method !== route.method) {
    return { status: 405, body: { error: `${path} accepts ${route.method}, not ${req.method}` }, headers: { allow: route.method } };
  }
  const body =
    route.method === 'POST' ? readJsonBody({ rawBody: req.rawBody, body: req.body as unknown }) : { ok: true as const, value: undefined };
  if (!body.ok) return badRequest(body.problems);
  try {
    return await route.handle(source, req, body.value);
  } catch (err) {
    source.logger.httpHandlerFailed({ method: req.method, path, error: err });
    return { status: 500, body: { error: 'internal error; see the function logs' } };
  }
}
