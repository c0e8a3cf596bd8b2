/**
 * `memory`: how much a function instance's resident memory grows while it copies a 1 GiB object,
 * against a 1 MiB one. The function runs in its own process (so the emulators' copies of the object do
 * not count) with UPLOAD_CHUNK_MIB=8; a tiny object first builds its lazy runtime, so both copies are
 * measured on a warm instance. Goal (issue 3): ≤ 64 MiB of growth for the 1 GiB copy.
 */
import { createWorld } from '../test/support/world.js';
import { startChildInstance, type ChildInstance } from './child-instance.js';
import { driveCopyOf, KiB, MiB, putObject, type SourceObject } from './objects.js';
import { readMemory, watchPeak } from './process-memory.js';
import { figure, type Benchmark, type BenchmarkResult } from './report.js';

const GOAL_MIB = 64;
const toMiB = (bytes: number): number => bytes / MiB;

export const memoryBenchmark: Benchmark = {
  name: 'memory',
  description: 'peak RSS growth of a function instance (own process) copying 1 GiB vs 1 MiB',
  async run(options, progress): Promise<BenchmarkResult> {
    const world = await createWorld({ UPLOAD_CHUNK_MIB: String(options.chunkMib) });
    let instance: ChildInstance | undefined;
    try {
      // As deployed: terraform/main.tf sets NODE_OPTIONS (see src/memory.ts).
      instance = await startChildInstance({ ...world.env, NODE_OPTIONS: '--expose-gc --max-semi-space-size=2' });
      const pid = instance.pid;
      const idle = readMemory(pid);
      // All objects first: both copies then start right after an invocation, not after the instance
      // idled (and its heap shrank) for the half minute the large object takes to write.
      const warmUp = await putObject(world, 'bench-memory/warm-up.txt', KiB);
      const smallObject = await putObject(world, 'bench-memory/small.bin', MiB);
      progress(`writing the ${toMiB(options.largeBytes)} MiB object to the GCS emulator`);
      const largeObject = await putObject(world, 'bench-memory/large.bin', options.largeBytes);
      await instance.backUp(warmUp);
      const warm = readMemory(pid);

      const copy = async (object: SourceObject) => {
        progress(`copying ${object.name} (${toMiB(Number(object.size))} MiB) in process ${pid}`);
        const watched = await watchPeak(pid, () => instance!.backUp(object));
        driveCopyOf(world, object);
        return { ...watched, growthBytes: watched.peakBytes - watched.before.rssBytes, seconds: watched.result / 1000 };
      };
      const small = await copy(smallObject);
      const large = await copy(largeObject);
      const largeLabel = options.largeBytes === 1024 * MiB ? '1 GiB' : `${toMiB(options.largeBytes)} MiB`;

      return {
        benchmark: 'memory',
        figures: [
          figure('RSS of the idle instance', toMiB(idle.rssBytes), 'MiB'),
          figure('RSS after the warm-up invocation', toMiB(warm.rssBytes), 'MiB'),
          figure('1 MiB copy: peak RSS growth', toMiB(small.growthBytes), 'MiB'),
          figure(`${largeLabel} copy: peak RSS growth`, toMiB(large.growthBytes), 'MiB'),
          figure(`${largeLabel} copy: RSS afterwards`, toMiB(large.after.rssBytes), 'MiB'),
          figure(`${largeLabel} copy: extra growth over 1 MiB`, toMiB(large.growthBytes - small.growthBytes), 'MiB'),
          figure(`peak RSS: ${largeLabel} copy − 1 MiB copy`, toMiB(large.peakBytes - small.peakBytes), 'MiB'),
          figure(`${largeLabel} copy: time`, large.seconds, 's'),
        ],
        goal: {
          label: `${largeLabel} peak RSS growth`,
          value: toMiB(large.growthBytes),
          unit: 'MiB',
          limit: GOAL_MIB,
          comparison: 'atMost',
        },
        details: {
          pid,
          chunkMib: options.chunkMib,
          largeBytes: options.largeBytes,
          peakSource: large.peakSource,
          idle,
          warm,
          small: { before: small.before, peakBytes: small.peakBytes, after: small.after },
          large: { before: large.before, peakBytes: large.peakBytes, after: large.after },
        },
      };
    } finally {
      await instance?.stop();
      await world.stop();
    }
  },
};
