/**
 * Keeping a long transfer's memory near one chunk. Every network read allocates a Buffer; V8 frees their
 * memory only in a full garbage collection, which it starts once about 64 MiB of such buffers are
 * pending — on a 1 GiB copy the instance then carries that much dead memory on top of its chunk. When the
 * runtime exposes `gc` (Terraform sets `NODE_OPTIONS=--expose-gc --max-semi-space-size=2`), a long
 * transfer collects after every chunk instead; a full collection of this small heap takes a few ms.
 */
const COLLECT_EVERY_BYTES = 8 * 1024 * 1024;

/** Counts transferred bytes and collects garbage every COLLECT_EVERY_BYTES, when `gc` is exposed. */
export function garbageCollectorFor(bytesBetween = COLLECT_EVERY_BYTES): (bytes: number) => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return () => undefined;
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < bytesBetween) return;
    since = 0;
    gc();
  };
}
