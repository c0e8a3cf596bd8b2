/**
 * A complete little world for end-to-end tests of the product: the five emulators, a source bucket, a
 * state bucket, a Drive root folder owned by the seeded user, and the authorized-user secret — plus the
 * product environment pointing at all of it (seeded by sandbox/seed.ts, as `npm start` does). Tests drive
 * the real function through functions-framework. Google's rate limits (Drive's create rate and daily
 * upload bytes, Cloud Storage's per-object mutation rate) are off so verdicts never depend on timing; a
 * test about one turns it on through `world.emulators.hub.limits.set(...)`. Structural limits stay on.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Storage } from '@google-cloud/storage';
import type { drive_v3 } from '@googleapis/drive';
import { RATE_LIMITS_OFF, startEmulators, type Clock, type EmulatorLimits, type Emulators } from '@gcs-drive-backup/emulators';
import type { TasksEmulatorOptions } from '@gcs-drive-backup/emulators/tasks/index.js';
import { seedEmulators } from '../../sandbox/seed.js';

export interface World {
  emulators: Emulators;
  storage: Storage;
  drive: drive_v3.Drive;
  sourceBucket: string;
  stateBucket: string;
  rootFolderId: string;
  secretName: string;
  /** The product's environment. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface WorldOptions {
  /** Limits on top of RATE_LIMITS_OFF (they also survive `hub.reset()`), e.g. `{ drive: { folderChildren: 50 } }`. */
  limits?: EmulatorLimits;
  /** The clock every emulator reads, Cloud Tasks' dispatches included (a ManualClock: time moves when a test moves it). */
  clock?: Clock;
  /** The Cloud Tasks emulator's randomness. */
  tasks?: TasksEmulatorOptions;
}

export async function createWorld(extraEnv: Record<string, string> = {}, options: WorldOptions = {}): Promise<World> {
  const limits: EmulatorLimits = {};
  for (const section of new Set([...Object.keys(RATE_LIMITS_OFF), ...Object.keys(options.limits ?? {})])) {
    limits[section] = { ...(RATE_LIMITS_OFF as EmulatorLimits)[section], ...options.limits?.[section] };
  }
  const emulators = await startEmulators({ limits, clock: options.clock, tasks: options.tasks });
  const storage = new Storage({ apiEndpoint: emulators.env.STORAGE_EMULATOR_HOST, projectId: 'test' });
  const sourceBucket = 'source-bucket';
  const stateBucket = 'state-bucket';
  const secretName = 'projects/test/secrets/drive-token';
  const seeded = await seedEmulators(emulators, { sourceBucket, stateBucket, secretName, project: 'test', rootFolderName: 'GCS backup' });
  const { drive, rootFolderId } = seeded;
  const env: Record<string, string> = { ...seeded.env, ...extraEnv };
  return { emulators, storage, drive, sourceBucket, stateBucket, rootFolderId, secretName, env, stop: () => emulators.stop() };
}

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

export function uniqueId(): string {
  return randomBytes(6).toString('hex');
}

/** The Drive path of a file: folder names from the root down, then the file name. */
export function drivePath(world: World, fileId: string): string[] {
  const all = world.emulators.drive.listAll();
  const byId = new Map(all.map((f) => [f.id, f]));
  const path: string[] = [];
  let current = byId.get(fileId);
  while (current && current.id !== world.rootFolderId) {
    path.unshift(current.name);
    current = byId.get(current.parents[0] ?? '');
  }
  return path;
}
