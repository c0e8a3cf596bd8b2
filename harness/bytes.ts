/** Deterministic object contents for tests and benchmarks: the same name gives the same bytes, fast. */
import { createHash } from 'node:crypto';

/** Deterministic pseudo-random bytes (fast: a hash chain stretched by repetition). */
export function testBytes(size: number, seed = 'seed'): Buffer {
  const out = Buffer.allocUnsafe(size);
  let block = createHash('sha256').update(seed).digest();
  for (let off = 0; off < size; off += block.length) {
    block.copy(out, off, 0, Math.min(block.length, size - off));
    if ((off & 0xffff) === 0) block = createHash('sha256').update(block).digest();
  }
  return out;
}

export const md5Hex = (buf: Buffer): string => createHash('md5').update(buf).digest('hex');
