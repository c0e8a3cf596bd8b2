/**
 * `throughput`: MiB/s of the function copying the large object (1 GiB by default) from the Cloud Storage
 * emulator into the Drive emulator, against the limit of this machine (machine-limit.ts): the slower of
 * the emulators' download alone (curl to /dev/null) and their upload alone (one PUT of the same bytes into
 * a Drive resumable session by a minimal client). The raw pipe of raw-pipe.ts (chunks of at most 8 MiB,
 * each gathered in one buffer, no state) is measured too, as information: it is no limit, the function is
 * faster (its PUT bodies stream while the raw pipe fills a buffer first). Everything runs in processes of its own; the
 * function instance is warmed with a tiny object first and copies a new generation of the same content
 * each time. Each repetition runs all four, the order reversed every other time, so drift weighs on all
 * alike. Goal: our median ≥ 0.8× the limit (medians), ≥ 0.9× the peer's median (from `peer` in the same
 * run), and our min ≥ 0.8× the peer's median.
 */
import { startFunctionWorld } from '../harness/function-world.js';
import { startEventInstance, type EventInstance } from './child-instance.js';
import { cloneObject } from './emulator-seed.js';
import { downloadAlone, uploadAlone } from './machine-limit.js';
import { deleteDriveCopy, driveCopyOf, KiB, md5HexOf, MiB, putObject, seedObject, type SourceObject } from './objects.js';
import { rawPipeInOwnProcess } from './own-process.js';
import { rawEmulators } from './raw-client.js';
import type { RawPipeOptions, RawPipeResult } from './raw-pipe.js';
import { figure, relativeCheck, statFigure, type Benchmark, type BenchmarkResult } from './report.js';
import { repeat, summarize } from './stats.js';

const GOAL_LIMIT_RATIO = 0.8;
/**
 * The raw pipe gathers each chunk in a buffer before its PUT: at 256 MiB that buffer takes long enough to
 * fill, under load, for the emulator to close the session's idle keep-alive connection under it (EPIPE).
 */
const RAW_PIPE_MAX_CHUNK_MIB = 8;
const GOAL_PEER_MEDIAN_RATIO = 0.9;
const GOAL_PEER_MIN_RATIO = 0.8;

export const throughputBenchmark: Benchmark = {
  name: 'throughput',
  description: "large-object copy MiB/s, function vs this machine's limit (the emulators' download alone, upload alone), repeated",
  async run(options, progress, context): Promise<BenchmarkResult> {
    const world = await startFunctionWorld({ env: { UPLOAD_CHUNK_MIB: String(options.chunkMib) } });
    let instance: EventInstance | undefined;
    try {
      instance = await startEventInstance(world.env);
      await instance.backUp(await putObject(world, 'bench-throughput/warm-up.txt', KiB));
      const sizeMib = options.largeBytes / MiB;
      progress(`putting the ${sizeMib} MiB object in the GCS emulator`);
      const large = seedObject(world, 'bench-throughput/large.bin', options.largeBytes);

      const { emulators } = world;
      // Each copy is checked, then deleted, so that every run meets the emulators in the same state.
      const runBaseline = async (): Promise<number> => {
        progress(`raw pipe: ${large.name}`);
        const pipe: RawPipeOptions = {
          ...rawEmulators(emulators),
          bucket: large.bucket,
          object: large.name,
          size: options.largeBytes,
          parentId: world.rootFolderId,
          name: 'raw-pipe-copy.bin',
          chunkBytes: Math.min(options.chunkMib, RAW_PIPE_MAX_CHUNK_MIB) * MiB,
        };
        const result = await rawPipeInOwnProcess<RawPipeResult>([JSON.stringify(pipe)]);
        if (result.md5Checksum !== md5HexOf(large))
          throw new Error(`the raw pipe's copy has MD5 ${result.md5Checksum}, the object ${md5HexOf(large)}`);
        await deleteDriveCopy(world, result.fileId);
        return result.ms;
      };
      const runFunction = async (object: SourceObject): Promise<number> => {
        progress(`function: ${object.name}`);
        const ms = await instance!.backUp(object);
        await deleteDriveCopy(world, driveCopyOf(world, object).id);
        return ms;
      };
      const runLimits = async (): Promise<{ downloadMs: number; uploadMs: number }> => {
        progress('limit: download alone (curl), upload alone (one PUT)');
        const downloadMs = await downloadAlone(world, large);
        return { downloadMs, uploadMs: await uploadAlone(world, options.largeBytes) };
      };
      const reps = await repeat(options.repetitions, async (rep) => {
        const object = cloneObject(emulators, world.sourceBucket, large.name, `bench-throughput/large-${rep}.bin`);
        if (rep % 2 === 1) {
          const functionMs = await runFunction(object);
          const rawMs = await runBaseline();
          return { functionMs, rawMs, ...(await runLimits()) };
        }
        const limits = await runLimits();
        const rawMs = await runBaseline();
        return { ...limits, rawMs, functionMs: await runFunction(object) };
      });

      const mibps = (ms: number) => sizeMib / (ms / 1000);
      const raw = summarize(reps.map((r) => mibps(r.rawMs)));
      const ours = summarize(reps.map((r) => mibps(r.functionMs)));
      const download = summarize(reps.map((r) => mibps(r.downloadMs)));
      const upload = summarize(reps.map((r) => mibps(r.uploadMs)));
      const limit = Math.min(download.median, upload.median);
      const peer = context.peer?.throughputMiBps.median;
      return {
        benchmark: 'throughput',
        figures: [
          figure('object size', sizeMib, 'MiB'),
          figure('chunk size', options.chunkMib, 'MiB'),
          figure('raw pipe chunk size', Math.min(options.chunkMib, RAW_PIPE_MAX_CHUNK_MIB), 'MiB'),
          statFigure('limit: download alone (curl)', download, 'MiB/s'),
          statFigure('limit: upload alone (one PUT)', upload, 'MiB/s'),
          figure('limit: the lower median', limit, 'MiB/s'),
          statFigure('function: time', summarize(reps.map((r) => r.functionMs / 1000)), 's'),
          statFigure('function: throughput', ours, 'MiB/s'),
          statFigure('raw pipe (information): throughput', raw, 'MiB/s'),
          figure('function / raw pipe (medians, information)', ours.median / raw.median, '×'),
          ...(peer === undefined ? [] : [figure('peer: throughput, median (from peer)', peer, 'MiB/s')]),
        ],
        goal: [
          {
            label: "function median / this machine's limit (the lower of download and upload alone)",
            value: ours.median / limit,
            unit: '×',
            limit: GOAL_LIMIT_RATIO,
            comparison: 'atLeast',
          },
          relativeCheck('function median / peer median', ours.median, peer, GOAL_PEER_MEDIAN_RATIO, 'atLeast', 'peer not measured'),
          relativeCheck('function min / peer median', ours.min, peer, GOAL_PEER_MIN_RATIO, 'atLeast', 'peer not measured'),
        ],
        details: {
          sizeBytes: options.largeBytes,
          chunkMib: options.chunkMib,
          order: 'even repetitions: download alone, upload alone, raw pipe, function; odd ones: function, raw pipe, download, upload',
          repetitions: reps,
        },
      };
    } finally {
      await instance?.stop();
      await world.stop();
    }
  },
};
