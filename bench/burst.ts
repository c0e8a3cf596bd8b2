/**
 * `burst`: 2,000 small objects arrive at once; Drive takes 10 creates/s per user and its daily
 * upload limit runs out after 1,200 objects, its window (compressed from 24 h) ending 60 s after a client
 * at the cap would have used it up. The same burst runs through direct mode (the event function backs up
 * each object itself, redelivered by an Eventarc-like bridge with backoff) and through tasks mode (the
 * event function enqueues; a queue at 9.5 dispatches/s runs `POST /backup`; the daily limit pauses it for
 * UPLOAD_LIMIT_PAUSE_SEC=60 and the tick resumes it), one after the other in one run (burst-world.ts), no
 * reconcile. Per mode: function invocations, non-2xx answers, Drive's 403/429 answers, time to drain,
 * objects lost, duplicates. Goals for tasks mode: nothing lost or duplicated, Drive's refusals ≤ 1% and
 * non-2xx answers ≤ 2% of the objects, no dispatch while the queue is paused, and a drain within 1.2× of
 * the ideal the Drive limits allow (`idealDrainMs`). Counts come from recording proxies on the wire.
 * Auto mode (DISPATCH=auto, the same queue) runs between them, with goals of its own (≤ 3% refusals and
 * non-2xx, drain ≤ 1.25× ideal); then the calm row (calm.ts): 50 objects one every 2 s in each mode, and
 * auto's median time to a verified Drive file within 1.1× direct's.
 */
import { Storage } from '@google-cloud/storage';
import { startBurstWorld, type BurstLimits, type BurstWorld, type Mode } from './burst-world.js';
import { figure, type Benchmark, type BenchmarkResult, type Figure, type GoalCheck } from './report.js';
import { CALM_EVERY_MS, calmFigures, calmGoals, calmLimits, runCalm } from './calm.js';

const CREATES_PER_SECOND = 10;
const OBJECT_BYTES = 1024;
/** The share of the burst the daily limit lets through. */
const DAILY_SHARE = 0.6;
/** What the operator sets for a 10/s Drive: just under it (one create per small object, one folder). */
const QUEUE_RATE = 9.5;
const MODE_TIMEOUT_MS = 20 * 60_000;

export interface ModeResult {
  mode: Mode;
  invocations: number;
  non2xx: number;
  driveRefusals: number;
  dailyLimitRefusals: number;
  drainMs: number;
  lost: number;
  duplicates: number;
  abandoned: number;
  pauses: number;
  resumes: number;
  dispatchesWhilePaused: number;
  /** Per second since the burst began: Drive uploads that landed and Drive refusals; the queue's pauses. */
  timeline: { second: number; uploaded: number; refused: number }[];
  pausedSeconds: [number, number][];
}

/**
 * The drain time the Drive limits allow a perfect client: uploads at the cap (a full bucket first), and
 * when the window's bytes are spent, a wait until it ends (it starts at the first upload). Pure.
 */
export function idealDrainMs(objects: number, perSecond: number, dailyObjects: number, windowMs: number): number {
  let t = 0;
  let tokens = perSecond;
  let at = 0;
  let windowStart: number | undefined;
  let inWindow = 0;
  const refill = (to: number) => {
    tokens = Math.min(perSecond, tokens + ((to - at) / 1000) * perSecond);
    at = to;
  };
  for (let i = 0; i < objects; i++) {
    if (inWindow >= dailyObjects) {
      t = Math.max(t, (windowStart ?? t) + windowMs);
      [windowStart, inWindow] = [undefined, 0];
    }
    refill(t);
    if (tokens < 1) {
      t += ((1 - tokens) / perSecond) * 1000;
      refill(t);
    }
    tokens -= 1;
    windowStart ??= t;
    inWindow++;
  }
  return t;
}

