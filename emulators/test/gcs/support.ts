/**
 * Test support for the Cloud Storage emulator's tests: deterministic pseudo-random content, hashes as GCS
 * reports them, and a stream collector.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { CRC32C } from '@google-cloud/storage';
import { createGcsEmulator, type GcsEmulator } from '../../gcs/index.js';
import { ControlHub, startServiceServer } from '../../harness/server.js';
import { RATE_LIMITS_OFF } from '../../limits.js';

/** Deterministic pseudo-random bytes (xorshift32 over 32-bit words). */
export function pseudoRandomBytes(size: number, seed: number): Buffer {
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return Buffer.from(words.buffer, 0, size);
}

export function md5Base64(buf: Buffer): string {
  return createHash('md5').update(buf).digest('base64');
}

export function crc32cBase64(buf: Buffer): string {
  const c = new CRC32C();
  c.update(buf);
  return c.toString();
}

export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Starts only the Cloud Storage emulator on the shared harness (same server code as `startEmulators()`),
 * for benchmarks and tests that must not depend on the other emulators. Rate limits are off.
 */
export async function startGcsEmulatorOnly(): Promise<{
  hub: ControlHub;
  gcs: GcsEmulator;
  env: { STORAGE_EMULATOR_HOST: string };
  stop(): Promise<void>;
}> {
  const hub = new ControlHub({ limits: RATE_LIMITS_OFF });
  const gcs = createGcsEmulator(hub);
  const server = await startServiceServer({ service: 'gcs', routes: gcs.routes, hub, renderError: gcs.renderError });
  gcs.setBaseUrl(server.url);
  return { hub, gcs, env: { STORAGE_EMULATOR_HOST: server.url }, stop: () => server.close() };
}
