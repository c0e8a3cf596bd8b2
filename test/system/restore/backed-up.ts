/**
 * The tasks-mode restore tests' starting point: the tasks harness with one restore target, and `count`
 * objects written and backed up through the queue (the queue's ManualClock moved a second at a time until
 * each has its one Drive file).
 */
import assert from 'node:assert/strict';
import { testBytes } from '../../support/world.js';
import { startTasksHarness, type HarnessOptions, type TasksHarness } from '../tasks/harness.js';

export const SECOND = 1000;

export interface BackedUp {
  h: TasksHarness;
  /** Name → content of every object backed up, in the order written. */
  objects: Map<string, Buffer>;
}

export async function backedUpInTasksMode(options: {
  target: string;
  count: number;
  /** The i-th object's name (default `set/<i>.bin`) and size in bytes. */
  name?: (i: number) => string;
  size: (i: number) => number;
  queue?: HarnessOptions['queue'];
}): Promise<BackedUp> {
  const h = await startTasksHarness({ env: { RESTORE_BUCKETS: options.target }, ...(options.queue ? { queue: options.queue } : {}) });
  await h.world.storage.createBucket(options.target);
  const objects = new Map<string, Buffer>();
  for (let i = 0; i < options.count; i++) {
    const name = options.name?.(i) ?? `set/${i}.bin`;
    const content = testBytes(options.size(i), name);
    assert.equal(await h.sendFinalized(await h.upload(name, content)), 204);
    objects.set(name, content);
  }
  const pending = () => [...objects.keys()].some((n) => h.backups(n).length === 0);
  for (let s = 0; s < options.count + 10 && pending(); s++) await h.clock.advance(SECOND);
  for (const name of objects.keys()) assert.equal(h.backups(name).length, 1, `${name} backed up`);
  return { h, objects };
}
