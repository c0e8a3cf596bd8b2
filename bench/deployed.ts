/**
 * The function as deployed: `dist/` compiled by `npm run build` (run here when dist/index.js is missing
 * or older than a file under src/), served by functions-framework from dist/index.js in a plain `node`
 * process (no tsx), as Cloud Run starts it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = join(__dirname, '..');
export const DEPLOYED_ENTRY = join(ROOT, 'dist', 'index.js');

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when stale; returns what was done, and tsc's complaints when it still emitted. */
export function ensureBuilt(): { built: boolean; warnings?: string } {
  if (existsSync(DEPLOYED_ENTRY) && statSync(DEPLOYED_ENTRY).mtimeMs >= newestMtimeMs(join(ROOT, 'src'))) return { built: false };
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  const output = `${build.stdout ?? ''}${build.stderr ?? ''}`.trim();
  // tsc emits despite type errors (another change in progress, say): measure what it emitted.
  if (!existsSync(DEPLOYED_ENTRY)) throw new Error(`npm run build made no ${DEPLOYED_ENTRY}:\n${output}`);
  return build.status === 0 ? { built: true } : { built: true, warnings: output };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface DeployedInstance {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** functions-framework serving `target` of dist/index.js; its log lines go to `onLog`. */
export async function startDeployedInstance(
  target: string,
  env: Record<string, string>,
  onLog: (line: string) => void,
): Promise<DeployedInstance> {
  const main = join(ROOT, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [main, `--target=${target}`, `--source=${DEPLOYED_ENTRY}`, `--port=${port}`, '--signature-type=cloudevent'],
    {
      cwd: ROOT,
      env: { ...process.env, ...env, NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => text.split('\n').filter(Boolean).forEach(onLog));
  }
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  const started = Date.now();
  while (Date.now() - started < 30_000) {
    if (child.exitCode !== null) throw new Error(`the deployed function exited with ${child.exitCode}`);
    try {
      await (await fetch(url)).arrayBuffer();
      return { url, pid: child.pid!, stop };
    } catch {
      await sleep(50); // Not listening yet.
    }
  }
  await stop();
  throw new Error('the deployed function did not start serving in 30 s');
}
