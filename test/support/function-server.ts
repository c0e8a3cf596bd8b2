/**
 * Runs the product's function targets the way Cloud Run does: functions-framework serving the real
 * entry module, in this process (`startInProcess`) or as separate instances (`startInstances`, one child
 * process each, so caches and state are not shared). Delivers CloudEvents like Eventarc in binary mode.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

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
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { getTestServer } = require('@google-cloud/functions-framework/testing') as typeof import('@google-cloud/functions-framework/testing');
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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts `count` separate function instances (child processes) serving `target` with `env`. */
export async function startInstances(target: string, count: number, env: Record<string, string>, onLog?: (line: string) => void): Promise<FunctionInstance[]> {
  const root = join(__dirname, '..', '..');
  const main = join(root, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');
  const instances: FunctionInstance[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', main, `--target=${target}`, `--source=${join(root, 'src', 'index.ts')}`, `--port=${port}`, '--signature-type=cloudevent'],
      { cwd: root, env: { ...process.env, ...env, NODE_NO_WARNINGS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let buffered = '';
    const collect = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        onLog?.(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const url = `http://127.0.0.1:${port}`;
    await waitUntilServing(url, child);
    instances.push({
      url,
      pid: child.pid as number,
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    });
  }
  return instances;
}

async function waitUntilServing(url: string, child: ChildProcess): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < 30_000) {
    if (child.exitCode !== null) throw new Error(`function instance exited with ${child.exitCode}`);
    const { port } = new URL(url);
    const listening = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (listening) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('function instance did not start in 30 s');
}

/** CloudEvents HTTP binding: header values percent-encode anything outside printable ASCII (and `%`). */
export function percentEncodeHeader(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'))
    .map((b) => (b >= 0x20 && b < 0x7f && b !== 0x25 && b !== 0x22 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
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
      'content-type': 'application/json',
      'ce-id': options.id ?? randomUUID(),
      'ce-specversion': '1.0',
      'ce-type': options.type ?? 'google.cloud.storage.object.v1.finalized',
      'ce-source': `//storage.googleapis.com/projects/_/buckets/${data.bucket}`,
      'ce-subject': percentEncodeHeader(`objects/${data.name}`),
      'ce-time': new Date().toISOString(),
    },
    body: JSON.stringify(data),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Delivers until the function acknowledges (2xx), as Eventarc retries; returns the statuses seen. */
export async function deliverUntilAcked(url: string, data: { bucket: string; name: string }, maxAttempts = 20, id?: string): Promise<number[]> {
  const statuses: number[] = [];
  const eventId = id ?? randomUUID();
  for (let i = 0; i < maxAttempts; i++) {
    const status = await deliverStorageEvent(url, data, { id: eventId });
    statuses.push(status);
    if (status >= 200 && status < 300) return statuses;
    await new Promise((r) => setTimeout(r, 50 * (i + 1)));
  }
  return statuses;
}
