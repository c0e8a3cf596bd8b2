/**
 * `cost`: what backing up costs per 1,000 small objects and per GiB in each dispatch mode (direct, tasks,
 * auto), measured in the burst's worlds (burst-world.ts: the functions under functions-framework in
 * processes of their own, the Eventarc-like bridge, recording proxies), and priced at Cloud Run's and Cloud
 * Tasks' list prices (cost-model.ts). Per mode, on a fresh world: one large object (BENCH_COST_LARGE_MIB,
 * default 512) arrives alone, then BENCH_COST_OBJECTS small ones (1 KiB, default 300) arrive at once, as a
 * burst against Drive's rate (10 creates/s here, as in `burst`; no daily limit in reach). Measured: function
 * invocations, the function processes' CPU seconds (/proc, children included), billable instance time
 * (request intervals packed on instances at the deployment's concurrency, rounded up to 100 ms) × the
 * deployment's vCPUs and memory from terraform/variables.tf, Cloud Tasks billable operations (API calls and
 * push deliveries, 32 KB chunks), Drive calls. It prints, and records, what a burst of 100,000 small objects
 * costs in each mode. The goal is only that every figure was measured (every copy verified).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Blob } from '@gcs-drive-backup/emulators/harness/blob.js';
import { startBurstWorld, type BurstLimits, type Mode } from './burst-world.js';
import { addObjects } from './emulator-seed.js';
import {
  addUsage,
  billableTime,
  billedResources,
  burstTable,
  functionSizeOf,
  LIST_PRICES,
  priceOf,
  scaleUsage,
  tasksOperations,
  ZERO_USAGE,
  type FunctionSize,
  type Usage,
} from './cost-model.js';
import { functionProcesses, measurePhase, tasksCallKinds, treeCpuSeconds, type PhaseWire } from './cost-phase.js';
import { GiB, MiB } from './objects.js';
import { postJson } from './post-json.js';
import { figure, type Benchmark, type BenchmarkResult, type Figure, type GoalCheck } from './report.js';

const MODES: readonly Mode[] = ['direct', 'tasks', 'auto'];
const SMALL_BYTES = 1024;
const BURST_OBJECTS = 100_000;
const LIMITS: BurstLimits = {
  createsPerSecond: 10,
  dailyBytes: 2 ** 40,
  windowMs: 24 * 3600_000,
  pauseSec: 60,
  queueRate: 9.5,
};
const PHASE_TIMEOUT_MS = 6 * 60_000;
const IDLE_MS = 4000;

interface Sizes {
  event: FunctionSize;
  http: FunctionSize;
}

export interface PhaseCost {
  usage: Usage;
  /** Instances needed at the deployment's concurrency, and time with a request in progress, per function. */
  instances: { event: number; http: number };
  busyMs: { event: number; http: number };
  billableMs: { event: number; http: number };
  /** Requests the emulators counted per route, and those to Cloud Storage (not priced here). */
  routes: Record<string, number>;
  cloudStorageCalls: number;
  tasksCalls: Record<string, number>;
  /** OIDC certs the worker fetched from the emulator's host (not Cloud Tasks calls against Google). */
  certsFetches: number;
  /** The largest request or answer among the Cloud Tasks calls and push deliveries (32 KB makes a second operation). */
  tasksBytesMax: number;
  non2xx: number;
  driveRefusals: number;
  drainMs: number;
  verified: number;
  duplicates: number;
}

/** The wire's record of a phase priced as Cloud Run bills it. */
export function phaseCost(wire: PhaseWire, sizes: Sizes): PhaseCost {
  const interval = (e: { sentAtMs: number; answeredAtMs: number }) => ({ startMs: e.sentAtMs, endMs: e.answeredAtMs });
  const event = billableTime(wire.events.map(interval), sizes.event.concurrency);
  const http = billableTime(wire.dispatches.map(interval), sizes.http.concurrency);
  const bytes = (e: { requestBytes?: number; responseBytes?: number }) => ({
    requestBytes: e.requestBytes ?? 0,
    responseBytes: e.responseBytes ?? 0,
  });
  // The worker fetches the OIDC token's certs from the emulator's host; against Google they come from
  // googleapis.com's oauth2 certs, not from Cloud Tasks, so they are not Cloud Tasks operations.
  const tasksApi = wire.tasksApi.filter((e) => !e.path.startsWith('/_emulator/'));
  let usage = addUsage(ZERO_USAGE, {
    invocations: wire.events.length + wire.dispatches.length,
    cpuSeconds: wire.cpuSeconds,
    tasksOperations: tasksOperations([...tasksApi, ...wire.dispatches].map(bytes)),
    driveCalls: routeTotal(wire.routes, 'drive.'),
  });
  usage = addUsage(usage, billedResources(event.billableMs, sizes.event));
  usage = addUsage(usage, billedResources(http.billableMs, sizes.http));
  const invocations = [...wire.events, ...wire.dispatches];
  return {
    routes: wire.routes,
    cloudStorageCalls: routeTotal(wire.routes, 'gcs.'),
    usage,
    instances: { event: event.instances, http: http.instances },
    busyMs: { event: event.busyMs, http: http.busyMs },
    billableMs: { event: event.billableMs, http: http.billableMs },
    tasksCalls: tasksCallKinds(tasksApi),
    certsFetches: wire.tasksApi.length - tasksApi.length,
    tasksBytesMax: Math.max(0, ...[...tasksApi, ...wire.dispatches].map((e) => Math.max(e.requestBytes ?? 0, e.responseBytes ?? 0))),
    non2xx: invocations.filter((e) => e.status < 200 || e.status >= 300).length,
    driveRefusals: wire.drive.filter((e) => e.status === 403 || e.status === 429).length,
    drainMs: wire.drainMs,
    verified: wire.verified,
    duplicates: wire.duplicates,
  };
}

