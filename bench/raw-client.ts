/**
 * The few steps every raw baseline client of the benchmarks repeats (raw-pipe.ts, raw-restore-pipe.ts,
 * peer-process.ts): the emulators' addresses and credentials, one token refresh at the
 * OAuth emulator, a resumable session opened by a raw POST, and a download cut into chunk-sized buffers.
 * Minimal on purpose: no retries, no state, as the baselines measure the least work.
 */

/** The OAuth client and refresh token a raw client refreshes its access token with. */
export interface RawCredentials {
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** The emulators a raw client talks to, and its credentials. */
export interface RawEmulators extends RawCredentials {
  storageUrl: string;
  driveUrl: string;
}

/** One token refresh at the OAuth emulator: the access token. */
export async function refreshAccessToken(o: RawCredentials): Promise<string> {
  const response = await fetch(`${o.oauthUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: o.clientId,
      client_secret: o.clientSecret,
      refresh_token: o.refreshToken,
    }),
  });
  if (!response.ok) throw new Error(`token refresh answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Opens a resumable upload session (Drive's or Cloud Storage's) with one POST of `metadata`: its URI. */
export async function openResumableSession(url: string, headers: Record<string, string>, metadata: object): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
    body: JSON.stringify(metadata),
  });
  await response.arrayBuffer();
  const location = response.headers.get('location');
  if (!response.ok || !location) throw new Error(`opening the upload session answered ${response.status}`);
  return location;
}

/**
 * Copies `body` into `buffer` and hands each full buffer, then the last part, to `put` (told its length);
 * `put` sends `buffer.subarray(0, length)` before the buffer is filled again.
 */
export async function inBuffers(body: AsyncIterable<Uint8Array>, buffer: Buffer, put: (length: number) => Promise<void>): Promise<void> {
  let filled = 0;
  for await (const piece of body) {
    let at = 0;
    while (at < piece.length) {
      const n = Math.min(piece.length - at, buffer.length - filled);
      buffer.set(piece.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === buffer.length) {
        await put(filled);
        filled = 0;
      }
    }
  }
  if (filled > 0) await put(filled);
}

/** The running emulators as the benchmarks' worlds hold them: their addresses and the seeded OAuth client. */
interface SeededEmulators {
  env: { STORAGE_EMULATOR_HOST: string; DRIVE_EMULATOR_HOST: string; OAUTH_EMULATOR_HOST: string };
  seed: { clientId: string; clientSecret: string; refreshToken: string };
}

/** What a raw client needs to reach `emulators` with the seeded refresh token. */
export function rawEmulators({ env, seed }: SeededEmulators): RawEmulators {
  return {
    storageUrl: env.STORAGE_EMULATOR_HOST,
    driveUrl: env.DRIVE_EMULATOR_HOST,
    oauthUrl: env.OAUTH_EMULATOR_HOST,
    clientId: seed.clientId,
    clientSecret: seed.clientSecret,
    refreshToken: seed.refreshToken,
  };
}
