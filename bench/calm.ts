/**
 * The `burst` benchmark's calm row: a quiet bucket, one small object every 2 s, through one mode's world
 * (burst-world.ts, the same functions, bridge and queue as the burst, Drive far from its limits). Per
 * object, the time from its upload to Cloud Storage (the write answered, its finalize event handed to
 * the bridge at once) to the product's `objectOutcome` line saying `uploaded`, which it writes after the
 * Drive file is verified (src/backup/pipeline.ts). It shows what each mode costs a lone object: direct
 * backs it up in the event's own invocation, tasks adds the queue hop, auto should cost what direct does.
 */
import { Storage } from '@google-cloud/storage';
import { startBurstWorld, type BurstLimits, type Mode } from './burst-world.js';
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

const OBJECT_BYTES = 1024;
/** How long the last object may take before it counts as missing. */
const LAST_WAIT_MS = 60_000;
const POLL_MS = 5;

/** Drive as generous as a quiet day: the burst's create cap, and a daily limit this row never reaches. */
export function calmLimits(burst: BurstLimits, objects: number): BurstLimits {
  return { ...burst, dailyBytes: objects * OBJECT_BYTES * 100, windowMs: 24 * 3600_000 };
}

export async function runCalm(
  mode: Mode,
  objects: number,
  everyMs: number,
  limits: BurstLimits,
  progress: (line: string) => void,
): Promise<CalmResult> {
  const world = await startBurstWorld(mode, limits);
  try {
    const storage = new Storage({ apiEndpoint: world.emulators.env.STORAGE_EMULATOR_HOST, projectId: 'burst' });
    const uploadedAt = new Map<string, number>();
    const landedAt = new Map<string, number>();
    let seen = 0;
    const watch = setInterval(() => {
      for (; seen < world.lines.length; seen++) {
        const line = world.lines[seen];
        if (line.event === 'objectOutcome' && line.outcome === 'uploaded' && typeof line.name === 'string' && !landedAt.has(line.name))
          landedAt.set(line.name, Date.now());
      }
    }, POLL_MS);
    try {
      const started = Date.now();
      for (let i = 0; i < objects; i++) {
        const due = started + i * everyMs;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
        const name = `calm/object-${String(i).padStart(4, '0')}.txt`;
        const file = storage.bucket(world.bucket).file(name);
        await file.save(Buffer.alloc(OBJECT_BYTES, `${name} `), { resumable: false, validation: false });
        uploadedAt.set(name, Date.now());
        world.arrive([{ ...file.metadata }]);
      }
      const until = Date.now() + LAST_WAIT_MS;
      while (landedAt.size < objects && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      clearInterval(watch);
    }
    const latenciesMs = [...uploadedAt].flatMap(([name, at]) => (landedAt.has(name) ? [landedAt.get(name)! - at] : []));
    const result: CalmResult = {
      mode,
      objects,
      latenciesMs,
      latency: summarize(latenciesMs.length > 0 ? latenciesMs : [NaN]),
      missing: objects - latenciesMs.length,
    };
    const { min, median, max } = result.latency;
    progress(`calm ${mode}: upload to verified Drive file ${min}…${median}…${max} ms (min…median…max), ${result.missing} missing`);
    return result;
  } finally {
    await world.stop();
  }
}
