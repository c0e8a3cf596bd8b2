/**
 * The benchmarks' knobs, parsed from the environment by a pure function (nothing read at import):
 *   BENCH_LARGE_MIB            size of the large object of `memory`, `throughput` and `peer` (default 1024)
 *   BENCH_CHUNK_MIB            UPLOAD_CHUNK_MIB of the function, and the raw pipe's PUT size (default 256; the product's
 *                            default is 1024, one PUT per object up to 1 GiB, which `distance` measures: `peer`'s cut
 *                            needs more than one chunk in the large object)
 *   BENCH_REPETITIONS          repetitions of each repeated measurement (default 3)
 *   BENCH_COLDSTART_RUNS       fresh processes per module in `coldstart`, at least 5 (default 7)
 *   BENCH_SMALL_OBJECTS        new objects backed up by `requests` (default 20)
 *   BENCH_CONCURRENCY_OBJECTS  small objects per pass of `concurrency` (default 200)
 *   BENCH_RECONCILE_OBJECTS    bucket size of `reconcile-scale`'s large case; the small case is a tenth (default 100000)
 *   BENCH_BURST_OBJECTS        objects of the `burst` (default 2000; the daily limit lets 60% through)
 *   BENCH_BURST_PAUSE_SEC      how long the daily window outlasts a client at the cap, and the queue's pause (default 60)
 *   BENCH_COST_OBJECTS         small objects per mode of `cost`, scaled to 1,000 (default 300)
 *   BENCH_COST_LARGE_MIB       the large object of `cost`, scaled to per GiB (default 512)
 *   BENCH_CALM_OBJECTS         objects of `burst`'s calm row, one every 2 s per mode (default 50)
 *   BENCH_RESTORE_OBJECTS      small objects restored per pass of `restore` (default 2000)
 *   BENCH_DISTANCE_MIB         the object of `distance` (default 512, or BENCH_LARGE_MIB when that is smaller)
 *   BENCH_DISTANCE_CHUNK_MIB   UPLOAD_CHUNK_MIB of `distance`'s function (default: unset, the product's default)
 */
export interface BenchOptions {
  largeBytes: number;
  chunkMib: number;
  repetitions: number;
  coldstartRuns: number;
  smallObjects: number;
  concurrencyObjects: number;
  reconcileObjects: number;
  burstObjects: number;
  burstPauseSec: number;
  costObjects: number;
  costLargeBytes: number;
  calmObjects: number;
  restoreObjects: number;
  distanceBytes: number;
  /** undefined: the product's default chunk. */
  distanceChunkMib?: number;
}

const MiB = 1024 * 1024;

export function parseBenchOptions(env: Record<string, string | undefined>): BenchOptions {
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const text = env[name]?.trim();
    if (text === undefined || text === '') return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
    return n;
  };
  const reconcileObjects = integer('BENCH_RECONCILE_OBJECTS', 100_000, 10_000, 1_000_000);
  if (reconcileObjects % 10_000 !== 0) throw new Error(`BENCH_RECONCILE_OBJECTS must be a multiple of 10000, got ${reconcileObjects}`);
  const largeMib = integer('BENCH_LARGE_MIB', 1024, 1, 4096);
  const distanceChunkMib = integer('BENCH_DISTANCE_CHUNK_MIB', 0, 0, 1024);
  return {
    largeBytes: largeMib * MiB,
    chunkMib: integer('BENCH_CHUNK_MIB', 256, 1, 1024),
    repetitions: integer('BENCH_REPETITIONS', 3, 1, 15),
    coldstartRuns: integer('BENCH_COLDSTART_RUNS', 7, 5, 51),
    smallObjects: integer('BENCH_SMALL_OBJECTS', 20, 1, 500),
    concurrencyObjects: integer('BENCH_CONCURRENCY_OBJECTS', 200, 16, 5000),
    reconcileObjects,
    burstObjects: integer('BENCH_BURST_OBJECTS', 2000, 10, 10_000),
    burstPauseSec: integer('BENCH_BURST_PAUSE_SEC', 60, 5, 3600),
    costObjects: integer('BENCH_COST_OBJECTS', 300, 10, 10_000),
    costLargeBytes: integer('BENCH_COST_LARGE_MIB', 512, 1, 4096) * MiB,
    calmObjects: integer('BENCH_CALM_OBJECTS', 50, 3, 1000),
    restoreObjects: integer('BENCH_RESTORE_OBJECTS', 2000, 16, 20_000),
    distanceBytes: integer('BENCH_DISTANCE_MIB', Math.min(512, largeMib), 1, 4096) * MiB,
    ...(distanceChunkMib === 0 ? {} : { distanceChunkMib }),
  };
}