const routeTotal = (routes: Record<string, number>, prefix: string): number =>
  Object.entries(routes).reduce((sum, [route, n]) => sum + (route.startsWith(prefix) ? n : 0), 0);

interface ModeCost {
  mode: Mode;
  small: PhaseCost;
  large: PhaseCost;
  perThousand: Usage;
  perGiB: Usage;
  /** CPU seconds per second the function processes used while idle (included in the phases' CPU). */
  idleCpuPerSecond: number;
}

async function runMode(
  mode: Mode,
  smallObjects: number,
  largeBytes: number,
  sizes: Sizes,
  progress: (line: string) => void,
): Promise<ModeCost> {
  const world = await startBurstWorld(mode, LIMITS);
  try {
    const pids = await functionProcesses();
    if (pids.length !== (mode === 'direct' ? 1 : 2)) throw new Error(`${mode}: found ${pids.length} function processes`);
    const block = Buffer.alloc(MiB);
    for (let i = 0; i < block.length; i += 4) block.writeUInt32BE((i * 2654435761) >>> 0, i);
    const chunks = Array.from({ length: Math.ceil(largeBytes / MiB) }, (_, i) => {
      const c = Buffer.from(block.subarray(0, Math.min(MiB, largeBytes - i * MiB)));
      c.writeUInt32BE(i, 0);
      return c;
    });
    // Warm-up, not measured: the first invocation of an instance builds its runtime (secret, token, clients).
    const [warm] = addObjects(world.emulators, world.bucket, [
      { name: 'cost/warm-up.txt', content: Blob.fromBuffer(Buffer.alloc(SMALL_BYTES, 1)) },
    ]);
    await measurePhase(world, pids, [warm!], PHASE_TIMEOUT_MS, progress);
    if (world.worker) await postJson(`${world.worker.url}/backup`, { bucket: world.bucket, name: warm!.name });
    // What the processes use with nothing to do (timers; in tasks and auto the queue's tick every 2 s).
    const idleFrom = await treeCpuSeconds(pids);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const idleCpuPerSecond = ((await treeCpuSeconds(pids)) - idleFrom) / (IDLE_MS / 1000);
    const [large] = addObjects(world.emulators, world.bucket, [{ name: `cost/large-${mode}.bin`, content: Blob.fromChunks(chunks) }]);
    progress(`${mode}: one object of ${largeBytes / MiB} MiB`);
    const largeWire = await measurePhase(world, pids, [large!], PHASE_TIMEOUT_MS, progress);
    world.emulators.drive.expireUploadSessions();
    const small = addObjects(
      world.emulators,
      world.bucket,
      Array.from({ length: smallObjects }, (_, i) => {
        const name = `cost/small/object-${String(i).padStart(5, '0')}.txt`;
        return { name, content: Blob.fromBuffer(Buffer.alloc(SMALL_BYTES, `${name} `)) };
      }),
    );
    progress(
      `${mode}: ${smallObjects} objects of ${SMALL_BYTES} B at once (${sizes.event.maxInstances * sizes.event.concurrency} in flight at most)`,
    );
    const smallWire = await measurePhase(
      world,
      pids,
      small,
      PHASE_TIMEOUT_MS,
      progress,
      sizes.event.maxInstances * sizes.event.concurrency,
    );
    const result: ModeCost = {
      mode,
      small: phaseCost(smallWire, sizes),
      large: phaseCost(largeWire, sizes),
      perThousand: ZERO_USAGE,
      perGiB: ZERO_USAGE,
      idleCpuPerSecond,
    };
    result.perThousand = scaleUsage(result.small.usage, smallObjects, 1000);
    result.perGiB = scaleUsage(result.large.usage, largeBytes, GiB);
    progress(`${mode}: small drained in ${(smallWire.drainMs / 1000).toFixed(1)} s, large in ${(largeWire.drainMs / 1000).toFixed(1)} s`);
    return result;
  } finally {
    await world.stop();
  }
}

