/**
 * Keeping a long transfer's memory flat without paying for it in speed. Every network read allocates a
 * Buffer whose bytes live outside V8's heap; V8 frees a dead one only when a collection finds it, and it
 * schedules collections by what its heap allocates, not by these bytes: on a 1 GiB copy the instance
 * would carry tens of MiB of dead buffers before V8 reacts. So the transfer tells this collector how many
 * bytes moved, and it collects when the memory held by buffers grew past a bound:
 *
 * - a young-generation collection (`gc({ type: 'minor' })`, about a millisecond: it visits only what was
 *   allocated since the last one) once buffers grew `minorGrowthBytes` since the last collection. Most
 *   read buffers die young, so this frees nearly all of them;
 * - a full collection only when, after that, buffers still hold `majorGrowthBytes` more than the last
 *   full one left: dead buffers that reached the old generation. A full collection marks the whole heap
 *   (the client libraries: tens of ms of CPU), so doing one per bound, as this module first did, cost
 *   more CPU than the copy itself.
 *
 * Measured on a 1 GiB copy (`npm run bench -- memory throughput`): one full collection per
 * 16 MiB took 20 s of the instance's CPU and 0.63× the raw pipe's speed; minor first, full rarely, 6.7 s
 * and the raw pipe's speed, at a lower peak RSS growth. Needs `gc` (Terraform sets
 * `NODE_OPTIONS=--expose-gc --max-semi-space-size=2`); without it, it does nothing.
 */

export interface CollectorOptions {
  /** A young-generation collection once buffers hold this much more than after the last collection. Default 8 MiB. */
  minorGrowthBytes?: number;
  /** A full collection once buffers, after a young one, hold this much more than after the last full one. Default 32 MiB. */
  majorGrowthBytes?: number;
  /** How often (in bytes moved) to look at the buffers' memory. Default 1 MiB. */
  checkEveryBytes?: number;
  /** The memory held by buffers now. Default `process.memoryUsage().arrayBuffers`. */
  bufferBytes?: () => number;
  /** V8's `gc` as `--expose-gc` gives it. */
  gc?: (options: { type: 'minor' | 'major' }) => void;
}

const MiB = 1024 * 1024;

/** Returns `moved(bytes)`, to call as bytes move: collects when buffers grew past the bounds. */
export function garbageCollectorFor(options: CollectorOptions = {}): (bytes: number) => void {
  const gc = options.gc ?? (globalThis as { gc?: CollectorOptions['gc'] }).gc;
  if (typeof gc !== 'function') return () => undefined;
  const minorGrowth = options.minorGrowthBytes ?? 8 * MiB;
  const majorGrowth = options.majorGrowthBytes ?? 32 * MiB;
  const every = options.checkEveryBytes ?? MiB;
  const bufferBytes = options.bufferBytes ?? (() => process.memoryUsage().arrayBuffers);
  /** Buffers' memory after the last collection, and after the last full one. */
  let afterLast = bufferBytes();
  let afterFull = afterLast;
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < every) return;
    since = 0;
    if (bufferBytes() - afterLast < minorGrowth) return;
    gc({ type: 'minor' });
    if (bufferBytes() - afterFull >= majorGrowth) {
      gc({ type: 'major' });
      afterFull = bufferBytes();
    }
    afterLast = bufferBytes();
  };
}
