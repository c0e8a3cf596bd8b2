/**
 * `restore`: the product's restore as a user runs it — the installed command `gcs-drive-backup restore`
 * (bin/ on the built dist/), in a process of its own, reading the state bucket's history and writing into
 * an empty Cloud Storage bucket, every copy verified by the command and checked again here.
 *
 * The backup is made by the product: one event-function instance (own process) backs up a 1 MiB object,
 * the large object (1 GiB by default, BENCH_LARGE_MIB; put in Cloud Storage in-process) and the small
 * objects, so the Drive files and the state records are exactly the product's (history, appProperties,
 * revisions). The large source object is then deleted to spare the emulators' memory: restore reads Drive.
 *
 * - Large: each repetition restores the large object with the command and copies it with the raw pipe
 *   (raw-restore-pipe.ts, own process: Drive `alt=media` into a Cloud Storage resumable upload sent the
 *   way the product sends it), the order alternating. The command is timed from its "restoring" line to
 *   its summary line (the raw pipe from its start: both after their process started); its peak RSS
 *   growth is measured over the same span (own-process.ts). The 1 MiB object is restored first, once,
 *   for the growth that does not depend on size.
 *   Goal: the command's median ≥ 0.9× the raw pipe's median MiB/s; its peak RSS growth ≤ 64 MiB (max).
 * - Small: BENCH_RESTORE_OBJECTS objects of 1 KiB (2,000 by default) restored with `--parallel 1` and
 *   `--parallel 16`, each into its own target prefix, with 20 ms of emulator latency on every request
 *   (fault rule `latency`, as `concurrency`), once each, 1 in flight first. The two runs' object lines
 *   must be the same, in the same order (the report is deterministic), and each target prefix must hold
 *   every object once. Goal: objects/s at 16 ≥ 8× objects/s at 1.
 */
import { startFunctionWorld, type FunctionWorld as World } from '../harness/function-world.js';
import { startEventInstance } from './child-instance.js';
import { ensureBuilt } from './deployed.js';
import { driveCopyOf, KiB, MiB, putObject, seedObject, seedObjects, type SourceObject } from './objects.js';
import { rawPipeInOwnProcess, runCommand, type CommandRun } from './own-process.js';
import { rawEmulators } from './raw-client.js';
import type { RawRestorePipeOptions, RawRestorePipeResult } from './raw-restore-pipe.js';
import { figure, statFigure, type Benchmark, type BenchmarkResult } from './report.js';
import { repeat, summarize } from './stats.js';

const GOAL_RAW_RATIO = 0.9;
const GOAL_GROWTH_MIB = 64;
const GOAL_PARALLEL_RATIO = 8;
const LATENCY_MS = 20;
const IN_FLIGHT = 16;
const BACKUP_IN_FLIGHT = 16;
const TARGET = 'restore-target';
const LARGE = 'bench-restore/large.bin';
const ONE_MIB = 'bench-restore/one-mib.bin';
const SMALL = 'bench-restore/small/';
/** The command's first line once its runtime is built and its catalog open, and its summary line. */
const WATCH = { from: /^restoring /, to: /^restored \d+ of \d+ object/ };

/** The object lines of a run (restored, exists, problems), without its target prefix. */
function objectLines(run: CommandRun, targetPrefix: string): string[] {
  return `${run.stdout}${run.stderr}`
    .split('\n')
    .filter((line) => /^(restored|exists|failed|mismatch|refused|drive-limit|missing-in-drive) /.test(line) && !WATCH.to.test(line))
    .map((line) => line.replace(` -> ${targetPrefix}`, ' -> '));
}

