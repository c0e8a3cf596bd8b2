/**
 * DISPATCH=tasks through the real entry points: the event function does no Drive work
 * and enqueues one task per object generation, so three deliveries of one event make one task; Cloud Tasks
 * running a task twice still gives one Drive file; the queue dispatches at its rate, and the worker's
 * `POST /backup` keeps up with it. The Cloud Tasks emulator runs on a ManualClock: every verdict is a count.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backupTaskId } from '../../../src/tasks/task-name.js';
import { startTasksHarness, type TasksHarness } from './harness.js';

let h: TasksHarness;

before(async () => {
  h = await startTasksHarness({ queue: { rateLimits: { maxDispatchesPerSecond: 2, maxConcurrentDispatches: 4 } } });
});
after(() => h.close());
beforeEach(async () => {
  h.world.emulators.tasks.setDuplicates({ probability: 0, mode: 'after' });
  await h.client.resumeQueue({ name: h.queue });
  await h.clock.advance(60_000); // whatever an earlier test left runs out, and the token bucket fills up
});

const SECOND = 1000;

describe('the event path enqueues', () => {
  test('three deliveries of one event (and one redelivered later) become one task and one Drive file', async () => {
    await h.client.pauseQueue({ name: h.queue });
    const object = await h.upload('dup/three.txt', 'three times');
    const before = h.stats().counters.created;
    const eventId = 'event-3x';
    const statuses = await Promise.all([1, 2, 3].map(() => h.sendFinalized(object, eventId)));
    assert.deepEqual(statuses, [204, 204, 204], 'every delivery is acknowledged');
    assert.equal(await h.sendFinalized(object, 'another-event-same-generation'), 204);

    assert.equal(h.stats().counters.created - before, 1, 'one task created');
    assert.equal(h.stats().tasksCount, 1);
    const enqueued = h.lines('backupEnqueued').filter((l) => l.name === object.name);
    assert.deepEqual(enqueued.map((l) => l.created).sort(), [false, false, false, true]);
    assert.ok(enqueued.every((l) => l.task === backupTaskId(object)));
    assert.equal(h.backups(object.name).length, 0, 'the event function did no Drive work');

    await h.client.resumeQueue({ name: h.queue });
    await h.clock.advance(SECOND);
    const files = h.backups(object.name);
    assert.equal(files.length, 1);
    assert.equal(files[0].revisions, 1);
    assert.deepEqual(
      h
        .dispatches()
        .filter((d) => d.task.endsWith(backupTaskId(object)))
        .map((d) => d.status),
      [200],
      'one dispatch, acknowledged',
    );
  });

  test('a filtered-out object gets its skipped line and no task', async () => {
    // The harness's environment has no filters; a folder placeholder is never backed up.
    const object = await h.upload('a-folder/', '');
    const before = h.stats().counters.created;
    assert.equal(await h.sendFinalized(object), 204);
    assert.equal(h.stats().counters.created, before);
    assert.ok(h.lines('objectOutcome').some((l) => l.name === 'a-folder/' && l.outcome === 'skipped'));
  });
});

describe('duplicate task executions', () => {
  for (const mode of ['after', 'concurrent'] as const) {
    test(`a task run twice (${mode}) gives one file`, async () => {
      h.world.emulators.tasks.setDuplicates({ probability: 1, mode });
      const object = await h.upload(`dup/run-twice-${mode}.bin`, Buffer.alloc(3000, 7));
      assert.equal(await h.sendFinalized(object), 204);
      await h.clock.advance(SECOND);
      const attempts = h.dispatches().filter((d) => d.task.endsWith(backupTaskId(object)));
      assert.deepEqual(
        attempts.map((d) => [d.duplicate, d.status]),
        [
          [false, 200],
          [true, 200],
        ],
      );
      const files = h.backups(object.name);
      assert.equal(files.length, 1, 'one Drive file');
      assert.equal(files[0].revisions, 1, 'one revision');
      const outcomes = h.lines('objectOutcome').filter((l) => l.name === object.name);
      assert.deepEqual(outcomes.map((l) => l.outcome).sort(), ['skipped', 'uploaded']);
    });
  }
});

describe('the rate', () => {
  test('the queue dispatches at its rate (2/s, burst 1) and every task ends in one file', async () => {
    await h.client.pauseQueue({ name: h.queue });
    const objects = [];
    for (let i = 0; i < 9; i++) objects.push(await h.upload(`rate/${i}.txt`, `object ${i}`));
    for (const object of objects) assert.equal(await h.sendFinalized(object), 204);
    const since = h.dispatches().length;
    await h.client.resumeQueue({ name: h.queue });
    await h.clock.settle();
    const counts = [h.dispatches().length - since];
    for (let s = 1; s <= 5; s++) {
      await h.clock.advance(SECOND);
      counts.push(h.dispatches().length - since);
    }
    assert.deepEqual(counts, [1, 3, 5, 7, 9, 9], 'one at once (the burst), then two a second');
    const times = h
      .dispatches()
      .slice(since)
      .map((d) => d.atMs);
    assert.ok(
      times.slice(1).every((t, i) => t - times[i] === 500),
      'one dispatch every 500 ms',
    );
    for (const object of objects) assert.equal(h.backups(object.name).length, 1, object.name);
  });
});
