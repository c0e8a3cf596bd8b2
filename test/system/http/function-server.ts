/**
 * Test support (not a test): the product's real entry module (src/index.ts) served by functions-framework
 * over HTTP against the emulators of a test/support/world.ts world — the HTTP function and the CloudEvent
 * function each on its own port. The product's JSON log lines are captured instead of printed.
 * One per test file: the runtime reads process.env on its first invocation.
 */
import { randomUUID } from 'node:crypto';
import { captureLogs, listen } from '../../support/in-process.js';
import { createWorld, type World } from '../../support/world.js';

export interface FunctionServer {
  world: World;
  /** The HTTP function's and the event function's base URLs. */
  httpUrl: string;
  eventsUrl: string;
  /** JSON log lines the product wrote. */
  logs: Record<string, unknown>[];
  request(
    method: string,
    path: string,
    body?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }>;
  post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Delivers a finalized CloudEvent (binary mode) for an object resource; resolves to the HTTP status. */
  sendFinalized(object: { bucket: string; name: string }, id?: string): Promise<number>;
  close(): Promise<void>;
}

export async function startFunctionServer(extraEnv: Record<string, string> = {}): Promise<FunctionServer> {
  const world = await createWorld(extraEnv);
  Object.assign(process.env, world.env);
  const logs = captureLogs();
  await import('../../../src/index.js');
  const { getTestServer } = await import('@google-cloud/functions-framework/testing');
  const { EVENT_ENTRY_POINT, HTTP_ENTRY_POINT } = await import('../../../src/entry-points.js');
  const http = await listen(getTestServer(HTTP_ENTRY_POINT));
  const events = await listen(getTestServer(EVENT_ENTRY_POINT));

  const request: FunctionServer['request'] = async (method, path, body, headers = {}) => {
    const res = await fetch(`${http.url}${path}`, { method, body, headers });
    const text = await res.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = { text };
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    world,
    httpUrl: http.url,
    eventsUrl: events.url,
    logs: logs.lines,
    request,
    post: (path, body) => request('POST', path, JSON.stringify(body), { 'content-type': 'application/json' }),
    async sendFinalized(object, id = randomUUID()) {
      const res = await fetch(events.url, {
        method: 'POST',
        headers: {
          'ce-id': id,
          'ce-type': 'google.cloud.storage.object.v1.finalized',
          'ce-source': `//storage.googleapis.com/projects/_/buckets/${object.bucket}`,
          'ce-subject': `objects/${object.name}`,
          'ce-specversion': '1.0',
          'content-type': 'application/json',
        },
        body: JSON.stringify(object),
      });
      await res.arrayBuffer();
      return res.status;
    },
    async close() {
      await Promise.all([http.close(), events.close()]);
      await world.stop();
      logs.restore();
    },
  };
}
