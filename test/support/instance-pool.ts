/**
 * For tests that run the event function with several configurations against one world: starts function
 * instances (child processes) with extra environment, writes objects, lists live backups, and stops
 * everything at the end.
 */
import type { World } from './world.js';
import { startInstances, type FunctionInstance } from './function-server.js';

/** The object resource an event carries (all of GCS's fields; these are the ones tests read). */
export interface ObjectResource {
  bucket: string;
  name: string;
  generation: string;
  [field: string]: unknown;
}

export class InstancePool {
  private readonly running: FunctionInstance[] = [];

  constructor(private readonly world: () => World) {}

  /** A new event-function instance with `env` on top of the world's; its URL. */
  async start(env: Record<string, string> = {}, onLog?: (line: string) => void): Promise<string> {
    const [fn] = await startInstances('backupOnFinalize', 1, { ...this.world().env, ...env }, onLog);
    this.running.push(fn);
    return fn.url;
  }

  /** Writes an object to the source bucket (one request) and returns its resource, as an event carries it. */
  async write(name: string, content: string | Buffer): Promise<ObjectResource> {
    const world = this.world();
    const file = world.storage.bucket(world.sourceBucket).file(name);
    await file.save(content, { resumable: false });
    const [metadata] = await file.getMetadata();
    return metadata as ObjectResource;
  }

  /** Untrashed Drive backups of an object. */
  live(name: string) {
    return this.world()
      .emulators.drive.listAll()
      .filter((f) => f.appProperties['gdb.object'] === name && !f.trashed);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.running.splice(0).map((i) => i.stop()));
  }
}
