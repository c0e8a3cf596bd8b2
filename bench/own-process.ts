/**
 * Things a benchmark runs in processes of their own, apart from the emulators' event loop:
 * - a raw pipe (raw-pipe-process.ts), whose result is its last line of JSON;
 * - the installed command, `bin/gcs-drive-backup.js` on the built `dist/` (as `npx gcs-drive-backup`
 *   runs it), watched from the stdout line that says its work started (`from`) to the line that says it
 *   ended (`to`): the time between them, and its resident memory just before and at its peak meanwhile
 *   (process-memory.ts: VmHWM reset at `from`, plus VmRSS polled every 20 ms, read until it exits).
 */
import { join } from 'node:path';
import { REPO_ROOT, spawnNode } from '../harness/child-output.js';
import { readCpuSeconds, readMemory, resetPeak } from './process-memory.js';

export const INSTALLED_COMMAND = join(REPO_ROOT, 'bin', 'gcs-drive-backup.js');
const POLL_MS = 20;

/** Runs `bench/raw-pipe-process.ts ARGS...` and parses its last stdout line. */
export function rawPipeInOwnProcess<T>(args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const { child, stdout, stderr } = spawnNode(['--import', 'tsx', join(__dirname, 'raw-pipe-process.ts'), ...args]);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the raw pipe exited with ${code}: ${stderr().trim()}`));
      resolve(JSON.parse(stdout().trim().split('\n').at(-1) ?? '') as T);
    });
  });
}

export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From the spawn to the exit. */
  wallMs: number;
  /** From the `from` line to the `to` line. */
  workMs?: number;
  /** VmRSS when the `from` line came. */
  beforeBytes?: number;
  peakBytes?: number;
  peakSource?: 'VmHWM' | 'polled VmRSS';
  /** CPU seconds of the command's process from the `from` line to the last poll (within 20 ms of its exit). */
  cpuSeconds?: number;
  /** CPU seconds of this process (the emulators) over the same span. */
  emulatorsCpuSeconds?: number;
}

/** Runs the installed command with `args` and `env` (of this process's environment only PATH and HOME). */
export function runCommand(args: readonly string[], env: Record<string, string>, watch: { from: RegExp; to: RegExp }): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const { child, stdout, stderr } = spawnNode([INSTALLED_COMMAND, ...args], {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...env,
    });
    const pid = child.pid!;
    let partial = '';
    let from: number | undefined;
    let to: number | undefined;
    let before: number | undefined;
    let peakReset = false;
    let polled = 0;
    let hwm = 0;
    let timer: NodeJS.Timeout | undefined;
    let cpuFrom = 0;
    let cpuLast = 0;
    let emulatorsFrom: NodeJS.CpuUsage | undefined;
    let emulators: NodeJS.CpuUsage | undefined;
    const poll = () => {
      try {
        const m = readMemory(pid);
        cpuLast = readCpuSeconds(pid);
        if (to === undefined && emulatorsFrom) emulators = process.cpuUsage(emulatorsFrom);
        polled = Math.max(polled, m.rssBytes);
        hwm = Math.max(hwm, m.peakRssBytes);
      } catch {
        // exited meanwhile
      }
    };
    const onLine = (line: string) => {
      if (from === undefined && watch.from.test(line)) {
        from = performance.now();
        try {
          before = readMemory(pid).rssBytes;
          cpuFrom = cpuLast = readCpuSeconds(pid);
          emulatorsFrom = process.cpuUsage();
          peakReset = resetPeak(pid);
          polled = before;
        } catch {
          // exited already: no memory figures
        }
        timer = setInterval(poll, POLL_MS);
      } else if (from !== undefined && to === undefined && watch.to.test(line)) {
        to = performance.now();
        poll();
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      const memory =
        before === undefined
          ? {}
          : {
              beforeBytes: before,
              peakBytes: peakReset ? Math.max(hwm, polled) : polled,
              peakSource: peakReset ? ('VmHWM' as const) : ('polled VmRSS' as const),
              cpuSeconds: cpuLast - cpuFrom,
              ...(emulators ? { emulatorsCpuSeconds: (emulators.user + emulators.system) / 1e6 } : {}),
            };
      const work = from !== undefined && to !== undefined ? { workMs: to - from } : {};
      resolve({ code, stdout: stdout(), stderr: stderr(), wallMs: performance.now() - started, ...work, ...memory });
    });
  });
}
