/**
 * The calm row, of `burst` and alone as `calm`: a quiet bucket, one small object every 2 s, through each
 * mode's world (burst-world.ts, the same functions, bridge and queue as the burst, Drive far from its
 * limits). Per object, the time from its upload to Cloud Storage (the write answered, its finalize event
 * handed to the bridge at once) to the product's `objectOutcome` line saying `uploaded`, which it writes
 * after the Drive file is verified (src/backup/pipeline.ts). It shows what each mode costs a lone object:
 * direct backs it up in the event's own invocation, tasks adds the queue hop, auto should cost what direct
 * does. The modes run side by side, their worlds up together and their objects interleaved (each 2 s
 * period holds one object of each mode, a third of a period apart, the order rotated every period), so a
 * change in the machine's load during the row weighs on every mode alike; the events never overlap.
 * Each world's function instances are warmed first by one untimed object (a cold start is `coldstart`'s).
 */
import { loadavg } from 'node:os';
import { Storage } from '@google-cloud/storage';
import { startBurstWorld, type BurstLimits, type BurstWorld, type Mode } from './burst-world.js';
import { figure, type Benchmark, type BenchmarkResult, type Figure, type GoalCheck } from './report.js';
import { summarize, type Stats } from './stats.js';

export interface CalmResult {
  mode: Mode;
  objects: number;
  /** Upload to verified Drive file, per object, in milliseconds (in upload order). */
  latenciesMs: number[];
  /** Their min, median and max. */
  latency: Stats;
  /** Objects whose `uploaded` line never came (within the wait after the last upload). */
  missing: number;
}

export interface CalmRow {
  modes: Record<Mode, CalmResult>;
  /** The machine's 1-minute load average when the row began and when it ended. */
  load: { start: number; end: number };
}

/** One object of each mode per period. */
export const CALM_EVERY_MS = 2000;
const MODES: readonly Mode[] = ['direct', 'tasks', 'auto'];
const OBJECT_BYTES = 1024;
/** How long the last object may take before it counts as missing. */
const LAST_WAIT_MS = 60_000;
const POLL_MS = 5;
const WARM_UP = 'calm/warm-up.txt';
/** Auto's calm median within this of direct's. */
const GOAL_AUTO_RATIO = 1.1;

/** Drive as generous as a quiet day: the burst's create cap and queue, and a daily limit this row never reaches. */
export function calmLimits(objects: number, pauseSec: number): BurstLimits {
  return { createsPerSecond: 10, queueRate: 9.5, pauseSec, dailyBytes: objects * OBJECT_BYTES * 100, windowMs: 24 * 3600_000 };
}

/** One mode's world and what its objects did. */
interface Lane {
  world: BurstWorld;
  storage: Storage;
  uploadedAt: Map<string, number>;
  landedAt: Map<string, number>;
  seen: number;
}