function usageFigures(label: string, u: Usage): Figure[] {
  const price = priceOf(u);
  return [
    figure(`${label}: function invocations`, u.invocations, ''),
    figure(`${label}: CPU-seconds (measured)`, u.cpuSeconds, 's'),
    figure(`${label}: vCPU-seconds billed`, u.vcpuSeconds, 's'),
    figure(`${label}: GiB-seconds billed`, u.gibSeconds, 'GiB·s'),
    figure(`${label}: Cloud Tasks operations`, u.tasksOperations, ''),
    figure(`${label}: Drive calls`, u.driveCalls, ''),
    figure(`${label}: price`, price.total * 1e6, 'µUSD'),
  ];
}

export const costBenchmark: Benchmark = {
  name: 'cost',
  description:
    'per 1,000 small objects and per GiB in direct, tasks and auto: invocations, CPU, GiB-seconds, Cloud Tasks operations, Drive calls, list price',
  async run(options, progress): Promise<BenchmarkResult> {
    const variables = readFileSync(join(__dirname, '..', 'terraform', 'variables.tf'), 'utf8');
    const sizes: Sizes = { event: functionSizeOf(variables, 'event'), http: functionSizeOf(variables, 'http') };
    const n = options.costObjects;
    const largeBytes = options.costLargeBytes;
    progress(
      `event function ${sizes.event.memoryGiB} GiB, ${sizes.event.vcpu} vCPU, concurrency ${sizes.event.concurrency}, ${sizes.event.maxInstances} instances; ` +
        `HTTP function ${sizes.http.memoryGiB} GiB, ${sizes.http.vcpu} vCPU, concurrency ${sizes.http.concurrency}, ${sizes.http.maxInstances} instances (terraform/variables.tf)`,
    );
    const results: ModeCost[] = [];
    const failures: Partial<Record<Mode, string>> = {};
    for (const mode of MODES) {
      try {
        results.push(await runMode(mode, n, largeBytes, sizes, progress));
      } catch (err) {
        failures[mode] = (err as Error).message;
        progress(`${mode} failed: ${(err as Error).message}`);
      }
    }
    const figures: Figure[] = [figure('small objects per mode', n, ''), figure('large object', largeBytes / MiB, 'MiB')];
    for (const r of results)
      figures.push(...usageFigures(`${r.mode}: per 1,000 small`, r.perThousand), ...usageFigures(`${r.mode}: per GiB`, r.perGiB));
    const rows = results.map((r) => ({ mode: r.mode, usage: scaleUsage(r.perThousand, 1000, BURST_OBJECTS) }));
    for (const row of rows) figures.push(figure(`${row.mode}: a burst of 100,000 small objects`, priceOf(row.usage).total, 'USD'));
    const table = burstTable(rows, BURST_OBJECTS);
    progress(`what a burst of ${BURST_OBJECTS.toLocaleString('en-US')} objects of 1 KiB costs in each mode:`);
    for (const line of table.split('\n')) progress(line);

    const goal: GoalCheck[] = MODES.flatMap((mode): GoalCheck[] => {
      const r = results.find((x) => x.mode === mode);
      const missing = failures[mode] ?? 'not run';
      return [
        {
          label: `${mode}: small objects verified`,
          unit: '',
          limit: n,
          comparison: 'atLeast',
          ...(r ? { value: r.small.verified } : { missing }),
        },
        {
          label: `${mode}: large object verified`,
          unit: '',
          limit: 1,
          comparison: 'atLeast',
          ...(r ? { value: r.large.verified } : { missing }),
        },
        {
          label: `${mode}: duplicates`,
          unit: '',
          limit: 0,
          comparison: 'atMost',
          ...(r ? { value: r.small.duplicates + r.large.duplicates } : { missing }),
        },
      ];
    });
    return {
      benchmark: 'cost',
      figures,
      goal,
      details: {
        method:
          'billable time: per function, request intervals (from the recording proxy in front of it) placed on instances of the deployment concurrency, busy periods rounded up to 100 ms, times vCPUs and GiB; ticks of the queue (POST /reconcile queueOnly, straight to the HTTP function) are not counted; prices beyond the free tiers',
        limits: LIMITS,
        sizes,
        prices: LIST_PRICES,
        smallObjects: n,
        largeBytes,
        burst: { objects: BURST_OBJECTS, table, rows: rows.map((r) => ({ ...r, price: priceOf(r.usage) })) },
        modes: results,
        failures,
      },
    };
  },
};
