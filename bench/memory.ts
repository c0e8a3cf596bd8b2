/**
 * `memory`: how much a function instance's resident memory grows while it copies a 1 GiB object,
 * against a 1 MiB one, repeated (3 times by default) on one warm instance. The function runs in its own
 * process (so the emulators' copies of the object do not count) as deployed: UPLOAD_CHUNK_MIB=8 and
 * Terraform's NODE_OPTIONS; a tiny object first builds its lazy runtime. Each repetition copies a new
 * generation of the same content (seeded in-process), and its Drive copy is checked, then deleted.
 * Goal: max over the repetitions ≤ 64 MiB, and ≤ 1.25× the peer's max growth (from `peer`
 * in the same run).
 */
import { startFunctionWorld } from '../harness/function-world.js';
import { startEventInstance, type EventInstance } from './child-instance.js';
import { cloneObject } from './emulator-seed.js';
import { deleteDriveCopy, driveCopyOf, KiB, MiB, putObject, seedObject, type SourceObject } from './objects.js';
import { readMemory, watchPeak } from './process-memory.js';
import { figure, relativeCheck, statFigure, type Benchmark, type BenchmarkResult } from './report.js';
import { repeat, summarize } from './stats.js';

const GOAL_MIB = 64;
const GOAL_PEER_RATIO = 1.25;
const toMiB = (bytes: number): number => bytes / MiB;

export const memoryBenchmark: Benchmark = {
  name: 'memory',
  description: 'peak RSS growth of a function instance (own process) copying 1 GiB vs 1 MiB, repeated',
  async run(options, progress, context): Promise<BenchmarkResult> {
    const world = await startFunctionWorld({ env: { UPLOAD_CHUNK_MIB: String(options.chunkMib) } });
    let instance: EventInstance | undefined;
    try {
      instance = await startEventInstance(world.env);
      const pid = instance.pid;
      const idle = readMemory(pid);
      await instance.backUp(await putObject(world, 'bench-memory/warm-up.txt', KiB));
      const warm = readMemory(pid);
      progress(`putting the ${toMiB(options.largeBytes)} MiB object in the GCS emulator`);
      const large = seedObject(world, 'bench-memory/large.bin', options.largeBytes);
      const largeLabel = options.largeBytes === 1024 * MiB ? '1 GiB' : `${toMiB(options.largeBytes)} MiB`;

      const copy = async (object: SourceObject) => {
        progress(`copying ${object.name} (${toMiB(Number(object.size))} MiB) in process ${pid}`);
        const watched = await watchPeak(pid, () => instance!.backUp(object));
        await deleteDriveCopy(world, driveCopyOf(world, object).id);
        return watched;
      };
      const reps = await repeat(options.repetitions, async (rep) => {
        // Both copies start right after the previous invocation, never after the instance idled.
        const small = await copy(seedObject(world, `bench-memory/small-${rep}.bin`, MiB));
        const big = await copy(cloneObject(world.emulators, world.sourceBucket, large.name, `bench-memory/large-${rep}.bin`));
        return { small, big };
      });
      const smallGrowth = summarize(reps.map((r) => toMiB(r.small.growthBytes)));
      const largeGrowth = summarize(reps.map((r) => toMiB(r.big.growthBytes)));
      const peerMax = context.peer?.growthMiB.max;

      return {
        benchmark: 'memory',
        figures: [
          figure('RSS of the idle instance', toMiB(idle.rssBytes), 'MiB'),
          figure('RSS after the warm-up invocation', toMiB(warm.rssBytes), 'MiB'),
          statFigure('1 MiB copy: peak RSS growth', smallGrowth, 'MiB'),
          statFigure(`${largeLabel} copy: peak RSS growth`, largeGrowth, 'MiB'),
          statFigure(
            `${largeLabel} copy: extra growth over 1 MiB`,
            summarize(reps.map((r) => toMiB(r.big.growthBytes - r.small.growthBytes))),
            'MiB',
          ),
          statFigure(`${largeLabel} copy: RSS afterwards`, summarize(reps.map((r) => toMiB(r.big.after.rssBytes))), 'MiB'),
          statFigure(`${largeLabel} copy: time`, summarize(reps.map((r) => r.big.result / 1000)), 's'),
          ...(peerMax === undefined ? [] : [figure(`peer: ${largeLabel} peak RSS growth, max (from peer)`, peerMax, 'MiB')]),
        ],
        goal: [
          {
            label: `${largeLabel} peak RSS growth, max of ${options.repetitions}`,
            value: largeGrowth.max,
            unit: 'MiB',
            limit: GOAL_MIB,
            comparison: 'atMost',
          },
          relativeCheck('max growth / peer max growth', largeGrowth.max, peerMax, GOAL_PEER_RATIO, 'atMost', 'peer not measured'),
        ],
        details: {
          pid,
          chunkMib: options.chunkMib,
          largeBytes: options.largeBytes,
          peakSource: reps[0]?.big.peakSource,
          idle,
          warm,
          repetitions: reps.map(({ small, big }) => ({
            small: { before: small.before, peakBytes: small.peakBytes, after: small.after, ms: small.result },
            large: { before: big.before, peakBytes: big.peakBytes, after: big.after, ms: big.result },
          })),
        },
      };
    } finally {
      await instance?.stop();
      await world.stop();
    }
  },
};
