/**
 * Drive's daily upload limit with DISPATCH=tasks, through the real entry points: the
 * worker that meets it pauses the queue through Cloud Tasks and records when it may resume (one ERROR line,
 * no operator line per task), the paused queue dispatches nothing however long it stays paused, the tick
 * (`POST /reconcile {"queueOnly": true}`) resumes it once that time has passed (one INFO line), and every
 * object then reaches Drive once. Drive's window and the queue share one ManualClock; the product's pause
 * (UPLOAD_LIMIT_PAUSE_SEC=1) is wall time, waited for on its recorded end, not on a guess.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTasksHarness, type TasksHarness } from './harness.js';

const OBJECTS = 6;
const SIZE = 1000;
/** Drive takes three objects' worth of bytes per (virtual) minute. */
const DAILY = { bytes: 3 * SIZE, resetAfterMs: 60_000 };

let h: TasksHarness;
before(async () => {
  h = await startTasksHarness({
    // One at a time, so exactly the fourth upload meets the limit.
    queue: { rateLimits: { maxDispatchesPerSecond: 5, maxConcurrentDispatches: 1 } },
    limits: { drive: { dailyUpload: DAILY } },
    env: { UPLOAD_LIMIT_PAUSE_SEC: '1' },
  });
});
after(() => h.close());

async function queueState(): Promise<string> {
  const [queue] = await h.client.getQueue({ name: h.queue });
  return String(queue.state);
}

test('the daily limit pauses the queue, nothing is dispatched while it is paused, and the tick resumes it', async () => {
  await h.client.pauseQueue({ name: h.queue });
  const names: string[] = [];
  for (let i = 0; i < OBJECTS; i++) {
    const object = await h.upload(`daily/${i}.bin`, Buffer.alloc(SIZE, i));
    names.push(object.name);
    assert.equal(await h.sendFinalized(object), 204);
  }
  await h.client.resumeQueue({ name: h.queue });
  await h.clock.advance(5_000);

  // Three uploads fit; the fourth met the limit and paused the queue.
  assert.equal(names.filter((n) => h.backups(n).length === 1).length, 3);
  assert.equal(await queueState(), 'PAUSED');
  const paused = h.lines('queuePaused');
  assert.equal(paused.length, 1, 'one ERROR line at the pause');
  assert.equal(paused[0].severity, 'ERROR');
  assert.equal(paused[0].problemCode, 'drive-daily-limit');
  assert.equal(paused[0].queue, 'backup');
  assert.deepEqual(h.lines('operatorActionRequired'), [], 'no operator line per task');
  assert.deepEqual(
    h.dispatches().map((d) => d.status),
    [200, 200, 200, 503],
  );
  const resumeAt = Date.parse(String(paused[0].resumeAt));
  const record = await h.world.storage.bucket(h.world.stateBucket).file('gcs-drive-backup/queue-pause/backup').getMetadata();
  assert.equal(
    (JSON.parse(String(record[0].metadata?.record)) as { resumeAtMs: number }).resumeAtMs,
    resumeAt,
    'the state bucket records when it may resume',
  );

  // A paused queue sends nothing, whatever time passes (Drive's window resets meanwhile).
  const sent = h.dispatches().length;
  await h.clock.advance(10 * 60_000);
  assert.equal(h.dispatches().length, sent, 'no dispatch while paused');
  assert.equal(h.stats().tasksCount, OBJECTS - 3);

  // The tick: once the recorded time has passed, it resumes the queue.
  while (Date.now() <= resumeAt) await new Promise((resolve) => setTimeout(resolve, resumeAt + 5 - Date.now()));
  const tick = await h.post('/reconcile', { queueOnly: true });
  assert.equal(tick.status, 200);
  assert.deepEqual(tick.body.queue, { queue: 'backup', state: 'resumed', resumeAt: paused[0].resumeAt });
  assert.equal(await queueState(), 'RUNNING');
  const resumed = h.lines('queueResumed');
  assert.equal(resumed.length, 1, 'one INFO line at the resume');
  assert.equal(resumed[0].severity, 'INFO');

  const again = await h.post('/reconcile', { queueOnly: true });
  assert.deepEqual(again.body.queue, { queue: 'backup', state: 'running' });
  assert.equal(h.lines('queueResumed').length, 1, 'a second tick has nothing to resume');

  await h.clock.advance(60_000);
  for (const name of names) assert.equal(h.backups(name).length, 1, `${name} backed up once`);
  assert.equal(h.stats().tasksCount, 0);
  assert.equal(h.lines('queuePaused').length, 1);
});
