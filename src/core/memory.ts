/**
 * Keeping a long transfer's memory flat. Every network read allocates a Buffer; one that lives long enough
 * to reach V8's old generation (a read-ahead queue is enough) is freed only by a full garbage collection,
 * which V8 starts late: on a 1 GiB copy the instance would carry tens of MiB of dead buffers. Collecting
 * on a fixed schedule costs more than the copy itself (a full collection of this heap takes tens of ms),
 * so the transfer tells this collector how many bytes moved and it collects only once the memory held by
 * buffers grew past a bound since the last collection. Needs `gc` (Terraform sets
 * `NODE_OPTIONS=--expose-gc --max-semi-space-size=2`); without it, it does nothing.
 */

export interface CollectorOptions {
  /** Collect once buffers hold this much more than after the last collection. Default 16 MiB. */
  maxGrowthBytes?: number;
  /** How often (in bytes moved) to look at the buffers' memory. Default 1 MiB. */
  checkEveryBytes?: number;
  /** The memory held by buffers now. Default `process.memoryUsage().arrayBuffers`. */
  bufferBytes?: () => number;
  gc?: () => void;
}

const MiB = 1024 * 1024;

/** Returns `moved(bytes)`, to call as bytes move: collects when buffers grew past the bound. */
export function garbageCollectorFor(options: CollectorOptions = {}): (bytes: number) => void {
  const gc = options.gc ?? (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return () => undefined;
  const maxGrowth = options.maxGrowthBytes ?? 16 * MiB;
  const every = options.checkEveryBytes ?? MiB;
  const bufferBytes = options.bufferBytes ?? (() => process.memoryUsage().arrayBuffers);
  let baseline = bufferBytes();
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < every) return;
    since = 0;
    if (bufferBytes() - baseline < maxGrowth) return;
    gc();
    baseline = bufferBytes();
  };
}
