/**
 * The emulators alone, seeded as a deployment (harness/function-world.ts with no function served), for
 * tests that drive the product otherwise (the CLI, a gateway) or start their functions through the world's
 * `startFunction`; and small helpers of those tests (deterministic bytes, a file's Drive path).
 */
import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import type { ObjectResource } from '../../harness/deliver.js';
import { startFunctionWorld, type FunctionWorld, type FunctionWorldOptions } from '../../harness/function-world.js';

export type World = FunctionWorld;
export type WorldOptions = Pick<FunctionWorldOptions, 'limits' | 'clock' | 'tasks' | 'targets' | 'env'>;

/** The five emulators, seeded, Google's rate limits off; `env` is the product's environment with `extraEnv` on top. */
export function createWorld(extraEnv: Record<string, string> = {}, options: WorldOptions = {}): Promise<World> {
  return startFunctionWorld({ env: extraEnv, ...options });
}

/**
 * One world for the whole test file, started before its first test and stopped after its last; the
 * functions' instances start per configuration through `world().startFunction('event', env)`.
 */
export function worldForFile(options: WorldOptions = {}): () => World {
  let world: World | undefined;
  before(async () => {
    world = await createWorld({}, options);
  });
  after(() => world?.stop());
  return () => world ?? assertNever('the world is not started yet');
}

function assertNever(message: string): never {
  throw new Error(message);
}

/** Writes an object to the source bucket (one request); its resource, as an event carries it. */
export async function writeObject(
  world: World,
  name: string,
  content: string | Buffer,
  options: { contentType?: string; metadata?: Record<string, string> } = {},
): Promise<ObjectResource> {
  const file = world.storage.bucket(world.sourceBucket).file(name);
  await file.save(content, {
    resumable: false,
    ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
    ...(options.metadata !== undefined ? { metadata: { metadata: options.metadata } } : {}),
  });
  const [metadata] = await file.getMetadata();
  return metadata as ObjectResource;
}

/** Untrashed Drive backups of an object (by its name in their appProperties). */
export function liveBackups(world: World, name: string) {
  return world.emulators.drive.listAll().filter((f) => f.appProperties['gdb.object'] === name && !f.trashed);
}

export { md5Hex, testBytes } from '../../harness/bytes.js';

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
