/**
 * `throughput`: MiB/s of the function copying the large object (1 GiB by default) from the Cloud Storage
 * emulator into the Drive emulator, against the raw HTTP pipe of raw-pipe.ts between the same emulators
 * with the same chunk size, the minimum work. Both run in processes of their own; the function instance
 * is warmed with a tiny object first and copies a new generation of the same content each time. Each
 * repetition runs both, the order alternating (raw first, then function first, ...), so drift weighs on
 * both alike. Goal: our median ≥ 0.9× the raw pipe's median and ≥ 0.9× the peer's median
 * (from `peer` in the same run), and our min ≥ 0.8× the peer's median.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startFunctionWorld } from '../harness/function-world.js';
import { startEventInstance, type EventInstance } from './child-instance.js';
import { cloneObject } from './emulator-seed.js';
import { deleteDriveCopy, driveCopyOf, KiB, md5HexOf, MiB, putObject, seedObject, type SourceObject } from './objects.js';
import type { RawPipeOptions, RawPipeResult } from './raw-pipe.js';
import { figure, relativeCheck, statFigure, type Benchmark, type BenchmarkResult } from './report.js';
import { repeat, summarize } from './stats.js';

const GOAL_RAW_RATIO = 0.9;
const GOAL_PEER_MEDIAN_RATIO = 0.9;
const GOAL_PEER_MIN_RATIO = 0.8;
const ROOT = join(__dirname, '..');

/** Runs the baseline in a child process (see raw-pipe-process.ts). */
function rawPipeInOwnProcess(options: RawPipeOptions): Promise<RawPipeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'raw-pipe-process.ts'), JSON.stringify(options)], {
      cwd: ROOT,
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the raw pipe exited with ${code}: ${stderr.trim()}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as RawPipeResult);
    });
  });
}

export const throughputBenchmark: Benchmark = {
  name: 'throughput',
  description: 'large-object copy MiB/s, function vs a raw GCS→Drive HTTP pipe with the same chunk size, repeated',
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
        const result = await rawPipeInOwnProcess({
          storageUrl: emulators.env.STORAGE_EMULATOR_HOST,
          driveUrl: emulators.env.DRIVE_EMULATOR_HOST,
          oauthUrl: emulators.env.OAUTH_EMULATOR_HOST,
          clientId: emulators.seed.clientId,
          clientSecret: emulators.seed.clientSecret,
          refreshToken: emulators.seed.refreshToken,
          bucket: large.bucket,
          object: large.name,
          size: options.largeBytes,
          parentId: world.rootFolderId,
          name: 'raw-pipe-copy.bin',
          chunkBytes: options.chunkMib * MiB,
        });
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
      const reps = await repeat(options.repetitions, async (rep) => {
        const object = cloneObject(emulators, world.sourceBucket, large.name, `bench-throughput/large-${rep}.bin`);
        if (rep % 2 === 1) {
          const functionMs = await runFunction(object);
          return { functionMs, rawMs: await runBaseline() };
        }
        const rawMs = await runBaseline();
        return { rawMs, functionMs: await runFunction(object) };
      });

      const mibps = (ms: number) => sizeMib / (ms / 1000);
      const raw = summarize(reps.map((r) => mibps(r.rawMs)));
      const ours = summarize(reps.map((r) => mibps(r.functionMs)));
      const peer = context.peer?.throughputMiBps.median;
      return {
        benchmark: 'throughput',
        figures: [
          figure('object size', sizeMib, 'MiB'),
          figure('chunk size', options.chunkMib, 'MiB'),
          statFigure('raw pipe: time', summarize(reps.map((r) => r.rawMs / 1000)), 's'),
          statFigure('raw pipe: throughput', raw, 'MiB/s'),
          statFigure('function: time', summarize(reps.map((r) => r.functionMs / 1000)), 's'),
          statFigure('function: throughput', ours, 'MiB/s'),
          statFigure('function / raw pipe, per repetition', summarize(reps.map((r) => r.rawMs / r.functionMs)), '×'),
          ...(peer === undefined ? [] : [figure('peer: throughput, median (from peer)', peer, 'MiB/s')]),
        ],
        goal: [
          {
            label: 'function median / raw pipe median',
            value: ours.median / raw.median,
            unit: '×',
            limit: GOAL_RAW_RATIO,
            comparison: 'atLeast',
          },
          relativeCheck('function median / peer median', ours.median, peer, GOAL_PEER_MEDIAN_RATIO, 'atLeast', 'peer not measured'),
          relativeCheck('function min / peer median', ours.min, peer, GOAL_PEER_MIN_RATIO, 'atLeast', 'peer not measured'),
        ],
        details: {
          sizeBytes: options.largeBytes,
          chunkMib: options.chunkMib,
          order: 'alternating: raw first in even repetitions, function first in odd ones',
          repetitions: reps,
        },
      };
    } finally {
      await instance?.stop();
      await world.stop();
    }
  },
};