/** Runs `restore`; throws unless it restored exactly `count` objects and exited 0. */
async function restoreCommand(world: World, prefix: string, target: string, parallel: number, count: number): Promise<CommandRun> {
  const args = ['restore', '--to', `gs://${TARGET}/${target}`, '--prefix', prefix, '--parallel', String(parallel)];
  const run = await runCommand(args, world.env, WATCH);
  if (run.code !== 0 || !new RegExp(`^restored ${count} of ${count} object`, 'm').test(run.stdout) || run.workMs === undefined)
    throw new Error(`restore ${args.join(' ')} exited ${run.code}:\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
  return run;
}

/** Checks the copy in the target bucket against the source's MD5, then deletes it (the bucket is empty again). */
async function checkAndDelete(world: World, name: string, md5Hash: string): Promise<void> {
  const copy = world.emulators.gcs.getObject(TARGET, name);
  if (copy?.md5Hash !== md5Hash) throw new Error(`gs://${TARGET}/${name} has MD5 ${copy?.md5Hash}, the backed-up object ${md5Hash}`);
  await world.storage.bucket(TARGET).file(name).delete();
}

/**
 * The finalize event Eventarc would deliver: the whole object resource (the benchmarks' usual event carries
 * only what a backup needs; the history a restore reads wants `timeCreated` and the rest too).
 */
function eventOf(world: World, o: SourceObject): SourceObject {
  const stored = world.emulators.gcs.getObject(o.bucket, o.name);
  if (!stored) throw new Error(`gs://${o.bucket}/${o.name} is not in the emulator`);
  const { content: _content, ...resource } = stored;
  return resource as unknown as SourceObject;
}

const MiBof = (bytes: number | undefined) => (bytes ?? Number.NaN) / MiB;

export const restoreBenchmark: Benchmark = {
  name: 'restore',
  description: `restore command: large object MiB/s vs a raw Drive→GCS pipe, peak RSS growth; small objects, ${IN_FLIGHT} in flight vs 1`,
  async run(options, progress): Promise<BenchmarkResult> {
    const build = ensureBuilt();
    if (build.built) progress(`built dist/${build.warnings ? ` (tsc complained: ${build.warnings.slice(0, 300)})` : ''}`);
    const world = await startFunctionWorld();
    const { emulators } = world;
    const n = options.restoreObjects;
    const sizeMib = options.largeBytes / MiB;
    try {
      await world.storage.createBucket(TARGET);
      progress(`the product backs up a 1 MiB object, the ${sizeMib} MiB object and ${n} objects of 1 KiB`);
      const large = seedObject(world, LARGE, options.largeBytes);
      const small = seedObjects(
        world,
        Array.from({ length: n }, (_, i) => ({ name: `${SMALL}${String(i).padStart(5, '0')}`, size: KiB })),
      );
      const backupStarted = performance.now();
      const instance = await startEventInstance(world.env);
      let oneMib: SourceObject;
      try {
        oneMib = await putObject(world, ONE_MIB, MiB);
        await instance.backUp(eventOf(world, oneMib));
        await instance.backUp(eventOf(world, large));
        let next = 0;
        const worker = async () => {
          while (next < small.length) await instance.backUp(eventOf(world, small[next++]!));
        };
        await Promise.all(Array.from({ length: BACKUP_IN_FLIGHT }, worker));
      } finally {
        await instance.stop();
      }
      const backupSeconds = (performance.now() - backupStarted) / 1000;
      const largeFileId = driveCopyOf(world, large).id;
      for (const o of [oneMib, ...small]) driveCopyOf(world, o);
      await world.storage.bucket(world.sourceBucket).file(LARGE, { generation: large.generation }).delete();
      emulators.drive.expireUploadSessions();

      progress('restore: the 1 MiB object');
      const one = await restoreCommand(world, ONE_MIB, '', 1, 1);
      await checkAndDelete(world, ONE_MIB, oneMib.md5Hash);

      const runRaw = async (): Promise<number> => {
        progress(`raw pipe: ${sizeMib} MiB`);
        const pipe: RawRestorePipeOptions = {
          ...rawEmulators(emulators),
          fileId: largeFileId,
          size: options.largeBytes,
          bucket: TARGET,
          name: 'raw/large.bin',
          chunkBytes: 0,
        };
        const result = await rawPipeInOwnProcess<RawRestorePipeResult>(['restore', JSON.stringify(pipe)]);
        await checkAndDelete(world, pipe.name, large.md5Hash);
        return result.ms;
      };
      const runRestore = async (): Promise<CommandRun> => {
        progress(`restore: ${sizeMib} MiB`);
        const run = await restoreCommand(world, LARGE, '', 1, 1);
        await checkAndDelete(world, LARGE, large.md5Hash);
        return run;
      };
      const reps = await repeat(options.repetitions, async (rep) => {
        if (rep % 2 === 1) {
          const restore = await runRestore();
          return { restore, rawMs: await runRaw() };
        }
        const rawMs = await runRaw();
        return { rawMs, restore: await runRestore() };
      });

      const latency = emulators.hub.faults.add({ action: { kind: 'latency', ms: LATENCY_MS }, times: 0 });
      let serial: CommandRun;
      let parallel: CommandRun;
      let requests: Record<string, number>;
      try {
        progress(`restore: ${n} objects of 1 KiB, 1 in flight`);
        emulators.hub.resetCounters();
        serial = await restoreCommand(world, SMALL, 'serial/', 1, n);
        requests = emulators.hub.counters();
        progress(`restore: ${n} objects of 1 KiB, ${IN_FLIGHT} in flight`);
        parallel = await restoreCommand(world, SMALL, 'parallel/', IN_FLIGHT, n);
      } finally {
        emulators.hub.faults.remove(latency);
      }
      const serialLines = objectLines(serial, 'serial/');
      const parallelLines = objectLines(parallel, 'parallel/');
      const sameReport = JSON.stringify(serialLines) === JSON.stringify(parallelLines);
      if (serialLines.length !== n || JSON.stringify([...serialLines].sort()) !== JSON.stringify([...parallelLines].sort()))
        throw new Error(`the ${IN_FLIGHT}-in-flight run's object lines are not the serial run's (${serialLines.length} lines)`);
      if (!sameReport) progress(`the ${IN_FLIGHT}-in-flight run printed the same object lines as the serial one, in another order`);
      for (const [prefix] of [['serial/'], ['parallel/']]) {
        const [files] = await world.storage.bucket(TARGET).getFiles({ prefix: `${prefix}${SMALL}` });
        if (files.length !== n) throw new Error(`gs://${TARGET}/${prefix}${SMALL} holds ${files.length} objects, not ${n}`);
      }

      const mibps = (ms: number) => sizeMib / (ms / 1000);
      const raw = summarize(reps.map((r) => mibps(r.rawMs)));
      const ours = summarize(reps.map((r) => mibps(r.restore.workMs!)));
      const growth = summarize(reps.map((r) => MiBof(r.restore.peakBytes! - r.restore.beforeBytes!)));
      const perSecond = (run: CommandRun) => n / (run.workMs! / 1000);
      const requestTotal = Object.values(requests).reduce((a, b) => a + b, 0);
      return {
        benchmark: 'restore',
        figures: [
          figure('object size', sizeMib, 'MiB'),
          figure('backing up (the product, untimed setup)', backupSeconds, 's'),
          statFigure('raw pipe: time', summarize(reps.map((r) => r.rawMs / 1000)), 's'),
          statFigure('raw pipe: throughput', raw, 'MiB/s'),
          statFigure('restore: time', summarize(reps.map((r) => r.restore.workMs! / 1000)), 's'),
          statFigure('restore: throughput', ours, 'MiB/s'),
          statFigure('restore / raw pipe, per repetition', summarize(reps.map((r) => r.rawMs / r.restore.workMs!)), '×'),
          statFigure('restore: command CPU', summarize(reps.map((r) => r.restore.cpuSeconds!)), 's'),
          statFigure('restore command: wall time (process start to exit)', summarize(reps.map((r) => r.restore.wallMs / 1000)), 's'),
          statFigure(`restore: peak RSS growth, ${sizeMib} MiB`, growth, 'MiB'),
          figure('restore: peak RSS growth, 1 MiB', MiBof(one.peakBytes! - one.beforeBytes!), 'MiB'),
          figure('restore: RSS when it starts restoring', MiBof(one.beforeBytes), 'MiB'),
          figure('small objects per pass', n, ''),
          figure('emulator latency per request', LATENCY_MS, 'ms'),
          figure('1 in flight: objects per second', perSecond(serial), '/s'),
          figure(`${IN_FLIGHT} in flight: objects per second`, perSecond(parallel), '/s'),
          figure(`${IN_FLIGHT} in flight / 1 in flight`, perSecond(parallel) / perSecond(serial), '×'),
          figure('1 in flight: requests per object', requestTotal / n, ''),
          figure('1 in flight: command CPU per object', (serial.cpuSeconds! * 1000) / n, 'ms'),
          figure(`${IN_FLIGHT} in flight: command CPU per object`, (parallel.cpuSeconds! * 1000) / n, 'ms'),
          figure(`${IN_FLIGHT} in flight: emulators' CPU per object`, ((parallel.emulatorsCpuSeconds ?? Number.NaN) * 1000) / n, 'ms'),
        ],
        goal: [
          {
            label: 'restore median / raw pipe median',
            value: ours.median / raw.median,
            unit: '×',
            limit: GOAL_RAW_RATIO,
            comparison: 'atLeast',
          },
          {
            label: `restore peak RSS growth, ${sizeMib} MiB (max)`,
            value: growth.max,
            unit: 'MiB',
            limit: GOAL_GROWTH_MIB,
            comparison: 'atMost',
          },
          {
            label: `${IN_FLIGHT} in flight / 1 in flight (objects/s)`,
            value: perSecond(parallel) / perSecond(serial),
            unit: '×',
            limit: GOAL_PARALLEL_RATIO,
            comparison: 'atLeast',
          },
        ],
        details: {
          sizeBytes: options.largeBytes,
          upload: 'one streamed PUT per object, as the product restores (raw pipe chunkBytes 0)',
          order: 'alternating: raw first in even repetitions, restore first in odd ones',
          peakSource: reps[0]?.restore.peakSource,
          repetitions: reps.map((r) => ({
            rawMs: r.rawMs,
            restoreMs: r.restore.workMs,
            restoreWallMs: r.restore.wallMs,
            beforeBytes: r.restore.beforeBytes,
            peakBytes: r.restore.peakBytes,
          })),
          small: {
            objects: n,
            latencyMs: LATENCY_MS,
            serialMs: serial.workMs,
            parallelMs: parallel.workMs,
            sameObjectLines: sameReport,
            serialRequests: requests,
          },
        },
      };
    } finally {
      await world.stop();
    }
  },
};
