/**
 * Test support (not a test) for the end-to-end tests of Drive's and Cloud Storage's limits: a world with
 * some of Google's limits set low (test/support/world.ts), event-function instances (child processes
 * running the real entry module) whose JSON log lines are collected, and the two verdicts every such
 * test gives: each object backed up exactly once, byte-exact (zero lost, zero duplicated), and the log
 * lines asking the operator to act.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { objectNameOf } from '../../../src/drive/object-path.js';
import { deliverUntilAcked } from '../../support/function-server.js';
import { InstancePool, type ObjectResource } from '../../support/instance-pool.js';
import { createWorld, type World, type WorldOptions } from '../../support/world.js';

export type LogLine = Record<string, unknown> & { severity: string; message: string; event?: string; reason?: string };

/** The log events that ask the operator to act (the log contract's ERROR lines with a problemCode). */
export const OPERATOR_EVENTS = ['operatorActionRequired', 'reauthorizeRequired', 'permanentFailure'];

export class LimitsHarness {
  readonly logs: LogLine[] = [];
  readonly pool: InstancePool;
  private listeners: Array<(line: LogLine) => void> = [];

  private constructor(readonly world: World) {
    this.pool = new InstancePool(() => this.world);
  }

  static async start(env: Record<string, string> = {}, options: WorldOptions = {}): Promise<LimitsHarness> {
    return new LimitsHarness(await createWorld(env, options));
  }

  /** A new event-function instance (its own process: no cache shared) with `env` on top of the world's. */
  instance(env: Record<string, string> = {}): Promise<string> {
    return this.pool.start(env, (text) => {
      if (!text.startsWith('{')) return;
      const line = JSON.parse(text) as LogLine;
      this.logs.push(line);
      for (const listen of this.listeners) listen(line);
    });
  }

  /** Calls `listen` for every log line from now on. */
  onLog(listen: (line: LogLine) => void): void {
    this.listeners.push(listen);
  }

  write(name: string, content: string | Buffer, contentType?: string): Promise<ObjectResource> {
    if (contentType === undefined) return this.pool.write(name, content);
    const file = this.world.storage.bucket(this.world.sourceBucket).file(name);
    return file.save(content, { resumable: false, contentType }).then(async () => (await file.getMetadata())[0] as ObjectResource);
  }

  /** Delivers an object's event until the function acknowledges it, as Eventarc retries; the statuses seen. */
  deliver(url: string, object: ObjectResource, id?: string): Promise<number[]> {
    return deliverUntilAcked(url, object, 20, id);
  }

  /** The lines of one log event. */
  lines(event: string): LogLine[] {
    return this.logs.filter((l) => l.event === event);
  }

  /** The lines asking the operator to act. */
  operatorLines(): LogLine[] {
    return this.logs.filter((l) => OPERATOR_EVENTS.includes(String(l.event)));
  }

  /** Untrashed Drive files backing up `name` (found by the full name in their appProperties). */
  backupsOf(name: string) {
    return this.world.emulators.drive.listAll().filter((f) => !f.trashed && objectNameOf(f.appProperties) === name);
  }

  /** Zero lost, zero duplicated: every object has exactly one live backup holding its bytes. */
  assertEachOnce(objects: ReadonlyArray<{ name: string; content: Buffer | string }>): void {
    for (const { name, content } of objects) {
      const files = this.backupsOf(name);
      assert.equal(files.length, 1, `${name}: ${files.length} live backups`);
      assert.equal(files[0].md5Checksum, createHash('md5').update(content).digest('hex'), `${name}: content`);
    }
  }

  async stop(): Promise<void> {
    await this.pool.stopAll();
    await this.world.stop();
  }
}
