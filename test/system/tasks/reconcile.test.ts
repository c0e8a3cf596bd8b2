/**
 * Reconcile with DISPATCH=tasks, through `POST /reconcile`: it lists and diffs as in
 * direct mode but enqueues what is missing instead of copying it (nothing reaches Drive until the queue
 * runs the tasks), a second run queues nothing twice (the tasks are named after the object generations),
 * a Drive copy the user deleted is restored by its task, and the cursor and time budget still apply.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTasksHarness, type TasksHarness } from './harness.js';

let h: TasksHarness;
before(async () => {
  // A small upload's claim keeps its lease until it runs out (its record is not rewritten on success), and
  // a restore waits for it: two seconds instead of sixty.
  h = await startTasksHarness({ env: { LEASE_SEC: '2' } });
});
after(() => h.close());

const names = ['r/a.txt', 'r/b.txt', 'r/sub/c.txt', 'r/sub/d.txt', 'r/e.txt'];

test('reconcile enqueues the missing objects instead of copying them', async () => {
  await h.client.pauseQueue({ name: h.queue });
  for (const name of names) await h.upload(name, `content of ${name}`); // no events: only reconcile sees them
  const created = h.stats().counters.created;

  const first = await h.post('/reconcile', {});
  assert.equal(first.status, 200);
  assert.deepEqual([first.body.scanned, first.body.enqueued, first.body.uploaded, first.body.failed, first.body.done], [5, 5, 0, 0, true]);
  assert.equal(h.world.emulators.drive.listAll().filter((f) => f.appProperties['gdb.object']).length, 0, 'nothing copied');
  assert.equal(h.stats().counters.created - created, 5);
  assert.equal(h.stats().tasksCount, 5);
  const finished = h.lines('reconcileFinished').at(-1);
  assert.equal(finished?.enqueued, 5);

  const second = await h.post('/reconcile', {});
  assert.equal(second.body.enqueued, 5, 'still missing in Drive, so handed over again');
  assert.equal(h.stats().counters.created - created, 5, '...but the tasks are there: none created');
  assert.deepEqual(
    h
      .lines('backupEnqueued')
      .map((l) => l.created)
      .filter((c) => c === false).length,
    5,
  );

  await h.client.resumeQueue({ name: h.queue });
  await h.clock.advance(10_000);
  for (const name of names) assert.equal(h.backups(name).length, 1, name);
  const third = await h.post('/reconcile', {});
  assert.deepEqual([third.body.enqueued, third.body.skipped], [0, 5], 'all in Drive now: nothing to do');
});

test("a Drive copy the user deleted is restored by reconcile's task", async () => {
  const [file] = h.backups('r/e.txt');
  await h.world.drive.files.delete({ fileId: file.id });
  // The de-duplication window of the first task's name has to pass before the same generation's task again.
  await h.clock.advance(2 * 3600_000);
  const run = await h.post('/reconcile', {});
  assert.deepEqual([run.body.enqueued, run.body.skipped], [1, 4]);
  const line = h.lines('backupEnqueued').at(-1);
  assert.deepEqual([line?.name, line?.created, line?.restoreMissing], ['r/e.txt', true, true]);
  await h.clock.advance(10_000);
  const restored = h.backups('r/e.txt');
  assert.equal(restored.length, 1);
  assert.notEqual(restored[0].id, file.id, 'a new file');
});

test('the cursor and the time budget stay: a run that is out of time continues where it stopped', async () => {
  await h.client.pauseQueue({ name: h.queue });
  for (let i = 0; i < 4; i++) await h.upload(`budget/${i}.txt`, `budget ${i}`);
  // A budget of a millisecond: each run hands over at least one object, then stops with its cursor.
  let enqueued = 0;
  let runs = 0;
  for (let done = false; !done && runs < 20; runs++) {
    const run = await h.post('/reconcile', { prefix: 'budget/', maxSeconds: 0.001 });
    assert.equal(run.status, 200);
    enqueued += Number(run.body.enqueued);
    done = run.body.done === true;
    if (!done) assert.equal(typeof run.body.cursor, 'string');
  }
  assert.equal(enqueued, 4, `every object handed over once across ${runs} runs`);
  await h.client.resumeQueue({ name: h.queue });
  await h.clock.advance(10_000);
  for (let i = 0; i < 4; i++) assert.equal(h.backups(`budget/${i}.txt`).length, 1);
});
