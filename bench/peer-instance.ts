/**
 * Starts peer-process.ts in a process of its own (no NODE_OPTIONS: the defaults a user's deployment
 * would have) and talks to it one JSON line at a time, so that `peer` can watch its memory as it watches
 * the function instance's.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FunctionWorld as World } from '../harness/function-world.js';
import type { PeerConfig, PeerCopy, PeerResult } from './peer-process.js';
import { rawEmulators } from './raw-client.js';

export interface PeerInstance {
  pid: number;
  copy(job: PeerCopy): Promise<PeerResult>;
  stop(): Promise<void>;
}

export async function startPeer(world: World): Promise<PeerInstance> {
  const config: PeerConfig = rawEmulators(world.emulators);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_NO_WARNINGS: '1' };
  delete childEnv.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'peer-process.ts'), JSON.stringify(config)], {
    cwd: join(__dirname, '..'),
    env: childEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  const waiting: Array<{ resolve: (line: string) => void; reject: (err: Error) => void }> = [];
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.resolve(line));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`the peer exited with ${code}: ${stderr.trim()}`));
  });
  const nextLine = () => new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }));

  const ready = JSON.parse(await nextLine()) as { ready?: boolean };
  if (!ready.ready) throw new Error(`the peer did not start: ${stderr.trim()}`);
  return {
    pid: child.pid!,
    async copy(job) {
      const answer = nextLine();
      child.stdin.write(`${JSON.stringify(job)}\n`);
      return JSON.parse(await answer) as PeerResult;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      child.kill('SIGTERM');
      await exited;
    },
  };
}
