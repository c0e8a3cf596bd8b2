/**
 * `reconcile-scale`: one reconcile of a bucket of N objects (100,000 by default) of which 90% are already
 * backed up (reconcile-dataset.ts), through `POST /reconcile` on an HTTP function instance of its own
 * (warmed by a `POST /backup` of an object already backed up, so its runtime is built but it knows no
 * folder); then the same with N/10 objects. RECONCILE_MAX_SECONDS is set high enough (FUNCTION_TIMEOUT_SEC
 * 3600) for one run; should a run still stop early, the next runs continue and are summed. Each case is
 * repeated on a fresh world. Figures: wall time, peak RSS growth of the instance's process, Drive and GCS
 * list calls (emulator counters), and the RSS projected at 1,000,000 objects by the line through the two
 * cases. Goal: Drive list calls ≤ ⌈backed up / 1,000⌉ + folders, peak RSS growth ≤ 64 MiB at
 * N (max), and the projection ≤ 512 MiB (from the medians).
 */
import { startFunctionWorld } from '../harness/function-world.js';
import { startHttpInstance } from './child-instance.js';
import { MiB } from './objects.js';
import { postJson } from './post-json.js';
import { watchPeak } from './process-memory.js';
import { objectName, seedDataset, type Dataset } from './reconcile-dataset.js';
import { figure, statFigure, type Benchmark, type BenchmarkResult, type Figure } from './report.js';
import { repeat, summarize, type Stats } from './stats.js';

const GOAL_GROWTH_MIB = 64;
const GOAL_PROJECTION_MIB = 512;
const PROJECT_AT = 1_000_000;
const MAX_RUNS = 20;
const RUN_ENV = { FUNCTION_TIMEOUT_SEC: '3600', DEADLINE_MARGIN_SEC: '30', RECONCILE_MAX_SECONDS: '3570' };

interface CaseResult {
  dataset: Dataset;
  seconds: number;
  growthMiB: number;
  runs: number;
  uploaded: number;
  skipped: number;
  driveLists: number;
  gcsLists: number;
  counters: Record<string, number>;
}

async function reconcileCase(objects: number, progress: (line: string) => void): Promise<CaseResult> {
  const world = await startFunctionWorld();
  try {
    const dataset = await seedDataset(world, objects, progress);
    const instance = await startHttpInstance({ ...world.env, ...RUN_ENV });
    try {
      // Object 0 is backed up (by the product itself): the runtime gets built, no folder gets resolved.
      const warm = await postJson(`${instance.url}/backup`, { bucket: world.sourceBucket, name: objectName(0) });
      if (warm.status !== 200 || warm.json.outcome !== 'skipped')
        throw new Error(`warm-up answered ${warm.status} ${JSON.stringify(warm.json)}`);
      const { hub } = world.emulators;
      hub.resetCounters();
      progress(`${objects} objects, ${dataset.backedUp} backed up: POST /reconcile in process ${instance.pid}`);
      const started = performance.now();
      const watched = await watchPeak(instance.pid, async () => {
        const reports: Array<Record<string, unknown>> = [];
        while (reports.length < MAX_RUNS) {
          const reply = await postJson(`${instance.url}/reconcile`, {});
          if (reply.status !== 200) throw new Error(`POST /reconcile answered ${reply.status} ${JSON.stringify(reply.json)}`);
          reports.push(reply.json);
          if (reply.json.done === true) return reports;
        }
        throw new Error(`reconcile not done after ${MAX_RUNS} runs`);
      });
      const seconds = (performance.now() - started) / 1000;
      const counters = hub.counters();
      const sum = (field: string) => watched.result.reduce((n, r) => n + Number(r[field] ?? 0), 0);
      const result: CaseResult = {
        dataset,
        seconds,
        growthMiB: watched.growthBytes / MiB,
        runs: watched.result.length,
        uploaded: sum('uploaded'),
        skipped: sum('skipped'),
        driveLists: counters['drive.files.list'] ?? 0,
        gcsLists: counters['gcs.objects.list'] ?? 0,
        counters,
      };
      if (result.uploaded !== dataset.missing || result.skipped !== dataset.backedUp || sum('failed') !== 0) {
        throw new Error(`reconcile did not see the seeded backups: ${JSON.stringify(watched.result)}; log:\n${instance.logTail()}`);
      }
      const files = world.emulators.drive.listAll().filter((f) => f.appProperties['gdb.bucket'] === world.sourceBucket && !f.trashed);
      const distinct = new Set(files.map((f) => f.appProperties['gdb.object'])).size;
      if (files.length !== objects || distinct !== objects)
        throw new Error(`Drive holds ${files.length} backups of ${distinct} objects, not ${objects}`);
      return result;
    } finally {
      await instance.stop();
    }
  } finally {
    await world.stop();
  }
}

