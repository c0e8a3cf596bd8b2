/**
 * A canary of `verify` in DISPATCH=tasks, through the real entry points (event function → task → `POST
 * /backup`): outside INCLUDE_PREFIXES it is still enqueued and backed up, as on the direct path, because the
 * event's custom metadata marks it and the worker reads the same generation's metadata again. An unmarked
 * object in the canary prefix, and a marked one outside it, stay filtered; reconcile never enqueues a
 * canary. The Cloud Tasks emulator runs on a ManualClock: every verdict is a count.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CANARY_METADATA_KEY } from '../../../src/backup/select.js';
import { backupTaskId } from '../../../src/tasks/task-name.js';
import { startTasksHarness, type TasksHarness } from './harness.js';

let h: TasksHarness;
before(async () => {
  h = await startTasksHarness({ env: { INCLUDE_PREFIXES: 'reports/' } });
});
after(() => h.close());

const PREFIX = '.gcs-drive-backup-canary/';
const MARK = { [CANARY_METADATA_KEY]: 'verify-run-1' };

test('a canary outside INCLUDE_PREFIXES is enqueued by the event function and backed up by its task', async () => {
  const canary = await h.upload(`${PREFIX}canary-1.txt`, 'canary', MARK);
  const created = h.stats().counters.created;
  assert.equal(await h.sendFinalized(canary), 204);
  assert.equal(h.stats().counters.created - created, 1, 'one task');
  assert.deepEqual(
    h.lines('backupEnqueued').map((l) => [l.name, l.task]),
    [[canary.name, backupTaskId(canary)]],
  );

  await h.clock.advance(1000);
  const dispatched = h.dispatches().filter((d) => d.task.endsWith(backupTaskId(canary)));
  assert.deepEqual(
    dispatched.map((d) => d.status),
    [200],
  );
  const files = h.backups(canary.name);
  assert.equal(files.length, 1, 'backed up whatever INCLUDE_PREFIXES says');
  assert.equal(files[0].appProperties['gdb.generation'], canary.generation);
  const outcome = h.lines('objectOutcome').filter((l) => l.name === canary.name);
  assert.deepEqual(
    outcome.map((l) => l.outcome),
    ['uploaded'],
  );
});

test('the filters still apply: no task for an unmarked object in the canary prefix, nor a marked one outside it', async () => {
  const unmarked = await h.upload(`${PREFIX}mine.txt`, 'user data');
  const elsewhere = await h.upload('elsewhere/marked.txt', 'not a canary', MARK);
  const created = h.stats().counters.created;
  for (const object of [unmarked, elsewhere]) assert.equal(await h.sendFinalized(object), 204);
  assert.equal(h.stats().counters.created, created, 'no task');
  for (const object of [unmarked, elsewhere]) {
    const lines = h.lines('objectOutcome').filter((l) => l.name === object.name);
    assert.deepEqual(
      lines.map((l) => [l.outcome, l.reason]),
      [['skipped', 'not-included']],
      object.name,
    );
  }
});

test('reconcile never enqueues a canary', async () => {
  const canary = await h.upload(`${PREFIX}left-behind.txt`, 'an interrupted verify', MARK);
  const created = h.stats().counters.created;
  const run = await h.post('/reconcile', { prefix: PREFIX });
  assert.equal(run.status, 200, JSON.stringify(run.body));
  assert.equal(run.body.enqueued, 0, JSON.stringify(run.body));
  assert.equal(h.stats().counters.created, created, 'no task');
  assert.equal(h.backups(canary.name).length, 0);
});
