/**
 * `throughput`: MiB/s of the function copying the large object (1 GiB by default) from the Cloud Storage
 * emulator into the Drive emulator, against the raw HTTP pipe of raw-pipe.ts between the same emulators
 * with the same chunk size, the minimum work. Both run in processes of their own; the function instance
 * is warmed with a tiny object first; each side copies twice, in ABBA order, from two like objects.
 * Goal (issue 3): function ≥ 0.7× the baseline.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createWorld } from '../test/support/world.js';
import { startChildInstance, type ChildInstance } from './child-instance.js';
import { driveCopyOf, KiB, md5HexOf, MiB, putObject, type SourceObject } from './objects.js';
import type { RawPipeOptions, RawPipeResult } from './raw-pipe.js';
import { figure, type Benchmark, type BenchmarkResult } from './report.js';

const GOAL_RATIO = 0.7;
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
  description: 'large-object copy MiB/s, function vs a raw GCS→Drive HTTP pipe with the same chunk size',
  async run(options, progress): Promise<BenchmarkResult> {
    const world = await createWorld({ UPLOAD_CHUNK_MIB: String(options.chunkMib) });
    let instance: ChildInstance | undefined;
    try {
      instance = await startChildInstance(world.env);
      await instance.backUp(await putObject(world, 'bench-throughput/warm-up.txt', KiB));
      const sizeMib = options.largeBytes / MiB;
      progress(`writing two ${sizeMib} MiB objects to the GCS emulator`);
      const first = await putObject(world, 'bench-throughput/large-1.bin', options.largeBytes);
      const second = await putObject(world, 'bench-throughput/large-2.bin', options.largeBytes);

      const { emulators } = world;
      const baselineMs: number[] = [];
      const functionMs: number[] = [];
      // Each copy is checked, then deleted, so that every run meets the emulators in the same state.
      const runBaseline = async (object: SourceObject) => {
        progress(`raw pipe: ${object.name}`);
        const result = await rawPipeInOwnProcess({
          storageUrl: emulators.env.STORAGE_EMULATOR_HOST,
          driveUrl: emulators.env.DRIVE_EMULATOR_HOST,
          oauthUrl: emulators.env.OAUTH_EMULATOR_HOST,
          clientId: emulators.seed.clientId,
          clientSecret: emulators.seed.clientSecret,
          refreshToken: emulators.seed.refreshToken,
          bucket: object.bucket,
          object: object.name,
          size: options.largeBytes,
          parentId: world.rootFolderId,
          name: 'raw-pipe-copy.bin',
          chunkBytes: options.chunkMib * MiB,
        });
        if (result.md5Checksum !== md5HexOf(object))
          throw new Error(`the raw pipe's copy has MD5 ${result.md5Checksum}, the object ${md5HexOf(object)}`);
        await world.drive.files.delete({ fileId: result.fileId });
        baselineMs.push(result.ms);
      };
      const runFunction = async (object: SourceObject) => {
        progress(`function: ${object.name}`);
        const ms = await instance!.backUp(object);
        await world.drive.files.delete({ fileId: driveCopyOf(world, object).id });
        functionMs.push(ms);
      };
      // ABBA order: whatever drifts during the run (heap, caches) weighs on both sides alike.
      await runBaseline(first);
      await runFunction(first);
      await runFunction(second);
      await runBaseline(second);

      const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
      const baselineMiBps = sizeMib / (mean(baselineMs) / 1000);
      const functionMiBps = sizeMib / (mean(functionMs) / 1000);
      return {
        benchmark: 'throughput',
        figures: [
          figure('object size', sizeMib, 'MiB'),
          figure('chunk size', options.chunkMib, 'MiB'),
          figure('raw pipe: time (mean of 2)', mean(baselineMs) / 1000, 's'),
          figure('raw pipe: throughput', baselineMiBps, 'MiB/s'),
          figure('function: time (mean of 2)', mean(functionMs) / 1000, 's'),
          figure('function: throughput', functionMiBps, 'MiB/s'),
          figure('function / raw pipe', functionMiBps / baselineMiBps, '×'),
        ],
        goal: {
          label: 'function / raw pipe throughput',
          value: functionMiBps / baselineMiBps,
          unit: '×',
          limit: GOAL_RATIO,
          comparison: 'atLeast',
        },
        details: {
          sizeBytes: options.largeBytes,
          chunkMib: options.chunkMib,
          order: 'raw, function, function, raw',
          baselineMs,
          functionMs,
        },
      };
    } finally {
      await instance?.stop();
      await world.stop();
    }
  },
};
