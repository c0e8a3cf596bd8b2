/**
 * `npm start` as a user runs it, for tests (not a test): sandbox/main.ts as a child process on ephemeral
 * ports, its banner's `NAME=value` lines read back, stopped with SIGINT as Ctrl-C would. Also the Drive
 * emulator's files, the sandbox's event bridge switch, and waiting on progress instead of a clock.
 */
import type { ChildProcess } from 'node:child_process';
import { parseBannerVariables } from '../../sandbox/banner.js';
import { spawnNode } from '../../harness/child-output.js';

export interface RunningSandbox {
  child: ChildProcess;
  vars: Record<string, string>;
  stderr: () => string;
}

const STOP_GUARD_MS = 240_000;

export async function startSandboxProcess(extraArgs: string[] = []): Promise<RunningSandbox> {
  const { child, stdout, stderr } = spawnNode(['--import', 'tsx', 'sandbox/main.ts', '--port', '0', ...extraArgs]);
  // Waits on progress: the banner, or the process exiting without one (no wall-clock budget).
  const vars = await new Promise<Record<string, string>>((resolve, reject) => {
    child.stdout.on('data', () => {
      const parsed = parseBannerVariables(stdout());
      if (parsed.SANDBOX_PIDS !== undefined) resolve(parsed);
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}; stderr:\n${stderr()}`)));
  });
  return { child, vars, stderr };
}

/**
 * Ctrl-C; resolves with the exit code. Not a speed verdict: the 4-minute guard only keeps a hung sandbox
 * from outliving the test (SIGKILL, then an error), at a scale no slow but working machine reaches.
 */
export async function stopWithSigint(running: RunningSandbox): Promise<{ code: number | null }> {
  const exited = new Promise<number | null>((resolve) => running.child.once('exit', (code) => resolve(code)));
  running.child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), STOP_GUARD_MS)))]);
  clearTimeout(timer);
  if (code === 'timeout') {
    running.child.kill('SIGKILL');
    throw new Error(`sandbox did not stop within ${STOP_GUARD_MS / 1000} s (hung); stderr:\n${running.stderr()}`);
  }
  return { code };
}

export interface DriveFile {
  id: string;
  name: string;
  parents: string[];
  md5Checksum?: string;
  size?: number;
  revisions: number;
  trashed: boolean;
  appProperties: Record<string, string>;
}

/** Every file of the Drive emulator (its control route). */
export async function driveFiles(vars: Record<string, string>): Promise<DriveFile[]> {
  const res = await fetch(`${vars.DRIVE_EMULATOR_HOST}/_emulator/drive/files`);
  return ((await res.json()) as { files: DriveFile[] }).files;
}

/** Switches the sandbox's event bridge (its Eventarc) off or on; resolves to its state. */
export async function switchBridge(vars: Record<string, string>, on: boolean): Promise<string> {
  // The page server changes state only for its own page: a same-origin Origin.
  const res = await fetch(`${vars.SANDBOX_PAGE_URL}bridge/${on ? 'start' : 'stop'}`, {
    method: 'POST',
    headers: { origin: new URL(vars.SANDBOX_PAGE_URL).origin },
  });
  return ((await res.json()) as { bridge: string }).bridge;
}

/**
 * Polls `probe` until it gives a value (`what` names the wait, for the reader of the test). Waits on
 * progress, with no wall-clock budget of its own: the test runner's timeout catches a hang.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  void what;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}
