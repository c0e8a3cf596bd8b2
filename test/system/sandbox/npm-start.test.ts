/**
 * `npm start` as a process manager, a script or an IDE's stop button runs it: npm spawned detached, with
 * no terminal, its banner awaited, then one signal (SIGINT, or SIGTERM) sent to npm's pid alone. Nothing
 * of the process tree may be left once npm has exited, and while it runs, every TCP socket any process of
 * the tree listens on is on loopback (the functions included: functions-framework's CLI would listen on
 * every interface).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { parseBannerVariables } from '../../../sandbox/banner.js';
import { describeProcess, descendants, isLoopback, isRunning, listeningSockets } from '../../../harness/process-tree.js';
import { waitFor } from '../../support/sandbox-process.js';

const ROOT = join(__dirname, '..', '..', '..');
/**
 * Not a speed verdict: with the fix the tree is gone in about a second; before it, npm waits forever for
 * a shell that never passes the signal on. The guard turns that hang into a failure naming what is left.
 */
const HANG_GUARD_MS = 120_000;

interface RunningNpm {
  npm: ChildProcess;
  pid: number;
  vars: Record<string, string>;
  /** npm and every descendant, as they were once the banner was printed. */
  tree: number[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

async function startNpm(): Promise<RunningNpm> {
  const npm = spawn('npm', ['start', '--', '--port', '0', '--first-reconcile-after', '600'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    npm.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let stdout = '';
  let stderr = '';
  npm.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  // Waits on progress: the banner's last line, or npm exiting without it (no wall-clock budget).
  const vars = await new Promise<Record<string, string>>((resolve, reject) => {
    npm.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      const parsed = parseBannerVariables(stdout);
      if (parsed.SANDBOX_PIDS !== undefined) resolve(parsed);
    });
    void exited.then(({ code }) => reject(new Error(`npm start exited with ${code}; stderr:\n${stderr}`)));
  });
  const pid = npm.pid as number;
  return { npm, pid, vars, tree: [pid, ...(await descendants(pid))], exited, stderr: () => stderr };
}

/** After a test, whatever is left of a tree (a failing run) is killed, so it does not outlive the suite. */
async function killLeftovers(tree: readonly number[]): Promise<void> {
  for (const pid of tree) if (await isRunning(pid)) process.kill(pid, 'SIGKILL');
}

async function stoppedBy(running: RunningNpm, signal: NodeJS.Signals): Promise<void> {
  const sandbox = Number(running.vars.SANDBOX_PIDS.split(',')[0]);
  assert.ok(running.tree.includes(sandbox), 'the sandbox is in npm start’s tree');
  assert.ok(running.tree.length >= 5, `npm, tsx, the sandbox and two functions: ${running.tree.join(',')}`);
  process.kill(running.pid, signal);
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), HANG_GUARD_MS)));
  const outcome = await Promise.race([running.exited, hung]);
  clearTimeout(timer);
  // npm exits only after its child; each level reaps the one below it before exiting, so nothing may
  // still run once npm has exited (no wait needed, none allowed).
  const left: string[] = [];
  for (const pid of running.tree) if (await isRunning(pid)) left.push(await describeProcess(pid));
  const npm = outcome === 'hung' ? 'npm did not exit; ' : '';
  assert.deepEqual(left, [], `${npm}left running after kill -${signal} <npm's pid>; stderr:\n${running.stderr()}`);
}

describe('npm start stopped through npm’s pid, as a process manager does', () => {
  let running: RunningNpm;
  before(async () => (running = await startNpm()));
  after(() => killLeftovers(running.tree));

  test('every listening socket of the process tree is on loopback', async () => {
    const sockets = await listeningSockets(running.tree);
    const ports = new Set(sockets.map((s) => s.port));
    for (const name of ['SANDBOX_PAGE_URL', 'EVENT_FUNCTION_URL', 'HTTP_FUNCTION_URL', 'STORAGE_EMULATOR_HOST', 'DRIVE_EMULATOR_HOST'])
      assert.ok(ports.has(Number(new URL(running.vars[name]).port)), `${name} is one of the listening sockets found`);
    const exposed = sockets.filter((s) => !isLoopback(s.address));
    const described = await Promise.all(exposed.map(async (s) => `${s.address}:${s.port} held by ${await describeProcess(s.pid)}`));
    assert.deepEqual(described, []);
  });

  test('kill -INT <npm pid> leaves no process of the tree', () => stoppedBy(running, 'SIGINT'));
});

describe('npm start stopped with SIGTERM to npm’s pid', () => {
  let running: RunningNpm;
  before(async () => (running = await startNpm()));
  after(() => killLeftovers(running.tree));

  test('kill <npm pid> leaves no process of the tree', () => stoppedBy(running, 'SIGTERM'));
});

describe('the sandbox whose parent is killed outright', () => {
  test('stops, with its functions, once its parent is gone (SIGKILL: no signal to pass on)', async () => {
    // A stand-in for tsx or a terminal: starts the sandbox with its own stdio, then is killed.
    const starter = `require('node:child_process').spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts', '--port', '0', '--first-reconcile-after', '600'], { stdio: 'inherit' }); setInterval(() => undefined, 60_000);`;
    const parent = spawn(process.execPath, ['-e', starter], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      parent.stdout.on('data', (c: Buffer) => {
        stdout += c.toString('utf8');
        if (parseBannerVariables(stdout).SANDBOX_PIDS !== undefined) resolve();
      });
      parent.once('exit', (code) => reject(new Error(`the stand-in exited with ${code}`)));
    });
    const tree = await descendants(parent.pid as number);
    try {
      assert.ok(tree.length >= 3, `the sandbox and its two functions: ${tree.join(',')}`);
      parent.kill('SIGKILL');
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), HANG_GUARD_MS)));
      const stopped = waitFor('the sandbox and its functions to stop', async () => {
        for (const pid of tree) if (await isRunning(pid)) return undefined;
        return true;
      });
      const outcome = await Promise.race([stopped, hung]);
      clearTimeout(timer);
      const left: string[] = [];
      for (const pid of tree) if (await isRunning(pid)) left.push(await describeProcess(pid));
      assert.deepEqual(left, [], `still running ${outcome === 'hung' ? `${HANG_GUARD_MS / 1000} s ` : ''}after their parent was killed`);
    } finally {
      await killLeftovers(tree);
    }
  });
});
