/**
 * A child process of this repository, started the one way tests and benchmarks start theirs (a TypeScript
 * file under tsx, or a built script): from the repository's root, stdin closed, Node's warnings off, and
 * stdout and stderr piped and kept as text, for the caller to watch while it runs and to read once it ends.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export const REPO_ROOT = join(__dirname, '..');

export interface ChildWithOutput {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything written to stdout so far (already including a chunk when the caller's own 'data' listener sees it). */
  stdout: () => string;
  stderr: () => string;
}

/**
 * Runs `node ...args` (this process's Node) with `env` (default: this process's environment), keeping
 * its output. For a TypeScript file: `spawnNode(['--import', 'tsx', 'path/file.ts', ...])`.
 */
export function spawnNode(args: readonly string[], env: NodeJS.ProcessEnv = process.env): ChildWithOutput {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...env, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return { child, stdout: () => stdout, stderr: () => stderr };
}