/** RSS growth at `at` objects on the line through (small, growth) and (large, growth). */
const project = (small: number, smallMiB: number, large: number, largeMiB: number, at: number): number =>
  largeMiB + ((largeMiB - smallMiB) / (large - small)) * (at - large);

function caseFigures(label: string, cases: CaseResult[]): Figure[] {
  type Measured = 'seconds' | 'growthMiB' | 'driveLists' | 'gcsLists' | 'runs' | 'uploaded';
  const stat = (name: string, of: Measured, unit: string) => statFigure(`${label}: ${name}`, summarize(cases.map((c) => c[of])), unit);
  return [
    stat('wall time', 'seconds', 's'),
    stat('peak RSS growth', 'growthMiB', 'MiB'),
    stat('Drive list calls', 'driveLists', ''),
    stat('GCS list calls', 'gcsLists', ''),
    stat('reconcile runs', 'runs', ''),
    stat('objects uploaded', 'uploaded', ''),
  ];
}

export const reconcileScaleBenchmark: Benchmark = {
  name: 'reconcile-scale',
  description: 'POST /reconcile of 100,000 objects, 90% backed up (and of 10,000): time, RSS, list calls',
  async run(options, progress): Promise<BenchmarkResult> {
    const large = options.reconcileObjects;
    const small = large / 10;
    const reps = await repeat(options.repetitions, async () => ({
      small: await reconcileCase(small, progress),
      large: await reconcileCase(large, progress),
    }));
    const growth = (which: 'small' | 'large'): Stats => summarize(reps.map((r) => r[which].growthMiB));
    const perRepProjection = summarize(reps.map((r) => project(small, r.small.growthMiB, large, r.large.growthMiB, PROJECT_AT)));
    const projection = project(small, growth('small').median, large, growth('large').median, PROJECT_AT);
    const { backedUp, folders } = reps[0]!.large.dataset;
    const listLimit = Math.ceil(backedUp / 1000) + folders;
    const n = (count: number) => count.toLocaleString('en-US');
    return {
      benchmark: 'reconcile-scale',
      figures: [
        ...caseFigures(
          `${n(small)} objects`,
          reps.map((r) => r.small),
        ),
        ...caseFigures(
          `${n(large)} objects`,
          reps.map((r) => r.large),
        ),
        figure(`RSS growth projected at ${n(PROJECT_AT)} (from the medians)`, projection, 'MiB'),
        statFigure(`RSS growth projected at ${n(PROJECT_AT)}, per repetition`, perRepProjection, 'MiB'),
      ],
      goal: [
        {
          label: `${n(large)} objects: Drive list calls, max (⌈${n(backedUp)} / 1,000⌉ + ${folders} folders)`,
          value: Math.max(...reps.map((r) => r.large.driveLists)),
          unit: '',
          limit: listLimit,
          comparison: 'atMost',
        },
        {
          label: `${n(large)} objects: peak RSS growth, max`,
          value: growth('large').max,
          unit: 'MiB',
          limit: GOAL_GROWTH_MIB,
          comparison: 'atMost',
        },
        {
          label: `RSS growth projected at ${n(PROJECT_AT)}`,
          value: projection,
          unit: 'MiB',
          limit: GOAL_PROJECTION_MIB,
          comparison: 'atMost',
        },
      ],
      details: {
        env: RUN_ENV,
        runsSummed: 'RECONCILE_MAX_SECONDS is set for one run; if a run stops early the next ones continue and are summed',
        repetitions: reps,
      },
    };
  },
};