export async function runCalm(objects: number, everyMs: number, limits: BurstLimits, progress: (line: string) => void): Promise<CalmRow> {
  const lanes = new Map<Mode, Lane>();
  try {
    for (const mode of MODES) {
      const world = await startBurstWorld(mode, limits);
      const storage = new Storage({ apiEndpoint: world.emulators.env.STORAGE_EMULATOR_HOST, projectId: 'burst' });
      lanes.set(mode, { world, storage, uploadedAt: new Map(), landedAt: new Map(), seen: 0 });
    }
    const watch = setInterval(() => {
      for (const lane of lanes.values()) {
        for (; lane.seen < lane.world.lines.length; lane.seen++) {
          const line = lane.world.lines[lane.seen];
          if (
            line.event === 'objectOutcome' &&
            line.outcome === 'uploaded' &&
            typeof line.name === 'string' &&
            !lane.landedAt.has(line.name)
          )
            lane.landedAt.set(line.name, Date.now());
        }
      }
    }, POLL_MS);
    const put = async (lane: Lane, name: string): Promise<number> => {
      const file = lane.storage.bucket(lane.world.bucket).file(name);
      await file.save(Buffer.alloc(OBJECT_BYTES, `${name} `), { resumable: false, validation: false });
      const at = Date.now();
      lane.world.arrive([{ ...file.metadata }]);
      return at;
    };
    const waitFor = async (done: () => boolean) => {
      const until = Date.now() + LAST_WAIT_MS;
      while (!done() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    };
    const load = { start: NaN, end: NaN };
    try {
      // One untimed object per mode first: a cold instance's first event is `coldstart`'s matter, not this row's.
      for (const lane of lanes.values()) {
        await put(lane, WARM_UP);
        await waitFor(() => lane.landedAt.has(WARM_UP));
      }
      load.start = loadavg()[0]!;
      const started = Date.now();
      for (let i = 0; i < objects; i++) {
        for (let slot = 0; slot < MODES.length; slot++) {
          const mode = MODES[(slot + i) % MODES.length]!;
          const due = started + i * everyMs + (slot * everyMs) / MODES.length;
          if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
          const lane = lanes.get(mode)!;
          const name = `calm/object-${String(i).padStart(4, '0')}.txt`;
          lane.uploadedAt.set(name, await put(lane, name));
        }
      }
      await waitFor(() => [...lanes.values()].every((lane) => [...lane.uploadedAt.keys()].every((name) => lane.landedAt.has(name))));
      load.end = loadavg()[0]!;
    } finally {
      clearInterval(watch);
    }
    const result = (mode: Mode): CalmResult => {
      const { uploadedAt, landedAt } = lanes.get(mode)!;
      const latenciesMs = [...uploadedAt].flatMap(([name, at]) => (landedAt.has(name) ? [landedAt.get(name)! - at] : []));
      const r = {
        mode,
        objects,
        latenciesMs,
        latency: summarize(latenciesMs.length > 0 ? latenciesMs : [NaN]),
        missing: objects - latenciesMs.length,
      };
      const { min, median, max } = r.latency;
      progress(`calm ${mode}: upload to verified Drive file ${min}…${median}…${max} ms (min…median…max), ${r.missing} missing`);
      return r;
    };
    const modes = { direct: result('direct'), tasks: result('tasks'), auto: result('auto') };
    progress(`calm: load average (1 min) ${load.start.toFixed(2)} at the start, ${load.end.toFixed(2)} at the end`);
    return { modes, load };
  } finally {
    for (const lane of lanes.values()) await lane.world.stop();
  }
}

/** The calm row's goals: auto's median within 1.1× direct's, nothing missing. */
export function calmGoals({ modes }: CalmRow): GoalCheck[] {
  return [
    {
      label: 'calm: auto median / direct median',
      value: modes.auto.latency.median / modes.direct.latency.median,
      unit: '×',
      limit: GOAL_AUTO_RATIO,
      comparison: 'atMost',
    },
    {
      label: 'calm: objects missing (all modes)',
      value: modes.direct.missing + modes.tasks.missing + modes.auto.missing,
      unit: '',
      limit: 0,
      comparison: 'atMost',
    },
  ];
}

export function calmFigures({ modes, load }: CalmRow): Figure[] {
  const figures: Figure[] = [];
  for (const r of [modes.direct, modes.tasks, modes.auto]) {
    figures.push(figure(`calm ${r.mode}: median upload → verified Drive file`, r.latency.median, 'ms'));
    figures.push(figure(`calm ${r.mode}: slowest`, r.latency.max, 'ms'));
  }
  figures.push(figure('calm: auto median / direct median', modes.auto.latency.median / modes.direct.latency.median, '×'));
  figures.push(figure('calm: tasks median / direct median', modes.tasks.latency.median / modes.direct.latency.median, '×'));
  figures.push(
    figure('calm: load average (1 min) at the start', load.start, ''),
    figure('calm: load average (1 min) at the end', load.end, ''),
  );
  return figures;
}

/** `npm run bench -- calm`: the calm row alone, without the burst before it (about 2 minutes at 50 objects). */
export const calmBenchmark: Benchmark = {
  name: 'calm',
  description:
    "burst's calm row alone: 50 objects one every 2 s in each mode, side by side; auto's median time to a verified Drive file vs direct's",
  async run(options, progress): Promise<BenchmarkResult> {
    const n = options.calmObjects;
    progress(`calm: ${n} objects per mode, one every ${CALM_EVERY_MS / 1000} s, the modes interleaved (direct, tasks, auto)`);
    const row = await runCalm(n, CALM_EVERY_MS, calmLimits(n, options.burstPauseSec), progress);
    return {
      benchmark: 'calm',
      figures: [figure('objects per mode', n, ''), ...calmFigures(row)],
      goal: calmGoals(row),
      details: { calm: row },
    };
  },
};
