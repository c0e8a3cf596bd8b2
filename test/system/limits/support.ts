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
import { deliverUntilAcked, type ObjectResource } from '../../../harness/deliver.js';
import type { LogEntry } from '../../../harness/log-capture.js';
import { createWorld, writeObject, type World, type WorldOptions } from '../../support/world.js';

export type LogLine = LogEntry;

/** The log events that ask the operator to act (the log contract's ERROR lines with a problemCode). */
export const OPERATOR_EVENTS = ['operatorActionRequired', 'reauthorizeRequired', 'permanentFailure'];

export class LimitsHarness {
  private constructor(readonly world: World) {}

  static async start(env: Record<string, string> = {}, options: WorldOptions = {}): Promise<LimitsHarness> {
    return new LimitsHarness(await createWorld(env, options));
  }

  /** Every log line of the instances started so far, parsed. */
  get logs(): LogLine[] {
    return this.world.logs.entries;
  }

  /** A new event-function instance (its own process: no cache shared) with `env` on top of the world's; its URL. */
  async instance(env: Record<string, string> = {}): Promise<string> {
    return (await this.world.startFunction('event', env)).url;
  }

  /** Calls `listen` for every log line from now on. */
  onLog(listen: (line: LogLine) => void): void {
    this.world.logs.onEntry(listen);
  }

  write(name: string, content: string | Buffer, contentType?: string): Promise<ObjectResource> {
    return writeObject(this.world, name, content, contentType !== undefined ? { contentType } : {});
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

  stop(): Promise<void> {
    return this.world.stop();
  }
}
