/**
 * Keeping a long reconcile's memory flat. Each backup and each listing page leaves garbage behind (request
 * and response objects, parsed pages), and with the small young generation Terraform sets
 * (`--max-semi-space-size=2`) most of it is promoted to the old generation, which V8 lets grow by more
 * than 100 MiB before it collects: measured with `npm run bench -- reconcile-scale`, a run's resident
 * memory rose by ~150 MiB whether the bucket held 10,000 objects or 100,000, while what it keeps alive is
 * a few MiB (the Drive index, one listing page, the backups in flight). When the runtime exposes `gc`
 * (Terraform sets `--expose-gc`), the run collects after every `every` units of work instead — a full
 * collection of this heap takes a few milliseconds. Without `gc` this does nothing.
 */

/** Units of work a backup counts for; a listed object counts for one. */
export const BACKUP_UNITS = 20;
/** Collect after this many units: every 50 backups, or every listing page of 1,000 objects left alone. */
export const COLLECT_EVERY_UNITS = 1000;

export function heapCollector(every = COLLECT_EVERY_UNITS, gc = (globalThis as { gc?: () => void }).gc): (units: number) => void {
  if (typeof gc !== 'function') return () => undefined;
  let since = 0;
  return (units) => {
    since += units;
    if (since < every) return;
    since = 0;
    gc();
  };
}
