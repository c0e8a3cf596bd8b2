/**
 * Repetition statistics shared by the benchmarks: each measured quantity is taken several times in one run
 * (3 by default, BENCH_REPETITIONS) and reported as min, median and max, so one noisy sample on a shared
 * machine shows as spread instead of passing for the figure.
 */

export interface Stats {
  min: number;
  median: number;
  max: number;
  /** The samples in the order they were taken. */
  values: number[];
}

export function summarize(values: readonly number[]): Stats {
  if (values.length === 0) throw new Error('no samples to summarize');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted.at(-1)!, values: [...values] };
}

/** `f` of every sample, summarized afresh (so a decreasing `f`, seconds → MiB/s, is fine). */
export function mapStats(stats: Stats, f: (value: number) => number): Stats {
  return summarize(stats.values.map(f));
}

/** Runs `run` `times` times in a row (never in parallel: they would share the cores). */
export async function repeat<T>(times: number, run: (repetition: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let repetition = 0; repetition < times; repetition++) results.push(await run(repetition));
  return results;
}

/**
 * Runs `a` and `b` of one repetition, `a` first in odd repetitions and `b` first in even ones, so that a
 * load that drifts during the run weighs on both: their results as `[a's, b's]`.
 */
export async function bothInTurn<A, B>(repetition: number, a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> {
  if (repetition % 2 === 1) {
    const first = await a();
    return [first, await b()];
  }
  const first = await b();
  return [await a(), first];
}