export const burstBenchmark: Benchmark = {
  name: 'burst',
  description:
    '2,000 objects at once against a Drive capped at 10 creates/s with a daily limit: direct, tasks and auto modes; then 50 objects one every 2 s in each (calm)',
  async run(options, progress): Promise<BenchmarkResult> {
    const n = options.burstObjects;
    const dailyObjects = Math.round(n * DAILY_SHARE);
    const pauseSec = options.burstPauseSec;
    const windowMs = (dailyObjects / CREATES_PER_SECOND) * 1000 + pauseSec * 1000;
    const limits: BurstLimits = {
      createsPerSecond: CREATES_PER_SECOND,
      dailyBytes: dailyObjects * OBJECT_BYTES,
      windowMs,
      pauseSec,
      queueRate: QUEUE_RATE,
    };
    const ideal = idealDrainMs(n, CREATES_PER_SECOND, dailyObjects, windowMs);
    progress(
      `${n} objects of ${OBJECT_BYTES} B; Drive: ${CREATES_PER_SECOND} creates/s, ${dailyObjects} objects per ${windowMs / 1000} s window`,
    );
    progress(`ideal drain ${(ideal / 1000).toFixed(1)} s; tasks mode first, then auto, then direct mode`);
    const tasks = await runMode('tasks', n, limits, progress);
    const auto = await runMode('auto', n, limits, progress);
    const direct = await runMode('direct', n, limits, progress);
    const calmObjects = options.calmObjects;
    progress(`calm: ${calmObjects} objects per mode, one every ${CALM_EVERY_MS / 1000} s, the modes interleaved (direct, tasks, auto)`);
    const calm = await runCalm(calmObjects, CALM_EVERY_MS, calmLimits(calmObjects, pauseSec), progress);

    const ratio = tasks.drainMs / ideal;
    const goal: GoalCheck[] = [
      { label: 'tasks: drain / ideal', value: ratio, unit: '×', limit: 1.2, comparison: 'atMost' },
      { label: 'tasks: objects lost', value: tasks.lost, unit: '', limit: 0, comparison: 'atMost' },
      { label: 'tasks: duplicates', value: tasks.duplicates, unit: '', limit: 0, comparison: 'atMost' },
      { label: 'tasks: Drive 403/429 per object', value: (tasks.driveRefusals / n) * 100, unit: '%', limit: 1, comparison: 'atMost' },
      { label: 'tasks: non-2xx answers per object', value: (tasks.non2xx / n) * 100, unit: '%', limit: 2, comparison: 'atMost' },
      { label: 'tasks: dispatches while paused', value: tasks.dispatchesWhilePaused, unit: '', limit: 0, comparison: 'atMost' },
      { label: 'auto: drain / ideal', value: auto.drainMs / ideal, unit: '×', limit: 1.25, comparison: 'atMost' },
      { label: 'auto: objects lost', value: auto.lost, unit: '', limit: 0, comparison: 'atMost' },
      { label: 'auto: duplicates', value: auto.duplicates, unit: '', limit: 0, comparison: 'atMost' },
      { label: 'auto: Drive 403/429 per object', value: (auto.driveRefusals / n) * 100, unit: '%', limit: 3, comparison: 'atMost' },
      { label: 'auto: non-2xx answers per object', value: (auto.non2xx / n) * 100, unit: '%', limit: 3, comparison: 'atMost' },
      ...calmGoals(calm),
    ];
    const figures: Figure[] = [figure('objects', n, ''), figure('ideal drain (Drive limits)', ideal / 1000, 's')];
    for (const r of [direct, tasks, auto]) figures.push(...modeFigures(r, ideal));
    figures.push(...calmFigures(calm));
    return { benchmark: 'burst', figures, goal, details: { limits, idealMs: ideal, direct, tasks, auto, calm } };
  },
};

function modeFigures(r: ModeResult, ideal: number): Figure[] {
  const m = r.mode;
  const out = [
    figure(`${m}: function invocations`, r.invocations, ''),
    figure(`${m}: non-2xx answers`, r.non2xx, ''),
    figure(`${m}: Drive 403/429 answers`, r.driveRefusals, ''),
    figure(`${m}: of which the daily limit`, r.dailyLimitRefusals, ''),
    figure(`${m}: time to drain`, r.drainMs / 1000, 's'),
    figure(`${m}: drain / ideal`, r.drainMs / ideal, '×'),
    figure(`${m}: objects lost`, r.lost, ''),
    figure(`${m}: duplicates`, r.duplicates, ''),
  ];
  if (m === 'direct') out.push(figure(`${m}: deliveries abandoned`, r.abandoned, ''));
  else {
    out.push(figure(`${m}: queue pauses`, r.pauses, ''), figure(`${m}: queue resumes`, r.resumes, ''));
    out.push(figure(`${m}: dispatches while paused`, r.dispatchesWhilePaused, ''));
  }
  return out;
}

export async function runMode(mode: Mode, n: number, limits: BurstLimits, progress: (line: string) => void): Promise<ModeResult> {
  const world = await startBurstWorld(mode, limits);
  try {
    const storage = new Storage({ apiEndpoint: world.emulators.env.STORAGE_EMULATOR_HOST, projectId: 'burst' });
    const names = Array.from({ length: n }, (_, i) => `burst/object-${String(i).padStart(5, '0')}.txt`);
    const generations = new Map<string, string>();
    const resources: Record<string, unknown>[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = next++; i < n; i = next++) {
          const file = storage.bucket(world.bucket).file(names[i]);
          await file.save(Buffer.alloc(OBJECT_BYTES, `${names[i]} `), { resumable: false, validation: false });
          generations.set(names[i], String(file.metadata.generation));
          resources.push({ ...file.metadata });
        }
      }),
    );
    progress(`${mode}: ${n} objects written; their ${n} events arrive now`);
    const started = Date.now();
    world.arrive(resources);
    let lastReport = Date.now();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const inDrive = backups(world).size;
      const quiet = mode === 'direct' ? acknowledged(world) + world.abandoned >= n : inDrive >= n && queueEmpty(world);
      if (quiet || Date.now() - started > MODE_TIMEOUT_MS) break;
      if (Date.now() - lastReport >= 15_000) {
        lastReport = Date.now();
        progress(`${mode}: ${inDrive}/${n} in Drive after ${((Date.now() - started) / 1000).toFixed(0)} s`);
      }
    }
    const result = measure(world, names, generations, started);
    progress(`${mode}: drained in ${(result.drainMs / 1000).toFixed(1)} s, ${result.lost} lost`);
    return result;
  } finally {
    await world.stop();
  }
}

