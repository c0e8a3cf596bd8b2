/**
 * `distance`: the copy of one large object (512 MiB by default) when Drive is not on loopback. On the
 * benchmarks' loopback a round trip is free; a function reaches Drive over tens of milliseconds, and every
 * request that waits for its answer before the next starts (each chunk's PUT waits for its 308) pays them.
 * Measured in the deployed shape, from outside: the HTTP function (`backupHttp`) compiled to dist/ and
 * served by functions-framework in a plain `node` with Terraform's NODE_OPTIONS, warmed, asked
 * `POST /backup`; against the peer (peer-process.ts: a GCS read stream piped into one googleapis
 * `files.create` media upload, its own warm process); both between the same emulators, as they are and
 * with the fault rule `latency` adding 30 ms to every request of Drive's routes. Each repetition runs both
 * copies at both distances, the orders alternating. The function uses the product's default chunk size
 * unless BENCH_DISTANCE_CHUNK_MIB sets one (to compare sizes).
 * Goals: our median at 30 ms ≥ 0.97× ours at 0 ms; ours ≥ 1.1× the peer's at both.
 */
import { startFunctionWorld, type FunctionWorld as World } from '../harness/function-world.js';
import { DEPLOYED_NODE_OPTIONS, HTTP_TARGET } from './child-instance.js';
import { ensureBuilt, startDeployedInstance, type DeployedInstance } from './deployed.js';
import { cloneObject } from './emulator-seed.js';
import { deleteDriveCopy, driveCopyOf, KiB, MiB, putObject, seedObject, type SourceObject } from './objects.js';
import { peerCopyOf } from './peer-cut.js';
import { startPeer, type PeerInstance } from './peer-instance.js';
import { postJson } from './post-json.js';
import { readCpuSeconds, watchPeak } from './process-memory.js';
import { figure, statFigure, type Benchmark, type BenchmarkResult, type GoalCheck } from './report.js';
import { bothInTurn, repeat, summarize, type Stats } from './stats.js';

const median = (values: readonly number[]): number => summarize(values).median;

/** Added to every request of Drive's routes in the far case: a function's round trip to Drive, about. */
export const DRIVE_LATENCY_MS = 30;
const GOAL_KEPT_AT_DISTANCE = 0.97;
const GOAL_OVER_PEER = 1.1;
const PEER_FILE = 'distance-peer-copy.bin';
const LOG_TAIL = 20;

interface Copy {
  ms: number;
  growthBytes: number;
  /** CPU seconds of the copying process, and of this process (the emulators, in-process), during the copy. */
  cpuSeconds: number;
  emulatorCpuSeconds: number;
  /** Requests the Drive emulator counted during the copy: each one waits for its answer, so each pays the latency. */
  driveRequests: number;
}

/** `work`'s peak RSS growth in process `pid`, the CPU seconds it and this process (the emulators) spent, Drive's requests. */
async function watched(world: World, pid: number, work: () => Promise<number>): Promise<Copy> {
  const { hub } = world.emulators;
  hub.resetCounters();
  const cpuBefore = readCpuSeconds(pid);
  const ownBefore = process.cpuUsage();
  const peak = await watchPeak(pid, work);
  const own = process.cpuUsage(ownBefore);
  return {
    ms: peak.result,
    growthBytes: peak.growthBytes,
    cpuSeconds: readCpuSeconds(pid) - cpuBefore,
    emulatorCpuSeconds: (own.user + own.system) / 1e6,
    driveRequests: Object.entries(hub.counters())
      .filter(([route]) => route.startsWith('drive.'))
      .reduce((sum, [, n]) => sum + n, 0),
  };
}

/** The deployed HTTP function, warm, with a tail of its log lines for a failure's message. */
async function startDeployedHttp(env: Record<string, string>): Promise<{ instance: DeployedInstance; logTail: () => string }> {
  const built = ensureBuilt();
  if (built.warnings) console.warn(`npm run build complained (measuring what it emitted):\n${built.warnings}`);
  const tail: string[] = [];
  const instance = await startDeployedInstance(HTTP_TARGET, { NODE_OPTIONS: DEPLOYED_NODE_OPTIONS, ...env }, (line) => {
    tail.push(line);
    if (tail.length > LOG_TAIL) tail.shift();
  });
  return { instance, logTail: () => tail.join('\n') };
}

