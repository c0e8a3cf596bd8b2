/**
 * Resident memory (and CPU time) of another process, from Linux's `/proc/<pid>/status` (and `stat`): `VmRSS` (now) and `VmHWM` (the
 * peak since start, or since `resetPeak`). `watchPeak` also polls VmRSS, the fallback where the peak
 * cannot be reset (writing `5` to `/proc/<pid>/clear_refs` needs Linux ≥ 4.0 and the right to do so).
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface MemorySample {
  rssBytes: number;
  peakRssBytes: number;
}

function field(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
  if (!match) throw new Error(`/proc status has no ${name} line`);
  return Number(match[1]) * 1024;
}

export function readMemory(pid: number): MemorySample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rssBytes: field(status, 'VmRSS'), peakRssBytes: field(status, 'VmHWM') };
}

/** Fields 14 to 17 of `/proc/<pid>/stat` (utime, stime, cutime, cstime), in seconds. */
function cpuFields(pid: number): [number, number, number, number] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux Node supports
  const at = (i: number) => Number(fields[i]) / CLOCK_TICKS_PER_SECOND;
  return [at(11), at(12), at(13), at(14)];
}

/** CPU seconds (user + system) the process has used so far (`/proc/<pid>/stat` fields 14 and 15). */
export function readCpuSeconds(pid: number): number {
  const [utime, stime] = cpuFields(pid);
  return utime + stime;
}

/**
 * CPU seconds of the process and of its children that have exited and been waited for (`/proc/<pid>/stat`
 * fields 14 to 17: utime, stime, cutime, cstime). Children still running are not in it: read them too.
 */
export function readCpuSecondsWithChildren(pid: number): number {
  return cpuFields(pid).reduce((sum, s) => sum + s, 0);
}

/** Sets the process's VmHWM back to its current VmRSS; false where the kernel or permissions refuse. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    const now = readMemory(pid);
    return now.peakRssBytes - now.rssBytes < 1024 * 1024;
  } catch {
    return false;
  }
}

export interface WatchedPeak<T> {
  result: T;
  before: MemorySample;
  peakBytes: number;
  /** Peak during `work` minus the resident memory just before it: what the benchmarks call growth. */
  growthBytes: number;
  after: MemorySample;
  peakSource: 'VmHWM' | 'polled VmRSS';
}

/**
 * Watches a process while `work` runs: resets its peak first when possible, polls VmRSS every
 * `everyMs`, and returns the memory before, the peak during (and its growth), and the memory after.
 */
export async function watchPeak<T>(pid: number, work: () => Promise<T>, everyMs = 20): Promise<WatchedPeak<T>> {
  const before = readMemory(pid);
  const peakWasReset = resetPeak(pid);
  let polled = before.rssBytes;
  const timer = setInterval(() => {
    try {
      polled = Math.max(polled, readMemory(pid).rssBytes);
    } catch {
      // The process is gone; `work` will say why.
    }
  }, everyMs);
  try {
    const result = await work();
    const after = readMemory(pid);
    const peakBytes = peakWasReset ? Math.max(after.peakRssBytes, polled) : Math.max(polled, after.rssBytes);
    return {
      result,
      before,
      peakBytes,
      growthBytes: peakBytes - before.rssBytes,
      after,
      peakSource: peakWasReset ? 'VmHWM' : 'polled VmRSS',
    };
  } finally {
    clearInterval(timer);
  }
}
