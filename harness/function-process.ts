/**
 * Runs one of the product's function targets the way Cloud Run does: functions-framework serving the real
 * entry module (src/index.ts through tsx), as a child process listening on 127.0.0.1 only
 * (harness/function-server.ts), configured only through its environment. Its stdout/stderr lines go to
 * `onLog`. The child stops by itself when this process goes away. Used by the sandbox and by the tests'
 * support.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';

export type SignatureType = 'cloudevent' | 'http';

export interface FunctionProcessOptions {
  /** The registered function name (`backupOnFinalize`, `backupHttp`). */
  target: string;
  /** What the target is; the entry module's registration decides it, as under functions-framework's CLI. */
  signatureType?: SignatureType;
  /** Added to this process's environment. */
  env: Record<string, string>;
  /** Receives every output line (stdout and stderr) without its newline. */
  onLog?: (line: string) => void;
  /** Called when the process exits by itself (not through `stop()`). */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  /** Its own process group, so a terminal's Ctrl-C reaches only the parent, which then stops it. */
  detached?: boolean;
  /** The port to listen on (default: a free one), when the URL must be known before it starts. */
  port?: number;
}

export interface FunctionProcess {
  url: string;
  pid: number;
  /** SIGTERM, SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

const REPO_ROOT = join(__dirname, '..');
const SERVER = join(__dirname, 'function-server.ts');
const START_TIMEOUT_MS = 30_000;

/** A port that was free a moment ago (the child binds it itself). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startFunctionProcess(options: FunctionProcessOptions): Promise<FunctionProcess> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SERVER, options.target, String(port)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) options.onUnexpectedExit?.(code, signal);
  });
  forEachLine(child, (line) => options.onLog?.(line));

  const stop = async (graceMs = 5_000): Promise<void> => {
    stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilListening(port, child);
  } catch (err) {
    await stop(0);
    throw err;
  }
  return { url, pid: child.pid as number, stop };
}

function forEachLine(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        onLine(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    });
  }
}

async function waitUntilListening(port: number, child: ChildProcess): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < START_TIMEOUT_MS) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`function process exited with ${child.exitCode ?? child.signalCode} before listening`);
    }
    const listening = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (listening) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`function process did not listen on port ${port} within ${START_TIMEOUT_MS / 1000} s`);
}
