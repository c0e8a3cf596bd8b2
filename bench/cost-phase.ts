/**
 * One measured phase of the `cost` benchmark in one mode's burst world (burst-world.ts): objects already in
 * the bucket have their finalize events handed to the Eventarc-like bridge at once, and the phase ends when
 * every object has a live Drive file of its generation (with its MD5), every event is acknowledged and the
 * queue is empty. What it used is read on the wire (the world's recording proxies: invocations with their
 * times, Cloud Tasks calls with their sizes, Drive calls) and on the function processes (`/proc` CPU time,
 * children included).
 */
import { readFile } from 'node:fs/promises';
import { descendants } from '../harness/process-tree.js';
import type { BurstWorld } from './burst-world.js';
import type { SourceObject } from './objects.js';
import { readCpuSecondsWithChildren } from './process-memory.js';
import type { Exchange } from './recording-proxy.js';

export interface PhaseWire {
  /** Deliveries to the event function and dispatches to the HTTP function during the phase. */
  events: Exchange[];
  dispatches: Exchange[];
  tasksApi: Exchange[];
  /** What went through the Drive proxy: the API calls and session opens (the refusals are among them). */
  drive: Exchange[];
  /**
   * Requests the emulators counted, per route (`drive.files.create`, `gcs.objects.get` …): every Drive call,
   * the PUTs to a resumable session's URL included (they go to the emulator's own address, past the proxy).
   */
  routes: Record<string, number>;
  cpuSeconds: number;
  drainMs: number;
  /** Objects with a live Drive file of their generation and MD5; extra files or revisions. */
  verified: number;
  duplicates: number;
}

const POLL_MS = 250;
/** After the last condition holds: answers still on their way back through a proxy. */
const SETTLE_MS = 500;

/** The function processes (functions-framework children of this process) and their CPU seconds so far. */
export async function functionProcesses(): Promise<number[]> {
  const out: number[] = [];
  for (const pid of await descendants(process.pid)) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('function-server.ts')) out.push(pid);
  }
  return out;
}

/** CPU seconds of the processes and of every descendant, live or exited and waited for. */
export async function treeCpuSeconds(pids: readonly number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) {
    for (const p of [pid, ...(await descendants(pid))]) {
      try {
        total += readCpuSecondsWithChildren(p);
      } catch {
        // Gone between the listing and the read: its time is in its parent's cutime/cstime now.
      }
    }
  }
  return total;
}

const ok = (status: number) => status >= 200 && status < 300;

export async function measurePhase(
  world: BurstWorld,
  pids: readonly number[],
  objects: readonly SourceObject[],
  timeoutMs: number,
  progress: (line: string) => void,
  maxInFlight = Infinity,
): Promise<PhaseWire> {
  const from = {
    events: world.events.exchanges.length,
    dispatches: world.worker?.exchanges.length ?? 0,
    tasks: world.tasks?.exchanges.length ?? 0,
    drive: world.drive.exchanges.length,
    abandoned: world.abandoned,
  };
  const countersBefore = world.emulators.hub.counters();
  const cpuBefore = await treeCpuSeconds(pids);
  const started = Date.now();
  // Events arrive at once, but no more are outstanding (handed over, not yet acknowledged or abandoned) than
  // the deployment can take at a time (max instances × concurrency): Cloud Run refuses the rest until then.
  let arrived = 0;
  const acknowledged = () =>
    world.events.exchanges.slice(from.events).filter((e) => ok(e.status)).length + world.abandoned - from.abandoned;
  const topUp = () => {
    const room = Math.min(objects.length - arrived, maxInFlight - (arrived - acknowledged()));
    if (room <= 0) return;
    world.arrive(objects.slice(arrived, arrived + room) as unknown as Record<string, unknown>[]);
    arrived += room;
  };
  topUp();
  let lastReport = started;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    topUp();
    const { verified } = copies(world, objects);
    const acked = acknowledged();
    const queueEmpty = world.emulators.tasks.stats().every((q) => q.tasksCount === 0);
    if (verified >= objects.length && acked >= objects.length && queueEmpty) break;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${world.mode}: ${verified}/${objects.length} in Drive, ${acked} events acknowledged after ${timeoutMs / 1000} s`);
    }
    if (Date.now() - lastReport >= 15_000) {
      lastReport = Date.now();
      progress(`${world.mode}: ${verified}/${objects.length} in Drive after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const cpuSeconds = (await treeCpuSeconds(pids)) - cpuBefore;
  const routes: Record<string, number> = {};
  for (const [route, n] of Object.entries(world.emulators.hub.counters())) {
    const delta = n - (countersBefore[route] ?? 0);
    if (delta > 0) routes[route] = delta;
  }
  const result = copies(world, objects);
  return {
    events: world.events.exchanges.slice(from.events),
    dispatches: world.worker?.exchanges.slice(from.dispatches) ?? [],
    tasksApi: world.tasks?.exchanges.slice(from.tasks) ?? [],
    drive: world.drive.exchanges.slice(from.drive),
    routes,
    cpuSeconds,
    drainMs: result.lastCreatedMs - started,
    verified: result.verified,
    duplicates: result.duplicates,
  };
}

/** The objects' live Drive copies: how many have their generation with the object's MD5, how many extra. */
function copies(world: BurstWorld, objects: readonly SourceObject[]): { verified: number; duplicates: number; lastCreatedMs: number } {
  const wanted = new Map(objects.map((o) => [o.name, o]));
  const seen = new Map<string, number>();
  let verified = 0;
  let duplicates = 0;
  let lastCreatedMs = 0;
  for (const f of world.emulators.drive.listAll()) {
    const name = f.appProperties['gdb.object'];
    const object = name === undefined ? undefined : wanted.get(name);
    if (!object || f.trashed) continue;
    seen.set(object.name, (seen.get(object.name) ?? 0) + 1);
    duplicates += Math.max(0, f.revisions - 1);
    lastCreatedMs = Math.max(lastCreatedMs, Date.parse(f.createdTime));
    const md5 = Buffer.from(object.md5Hash, 'base64').toString('hex');
    if (f.appProperties['gdb.generation'] === object.generation && f.md5Checksum === md5) verified++;
  }
  for (const n of seen.values()) duplicates += n - 1;
  return { verified, duplicates, lastCreatedMs };
}

/** Cloud Tasks API calls by kind (`create`, `list`, `get queue`, `pause`, …), for the details. */
export function tasksCallKinds(calls: readonly Exchange[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of calls) {
    const path = c.path.split('?')[0] ?? '';
    const verb = /:(\w+)$/.exec(path)?.[1];
    const kind = verb ?? `${c.method} ${path.endsWith('/tasks') ? 'tasks' : /\/tasks\/[^/]+$/.test(path) ? 'task' : 'queue'}`;
    out[kind] = (out[kind] ?? 0) + 1;
  }
  return out;
}
