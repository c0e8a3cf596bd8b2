/**
 * How the worker answers a task (`POST /backup` dispatched by Cloud Tasks), and how the event function
 * answers when the queue refuses a task, through the real entry points: a generation deleted since the event
 * is acknowledged as skipped; a body that can never be valid is acknowledged with one ERROR line; Drive's
 * rate limit is answered 429 at once (one Drive request per dispatch, no retry inside the invocation) and
 * the queue's retry backs the object up; a missing queue is one operator line and the event is retried.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTasksHarness, type TasksHarness } from './harness.js';

let h: TasksHarness;
before(async () => {
  h = await startTasksHarness({ queue: { rateLimits: { maxDispatchesPerSecond: 5, maxConcurrentDispatches: 1 } } });
});
after(() => h.close());

test('a generation deleted since its event: acknowledged, skipped', async () => {
  const old = await h.upload('w/deleted.txt', 'first');
  await h.world.storage
    .bucket(old.bucket)
    .file(old.name, { generation: Number(old.generation) })
    .delete();
  const reply = await h.dispatch('t-gone', { bucket: old.bucket, name: old.name, generation: old.generation });
  assert.equal(reply.status, 200);
  const line = h.lines('objectOutcome').find((l) => l.name === old.name);
  assert.deepEqual([line?.outcome, line?.reason], ['skipped', 'generation-gone']);
  assert.equal(h.backups(old.name).length, 0);
});

test('a task body that can never be valid: acknowledged with one ERROR line', async () => {
  const reply = await h.dispatch('t-bad', { bucket: 'Not A Bucket', name: '' });
  assert.equal(reply.status, 200);
  const line = h.lines('malformedEvent').find((l) => l.id === 't-bad');
  assert.equal(line?.severity, 'ERROR');
  assert.deepEqual(h.lines('httpRequestRejected'), []);
});

test("Drive's rate limit: 429 at once, and the queue's retry backs the object up", async () => {
  const hub = h.world.emulators.hub;
  hub.resetCounters();
  for (const nth of [1, 2])
    hub.faults.add({
      route: 'drive.upload.create',
      nth,
      action: {
        kind: 'status',
        status: 403,
        body: {
          error: { code: 403, message: 'User Rate Limit Exceeded', errors: [{ domain: 'usageLimits', reason: 'userRateLimitExceeded' }] },
        },
      },
    });
  const object = await h.upload('w/limited.txt', 'limited');
  assert.equal(await h.sendFinalized(object), 204);
  await h.clock.advance(60_000);
  const attempts = h.dispatches().filter((d) => d.task.endsWith(String(h.lines('backupEnqueued').at(-1)?.task)));
  assert.deepEqual(
    attempts.map((d) => d.status),
    [429, 429, 200],
  );
  assert.equal(hub.counters()['drive.upload.create'], 3, 'one Drive request per dispatch: no retry inside the invocation');
  assert.equal(h.backups(object.name).length, 1);
  assert.deepEqual(h.lines('retrying'), []);
});

test('the queue refuses the task (NOT_FOUND): one operator line, the event is retried', async () => {
  h.world.emulators.hub.faults.add({
    route: 'tasks.tasks.create',
    action: { kind: 'status', status: 404, body: { error: { code: 404, status: 'NOT_FOUND', message: 'Queue does not exist.' } } },
  });
  const object = await h.upload('w/no-queue.txt', 'x');
  const status = await h.sendFinalized(object);
  assert.ok(status >= 500, `the event is retried (${status})`);
  const line = h.lines('operatorActionRequired').find((l) => l.name === object.name);
  assert.deepEqual([line?.problemCode, line?.service], ['tasks-queue-missing', 'cloud-tasks']);
  assert.equal(await h.sendFinalized(object), 204, 'the redelivery enqueues');
  await h.clock.advance(1000);
  assert.equal(h.backups(object.name).length, 1);
});
