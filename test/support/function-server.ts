/**
 * Runs the product's function targets the way Cloud Run does: functions-framework serving the real
 * entry module, in this process (`startInProcess`) or as separate instances (`startInstances`, one child
 * process each, so caches and state are not shared; sandbox/function-process.ts starts them). Delivers
 * CloudEvents like Eventarc in binary mode (headers from sandbox/cloud-event.ts).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { storageEventHeaders } from '../../sandbox/cloud-event.js';
import { startFunctionProcess } from '../../sandbox/function-process.js';

export { percentEncodeHeader } from '../../sandbox/cloud-event.js';

export interface FunctionInstance {
  url: string;
  /** The process serving it: this process for `startInProcess`, the child for `startInstances`. */
  pid: number;
  stop(): Promise<void>;
}

/** Starts a functions-framework server for `target` in this process (env must already be set). */
export async function startInProcess(target: string): Promise<FunctionInstance> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../../src/index');
  const { getTestServer } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@google-cloud/functions-framework/testing') as typeof import('@google-cloud/functions-framework/testing');
  const server: Server = getTestServer(target);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    pid: process.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Starts `count` separate function instances (child processes) serving `target` with `env`. */
export async function startInstances(
  target: string,
  count: number,
  env: Record<string, string>,
  onLog?: (line: string) => void,
): Promise<FunctionInstance[]> {
  const instances: FunctionInstance[] = [];
  for (let i = 0; i < count; i++) {
    const child = await startFunctionProcess({ target, signatureType: 'cloudevent', env, onLog });
    instances.push({ url: child.url, pid: child.pid, stop: () => child.stop() });
  }
  return instances;
}

/** Eventarc's binary-mode delivery of a Cloud Storage event; resolves to the HTTP status. */
export async function deliverStorageEvent(
  url: string,
  data: { bucket: string; name: string; [k: string]: unknown },
  options: { type?: string; id?: string } = {},
): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      ...storageEventHeaders({ kind: 'finalized', id: options.id ?? randomUUID(), bucket: data.bucket, name: data.name, time: new Date() }),
      ...(options.type !== undefined ? { 'ce-type': options.type } : {}),
    },
    body: JSON.stringify(data),
  });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Delivers until the function acknowledges (2xx), as Eventarc retries; returns the statuses seen. A delivery
 * that gets no answer (a connection reset, on a loaded machine a kept-alive socket the server had just
 * closed) is retried too, as Eventarc retries it, and shows as status 0.
 */
export async function deliverUntilAcked(
  url: string,
  data: { bucket: string; name: string },
  maxAttempts = 20,
  id?: string,
): Promise<number[]> {
  const statuses: number[] = [];
  const eventId = id ?? randomUUID();
  for (let i = 0; i < maxAttempts; i++) {
    const status = await deliverStorageEvent(url, data, { id: eventId }).catch((err: unknown) => {
      if (err instanceof TypeError && err.message === 'fetch failed') return 0;
      throw err;
    });
    statuses.push(status);
    if (status >= 200 && status < 300) return statuses;
    await new Promise((r) => setTimeout(r, 50 * (i + 1)));
  }
  return statuses;
}