/** Runs `work` with `ms` of latency on every Drive request (none for 0). */
async function withDriveLatency<T>(world: World, ms: number, work: () => Promise<T>): Promise<T> {
  if (ms === 0) return work();
  const { faults } = world.emulators.hub;
  const id = faults.add({ service: 'drive', times: 0, action: { kind: 'latency', ms } });
  try {
    return await work();
  } finally {
    faults.remove(id);
  }
}

export const distanceBenchmark: Benchmark = {
  name: 'distance',
  description: `deployed backupHttp (POST /backup) vs the naive copy, with 0 and ${DRIVE_LATENCY_MS} ms on every Drive request`,
  async run(options, progress): Promise<BenchmarkResult> {
    const sizeBytes = options.distanceBytes;
    const sizeMib = sizeBytes / MiB;
    const chunkEnv: Record<string, string> =
      options.distanceChunkMib === undefined ? {} : { UPLOAD_CHUNK_MIB: String(options.distanceChunkMib) };
    const world = await startFunctionWorld({ env: chunkEnv });
    let fn: Awaited<ReturnType<typeof startDeployedHttp>> | undefined;
    let peer: PeerInstance | undefined;
    try {
      fn = await startDeployedHttp(world.env);
      peer = await startPeer(world);
      const warmUp = await putObject(world, 'bench-distance/warm-up.txt', KiB);
      const backUp = async (object: SourceObject): Promise<number> => {
        const started = performance.now();
        const reply = await postJson(`${fn!.instance.url}/backup`, { bucket: object.bucket, name: object.name });
        if (reply.status < 200 || reply.status >= 300) {
          throw new Error(`POST /backup ${object.name} answered ${reply.status} ${JSON.stringify(reply.json)}; log:\n${fn!.logTail()}`);
        }
        return performance.now() - started;
      };
      await backUp(warmUp);
      const warmPeer = await peer.copy({ ...warmUp, parentId: world.rootFolderId, fileName: 'distance-peer-warm-up.txt', maxAttempts: 1 });
      if (!warmPeer.ok) throw new Error(`the peer's warm-up failed: ${warmPeer.errors.join('; ')}`);
      progress(`putting the ${sizeMib} MiB object in the GCS emulator`);
      const large = seedObject(world, 'bench-distance/large.bin', sizeBytes);

      const ourCopy = async (object: SourceObject): Promise<Copy> => {
        const copy = await watched(world, fn!.instance.pid, () => backUp(object));
        await deleteDriveCopy(world, driveCopyOf(world, object).id);
        return copy;
      };
      const peerCopy = async (): Promise<Copy> => {
        const copy = await watched(world, peer!.pid, async () => {
          const result = await peer!.copy({ ...large, parentId: world.rootFolderId, fileName: PEER_FILE, maxAttempts: 1 });
          if (!result.ok) throw new Error(`the peer's copy failed: ${result.errors.join('; ')}`);
          return result.ms;
        });
        await deleteDriveCopy(world, peerCopyOf(world, PEER_FILE, large));
        return copy;
      };

      const pair = (latencyMs: number, rep: number) => {
        const object = cloneObject(world.emulators, world.sourceBucket, large.name, `bench-distance/${latencyMs}ms-${rep}.bin`);
        progress(`${latencyMs} ms on Drive: ${rep % 2 === 0 ? 'peer, then function' : 'function, then peer'}`);
        return withDriveLatency(world, latencyMs, async () => {
          const [ours, peer] = await bothInTurn(rep, () => ourCopy(object), peerCopy);
          return { ours, peer };
        });
      };
      // Both distances in every repetition, their order alternating, so a load that drifts weighs on both.
      const reps = await repeat(options.repetitions, async (rep) => {
        const [far, near] = await bothInTurn(
          rep,
          () => pair(DRIVE_LATENCY_MS, rep),
          () => pair(0, rep),
        );
        return { far, near };
      });
      const near = reps.map((r) => r.near);
      const far = reps.map((r) => r.far);

      const mibps = (copy: Copy) => sizeMib / (copy.ms / 1000);
      const speeds = (reps: Array<{ ours: Copy; peer: Copy }>) => ({
        ours: summarize(reps.map((r) => mibps(r.ours))),
        peer: summarize(reps.map((r) => mibps(r.peer))),
        oursGrowth: summarize(reps.map((r) => r.ours.growthBytes / MiB)),
        peerGrowth: summarize(reps.map((r) => r.peer.growthBytes / MiB)),
      });
      const all = [...near, ...far];
      const sizeGib = sizeBytes / (1024 * MiB);
      const at0 = speeds(near);
      const at30 = speeds(far);
      const ratio = (a: Stats, b: Stats) => a.median / b.median;
      const check = (label: string, value: number, limit: number): GoalCheck => ({ label, value, unit: '×', limit, comparison: 'atLeast' });
      const far_ = `${DRIVE_LATENCY_MS} ms`;

      return {
        benchmark: 'distance',
        figures: [
          figure('object size', sizeMib, 'MiB'),
          figure('function chunk size (0: the product default)', options.distanceChunkMib ?? 0, 'MiB'),
          statFigure('0 ms: function throughput', at0.ours, 'MiB/s'),
          statFigure('0 ms: peer throughput', at0.peer, 'MiB/s'),
          statFigure(`${far_}: function throughput`, at30.ours, 'MiB/s'),
          statFigure(`${far_}: peer throughput`, at30.peer, 'MiB/s'),
          figure('0 ms: function / peer (medians)', ratio(at0.ours, at0.peer), '×'),
          figure(`${far_}: function / peer (medians)`, ratio(at30.ours, at30.peer), '×'),
          figure(`function: ${far_} / 0 ms (medians)`, ratio(at30.ours, at0.ours), '×'),
          figure(`peer: ${far_} / 0 ms (medians)`, ratio(at30.peer, at0.peer), '×'),
          // What the latency alone takes, whatever the load: its requests × the latency, against the 0 ms time.
          figure(
            `function: speed kept at ${far_} by its requests alone (t₀ / (t₀ + requests × ${far_}))`,
            median(near.map((r) => r.ours.ms)) /
              (median(near.map((r) => r.ours.ms)) + median(far.map((r) => r.ours.driveRequests)) * DRIVE_LATENCY_MS),
            '×',
          ),
          statFigure(
            'function: peak RSS growth (both latencies)',
            summarize([...near, ...far].map((r) => r.ours.growthBytes / MiB)),
            'MiB',
          ),
          statFigure('peer: peak RSS growth (both latencies)', summarize([...near, ...far].map((r) => r.peer.growthBytes / MiB)), 'MiB'),
          statFigure('function: Drive requests per copy', summarize(all.map((r) => r.ours.driveRequests)), ''),
          statFigure('peer: Drive requests per copy', summarize(all.map((r) => r.peer.driveRequests)), ''),
          statFigure('function: CPU seconds per GiB', summarize(all.map((r) => r.ours.cpuSeconds / sizeGib)), 's'),
          statFigure('peer: CPU seconds per GiB', summarize(all.map((r) => r.peer.cpuSeconds / sizeGib)), 's'),
          statFigure('emulators, during the function: CPU s per GiB', summarize(all.map((r) => r.ours.emulatorCpuSeconds / sizeGib)), 's'),
          statFigure('emulators, during the peer: CPU s per GiB', summarize(all.map((r) => r.peer.emulatorCpuSeconds / sizeGib)), 's'),
        ],
        goal: [
          check(`function at ${far_} / at 0 ms (medians)`, ratio(at30.ours, at0.ours), GOAL_KEPT_AT_DISTANCE),
          check('0 ms: function / peer (medians)', ratio(at0.ours, at0.peer), GOAL_OVER_PEER),
          check(`${far_}: function / peer (medians)`, ratio(at30.ours, at30.peer), GOAL_OVER_PEER),
        ],
        details: {
          sizeBytes,
          chunkMib: options.distanceChunkMib ?? 'product default',
          driveLatencyMs: DRIVE_LATENCY_MS,
          function: `functions-framework on dist/index.js, target ${HTTP_TARGET}, NODE_OPTIONS="${DEPLOYED_NODE_OPTIONS}", POST /backup`,
          peerNodeOptions: 'none (defaults)',
          order: 'even repetitions: 0 ms then 30 ms, peer then function; odd ones: 30 ms then 0 ms, function then peer',
          near: near.map((r) => ({ ours: r.ours, peer: r.peer })),
          far: far.map((r) => ({ ours: r.ours, peer: r.peer })),
        },
      };
    } finally {
      await peer?.stop();
      await fn?.instance.stop();
      await world.stop();
    }
  },
};
