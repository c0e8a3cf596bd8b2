/**
 * Reconcile's API economy, measured against the emulators: 5,000 objects of which 4,500 are already
 * backed up (45 folders of 100); the 500 missing are 250 spread over those folders and 250 in 5 new
 * folders. Prints the emulator's request counters for the catching-up run and for a run after it,
 * where nothing is left to do. Goal: Drive list calls ≤ ⌈5000/1000⌉ + one per new folder, and no
 * per-object Drive lookup. Run: `npx tsx bench/reconcile-economy.ts` (about a minute).
 */
import { createLogger } from '../src/core/logs.js';
import { buildRuntime } from '../src/runtime/runtime.js';
import { createDeadline } from '../src/core/time-budget.js';
import { reconcileBucket } from '../src/reconcile/reconcile.js';
import { createWorld } from '../test/support/world.js';

async function main(): Promise<void> {
  const world = await createWorld({ RECONCILE_PARALLELISM: '16' });
  const bucket = world.storage.bucket(world.sourceBucket);
  const write = async (names: string[]) => {
    for (let i = 0; i < names.length; i += 200) {
      await Promise.all(names.slice(i, i + 200).map((n) => bucket.file(n).save(`content of ${n}`, { resumable: false })));
    }
  };
  const quiet = createLogger({ write: () => undefined });
  // A fresh runtime per run, as a new function instance would have: no folder ids cached.
  const run = async () => {
    const runtime = await buildRuntime(world.env, quiet);
    const started = Date.now();
    const report = await reconcileBucket(
      runtime,
      { bucket: world.sourceBucket, prefix: '', dryRun: false, maxSeconds: Infinity },
      {
        objectDeadline: () => createDeadline(runtime.config.deadlineMs),
      },
    );
    return { report, seconds: (Date.now() - started) / 1000 };
  };

  const existing = Array.from({ length: 4500 }, (_, i) => `data/f${String(i % 45).padStart(2, '0')}/o${String(i).padStart(5, '0')}`);
  const scattered = Array.from({ length: 250 }, (_, i) => `data/f${String(i % 45).padStart(2, '0')}/late${String(i).padStart(4, '0')}`);
  const newFolders = Array.from({ length: 250 }, (_, i) => `data/new${i % 5}/o${String(i).padStart(4, '0')}`);

  process.stdout.write('writing and backing up 4,500 objects...\n');
  await write(existing);
  const seed = await run();
  process.stdout.write(`  seeded: ${seed.report.uploaded} uploaded in ${seed.seconds.toFixed(1)} s\n`);

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
