/**
 * `coldstart`: how long a fresh `node` process takes to `require` the deployed entry module
 * (dist/index.js, built first when stale) against `require('googleapis')`, the all-in-one client many
 * functions load; the two alternate, each run in a new process, and the medians are compared. Then the
 * deployed function serves two tiny objects: the first invocation builds config and clients lazily, the
 * second shows a warm one. Goal: entry module ≤ 0.3× googleapis.
 */
import { spawnSync } from 'node:child_process';
import { deliverStorageEvent } from '../harness/deliver.js';
import { startFunctionWorld } from '../harness/function-world.js';
import { EVENT_TARGET } from './child-instance.js';
import { DEPLOYED_ENTRY, ensureBuilt, ROOT, startDeployedInstance, type DeployedInstance } from './deployed.js';
import { driveCopyOf, KiB, putObject } from './objects.js';
import { figure, type Benchmark, type BenchmarkResult } from './report.js';

const GOAL_RATIO = 0.3;
const REQUIRE_TIMER =
  'const t = process.hrtime.bigint(); require(process.argv[1]);' +
  'process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6)); process.exit(0);';

/** Milliseconds `require(moduleId)` takes in a new `node` process (resolved from the repository root). */
function timeRequireInFreshProcess(moduleId: string): number {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_NO_WARNINGS: '1' };
  delete env.NODE_OPTIONS; // no loader (tsx) in the measured process
  const run = spawnSync(process.execPath, ['-e', REQUIRE_TIMER, moduleId], { cwd: ROOT, env, encoding: 'utf8' });
  const ms = Number(run.stdout.trim());
  if (run.status !== 0 || !Number.isFinite(ms)) throw new Error(`require(${moduleId}) failed (${run.status}): ${run.stderr}`);
  return ms;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Milliseconds of the deployed function's first invocation, then of its second. */
async function firstInvocations(): Promise<{ firstMs: number; secondMs: number }> {
  const world = await startFunctionWorld();
  let instance: DeployedInstance | undefined;
  const log: string[] = [];
  try {
    instance = await startDeployedInstance(EVENT_TARGET, world.env, (line) => log.push(line));
    const first = await putObject(world, 'first.txt', KiB);
    const second = await putObject(world, 'second.txt', KiB);
    const timed = async (object: typeof first): Promise<number> => {
      const started = performance.now();
      const status = await deliverStorageEvent(instance!.url, object);
      const ms = performance.now() - started;
      if (status !== 204) throw new Error(`backing up ${object.name} answered ${status}; log:\n${log.slice(-20).join('\n')}`);
      driveCopyOf(world, object);
      return ms;
    };
    return { firstMs: await timed(first), secondMs: await timed(second) };
  } finally {
    await instance?.stop();
    await world.stop();
  }
}

export const coldstartBenchmark: Benchmark = {
  name: 'coldstart',
  description: "require time of dist/index.js vs require('googleapis') in fresh processes; first invocation",
  async run(options, progress): Promise<BenchmarkResult> {
    const build = ensureBuilt();
    if (build.built)
      progress(`built dist/ with npm run build${build.warnings ? ` (tsc complained, measuring what it emitted):\n${build.warnings}` : ''}`);
    const entryMs: number[] = [];
    const googleapisMs: number[] = [];
    timeRequireInFreshProcess(DEPLOYED_ENTRY); // fills the OS file cache for both
    timeRequireInFreshProcess('googleapis');
    for (let run = 0; run < options.coldstartRuns; run++) {
      entryMs.push(timeRequireInFreshProcess(DEPLOYED_ENTRY));
      googleapisMs.push(timeRequireInFreshProcess('googleapis'));
    }
    progress(`${options.coldstartRuns} fresh processes each; first invocation of the deployed function`);
    const invocations = await firstInvocations();
    const ratio = median(entryMs) / median(googleapisMs);
    return {
      benchmark: 'coldstart',
      figures: [
        figure('require dist/index.js (median)', median(entryMs), 'ms'),
        figure("require('googleapis') (median)", median(googleapisMs), 'ms'),
        figure('dist/index.js / googleapis', ratio, '×'),
        figure('first invocation (lazy config + clients)', invocations.firstMs, 'ms'),
        figure('second invocation (warm)', invocations.secondMs, 'ms'),
      ],
      goal: [{ label: "entry require / require('googleapis')", value: ratio, unit: '×', limit: GOAL_RATIO, comparison: 'atMost' }],
      details: { runs: options.coldstartRuns, entryMs, googleapisMs, ...invocations, builtNow: build.built },
    };
  },
};
