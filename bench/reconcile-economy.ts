/**
 * Reconcile's API economy, measured against the emulators: 5,000 objects of which 4,500 are already
 * backed up (45 folders of 100); the 500 missing are 250 spread over those folders and 250 in 5 new
 * folders. Prints the emulator's request counters for the catching-up run and for a run after it,
 * where nothing is left to do. Each run is one `POST /reconcile` on a new HTTP function instance (its own
 * process: no folder ids cached), as a new instance would serve Cloud Scheduler's call. Goal: Drive list
 * calls ≤ ⌈5000/1000⌉ + one per new folder, and no per-object Drive lookup.
 * Run: `npx tsx bench/reconcile-economy.ts` (about a minute).
 */
import { startFunctionWorld } from '../harness/function-world.js';
import { startHttpInstance } from './child-instance.js';
import { postJson } from './post-json.js';

async function main(): Promise<void> {
  const world = await startFunctionWorld({
    env: { RECONCILE_PARALLELISM: '16', FUNCTION_TIMEOUT_SEC: '3600', RECONCILE_MAX_SECONDS: '3570' },
  });
  const bucket = world.storage.bucket(world.sourceBucket);
  const write = async (names: string[]) => {
    for (let i = 0; i < names.length; i += 200) {
      await Promise.all(names.slice(i, i + 200).map((n) => bucket.file(n).save(`content of ${n}`, { resumable: false })));
    }
  };
  const run = async () => {
    const instance = await startHttpInstance(world.env);
    try {
      const started = Date.now();
      const reply = await postJson(`${instance.url}/reconcile`, {});
      if (reply.status !== 200) throw new Error(`POST /reconcile answered ${reply.status}: ${JSON.stringify(reply.json)}`);
      return { report: reply.json, seconds: (Date.now() - started) / 1000 };
    } finally {
      await instance.stop();
    }
  };

  const existing = Array.from({ length: 4500 }, (_, i) => `data/f${String(i % 45).padStart(2, '0')}/o${String(i).padStart(5, '0')}`);
  const scattered = Array.from({ length: 250 }, (_, i) => `data/f${String(i % 45).padStart(2, '0')}/late${String(i).padStart(4, '0')}`);
  const newFolders = Array.from({ length: 250 }, (_, i) => `data/new${i % 5}/o${String(i).padStart(4, '0')}`);

  process.stdout.write('writing and backing up 4,500 objects...\n');
  await write(existing);
  const seed = await run();
  process.stdout.write(`  seeded: ${String(seed.report.uploaded)} uploaded in ${seed.seconds.toFixed(1)} s\n`);

  await write([...scattered, ...newFolders]);
  world.emulators.hub.resetCounters();
  const catchUp = await run();
  const catchUpCounters = world.emulators.hub.counters();

  world.emulators.hub.resetCounters();
  const idle = await run();
  const idleCounters = world.emulators.hub.counters();

  const line = (title: string, r: typeof catchUp, counters: Record<string, number>) => {
    const { scanned, uploaded, skipped, failed, driveIndexSize } = r.report;
    return `${title}: ${JSON.stringify({ scanned, uploaded, skipped, failed, driveIndexSize, seconds: r.seconds })}\n  requests: ${JSON.stringify(counters)}\n`;
  };
  process.stdout.write(line('5,000 objects, 4,500 backed up', catchUp, catchUpCounters));
  process.stdout.write(line('5,000 objects, all backed up', idle, idleCounters));
  process.stdout.write(
    `goal: drive.files.list ≤ ${Math.ceil(5000 / 1000)} + one per new folder (5) = 10; per-object Drive lookups (files.get) = 0\n`,
  );
  await world.stop();
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  },
);
