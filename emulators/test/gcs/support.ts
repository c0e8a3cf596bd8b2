/**
 * Test support for the Cloud Storage emulator's tests: deterministic pseudo-random content, hashes as GCS
 * reports them, and a stream collector.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { CRC32C, Storage, type Bucket } from '@google-cloud/storage';
import { createGcsEmulator, type GcsEmulator } from '../../gcs/index.js';
import { ControlHub, startServiceServer } from '../../harness/server.js';
import { RATE_LIMITS_OFF } from '../../limits.js';
import { startEmulators, type Emulators, type StartOptions } from '../../index.js';
import { failure } from '../support.js';

export { pseudoRandomBytes } from '../support.js';

/** A `@google-cloud/storage` client of the emulators' Cloud Storage, retries off so each refusal is seen once. */
export function storageOf(emu: Pick<Emulators, 'env'>): Storage {
  return new Storage({ apiEndpoint: emu.env.STORAGE_EMULATOR_HOST, projectId: 'test', retryOptions: { autoRetry: false } });
}

/** Starts the emulators (rate limits off unless `options` say otherwise) with a bucket named `name`. */
export async function startWithBucket(
  name: string,
  options: StartOptions = {},
): Promise<{ emu: Emulators; storage: Storage; bucket: Bucket }> {
  const emu = await startEmulators({ limits: RATE_LIMITS_OFF, ...options });
  const storage = storageOf(emu);
  const [bucket] = await storage.createBucket(name);
  return { emu, storage, bucket };
}

/** The error of a refused `@google-cloud/storage` call. */
export interface ApiError {
  code?: number;
  message: string;
  errors?: Array<{ reason?: string }>;
}

/** The error `promise` (a `@google-cloud/storage` call) fails with; fails the test if it succeeds. */
export const refusal = (promise: Promise<unknown>): Promise<ApiError> => failure<ApiError>(promise);

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
