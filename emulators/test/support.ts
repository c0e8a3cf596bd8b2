/**
 * Test support shared by the emulators' contract tests of every service: deterministic bytes, the error
 * a client call fails with, and the REST-fallback options of the gax clients (Secret Manager, Cloud
 * Tasks) with a static token. Each service's own helpers (gcs/support.ts, drive/helpers.ts,
 * tasks/support.ts) build on these.
 */
import assert from 'node:assert/strict';
import { OAuth2Client } from 'google-auth-library';

/** Deterministic pseudo-random bytes (xorshift32 over 32-bit words), fast enough for tens of MiB. */
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

/** The error `promise` rejects with; fails the test if it fulfils. */
export async function failure<E = Error>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (err) {
    return err as E;
  }
  assert.fail('expected the call to fail');
}

/** The gRPC code and message of a gax client's failed call (REST fallback decodes google.rpc.Status itself). */
export async function rpcFailure(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  const e = await failure<{ code?: number; message: string }>(p);
  assert.equal(typeof e.code, 'number', `expected a gax error with a code, got: ${e.message}`);
  return { code: e.code as number, message: e.message };
}

/**
 * Options of a gax client (`new SecretManagerServiceClient(…)`, `new v2.CloudTasksClient(…)`) in REST
 * fallback against an emulator's `http://127.0.0.1:PORT`, authenticated by a static access token so no
 * Application Default Credentials lookup (metadata server, gcloud files) ever happens.
 */
export function restFallbackOptions(baseUrl: string) {
  const url = new URL(baseUrl);
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'emulator', expiry_date: Date.now() + 10 * 365 * 24 * 3600 * 1000 });
  return { fallback: true as const, apiEndpoint: url.hostname, port: Number(url.port), protocol: 'http', authClient };
}