/** Live Drive files of the burst, by object name. */
function backups(world: BurstWorld) {
  const byName = new Map<string, { generation: string; revisions: number; createdMs: number }[]>();
  for (const f of world.emulators.drive.listAll()) {
    const name = f.appProperties['gdb.object'];
    if (name === undefined || f.trashed) continue;
    const list = byName.get(name) ?? [];
    list.push({ generation: f.appProperties['gdb.generation'] ?? '', revisions: f.revisions, createdMs: Date.parse(f.createdTime) });
    byName.set(name, list);
  }
  return byName;
}

const ok = (status: number) => status >= 200 && status < 300;
const acknowledged = (world: BurstWorld) => world.events.exchanges.filter((e) => ok(e.status)).length;
const queueEmpty = (world: BurstWorld) => world.emulators.tasks.stats().every((q) => q.tasksCount === 0);

function measure(world: BurstWorld, names: string[], generations: Map<string, string>, started: number): ModeResult {
  const files = backups(world);
  let lost = 0;
  let duplicates = 0;
  let lastLanded = started;
  for (const name of names) {
    const copies = files.get(name) ?? [];
    if (!copies.some((c) => c.generation === generations.get(name))) lost++;
    duplicates += Math.max(0, copies.length - 1) + copies.reduce((sum, c) => sum + Math.max(0, c.revisions - 1), 0);
    for (const c of copies) lastLanded = Math.max(lastLanded, c.createdMs);
  }
  const exchanges = [...world.events.exchanges, ...(world.worker?.exchanges ?? [])];
  const refusals = world.drive.exchanges.filter((e) => e.status === 403 || e.status === 429);
  const pauses = pauseWindows(world);
  return {
    mode: world.mode,
    invocations: exchanges.length,
    non2xx: exchanges.filter((e) => !ok(e.status)).length,
    driveRefusals: refusals.length,
    dailyLimitRefusals: refusals.filter((e) => e.message === 'User rate limit exceeded.').length,
    drainMs: lastLanded - started,
    lost,
    duplicates,
    abandoned: world.abandoned,
    pauses: world.lines.filter((l) => l.event === 'queuePaused').length,
    resumes: world.lines.filter((l) => l.event === 'queueResumed').length,
    dispatchesWhilePaused: pauses.dispatches,
    timeline: timeline(world, started),
    pausedSeconds: pauses.windows.map(([from, to]) => [seconds(from - started), seconds(to - started)]),
  };
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

function timeline(world: BurstWorld, started: number): ModeResult['timeline'] {
  const rows = new Map<number, { second: number; uploaded: number; refused: number }>();
  for (const e of world.drive.exchanges) {
    if (e.method !== 'POST' || !e.path.startsWith('/upload/')) continue;
    const second = Math.floor((e.answeredAtMs - started) / 1000);
    const row = rows.get(second) ?? { second, uploaded: 0, refused: 0 };
    if (ok(e.status)) row.uploaded++;
    else if (e.status === 403 || e.status === 429) row.refused++;
    rows.set(second, row);
  }
  return [...rows.values()].sort((a, b) => a.second - b.second);
}

/** When the queue was paused (from a pause's answer to its resume's request), and the dispatches sent meanwhile. */
function pauseWindows(world: BurstWorld): { windows: [number, number][]; dispatches: number } {
  if (!world.tasks || !world.queue) return { windows: [], dispatches: 0 };
  const verb = (e: { path: string }) => /:(pause|resume)(\?|$)/.exec(e.path)?.[1];
  const calls = world.tasks.exchanges.filter((e) => e.method === 'POST' && verb(e) !== undefined && ok(e.status));
  const windows: [number, number][] = [];
  let pausedAt: number | undefined;
  for (const call of [...calls].sort((a, b) => a.sentAtMs - b.sentAtMs)) {
    if (verb(call) === 'pause') pausedAt ??= call.answeredAtMs;
    else if (pausedAt !== undefined) {
      windows.push([pausedAt, call.sentAtMs]);
      pausedAt = undefined;
    }
  }
  if (pausedAt !== undefined) windows.push([pausedAt, Date.now()]);
  const dispatches = world.emulators.tasks.dispatches({ queue: world.queue });
  return { windows, dispatches: dispatches.filter((d) => windows.some(([from, to]) => d.atMs > from && d.atMs < to)).length };
}
