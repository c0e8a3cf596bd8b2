/**
 * The backup queue's pause record (src/tasks/queue-pause.ts): its two decisions by table, then the record
 * against the Cloud Storage and Cloud Tasks emulators through the official clients, on an injected clock:
 * of workers that hit the limit together exactly one pauses the queue, a tick before the recorded time
 * leaves it paused and one after resumes it, of ticks that run together exactly one resumes it, and a
 * pause that Cloud Tasks refused leaves no pause in force.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Storage } from '@google-cloud/storage';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '@gcs-drive-backup/emulators';
import { createStorage } from '../../../src/gcs/client.js';
import { createStorageGateway } from '../../../src/gcs/gateway.js';
import { pauseDecision, QueuePause, tickDecision, type PauseRecord } from '../../../src/tasks/queue-pause.js';
import { StateStore } from '../../../src/state/store.js';
import { createTasksClient } from '../../../src/tasks/client.js';
import { BackupQueue, createTasksGateway } from '../../../src/tasks/backup-queue.js';
import { LOCATION, queueName, tasksClient, type TasksClient } from '@gcs-drive-backup/emulators/test/tasks/support.js';

describe('pauseDecision and tickDecision', () => {
  const at = (resumeAtMs: number, resumedAtMs?: number): PauseRecord => ({ pausedAtMs: 0, resumeAtMs, reason: 'r', resumedAtMs });
  const rows: [title: string, record: PauseRecord | undefined, now: number, pause: string, tick: string][] = [
    ['no record', undefined, 100, 'pause', 'running'],
    ['a pause in force', at(200), 100, 'already-paused', 'wait'],
    ['a pause whose time has come', at(200), 200, 'pause', 'resume'],
    ['a pause long over, not yet resumed', at(200), 10_000, 'pause', 'resume'],
    ['a pause resumed already', at(200, 250), 300, 'pause', 'running'],
    ['resumed early by hand: history', at(500, 250), 300, 'pause', 'running'],
  ];
  for (const [title, record, now, pause, tick] of rows) {
    test(title, () => assert.deepEqual([pauseDecision(record, now), tickDecision(record, now)], [pause, tick]));
  }
});

describe('QueuePause against the emulators', () => {
  let emulators: Emulators;
  let storage: Storage;
  let admin: TasksClient;
  let now = Date.UTC(2030, 0, 1);
  let n = 0;
  const PAUSE_MS = 60_000;

  before(async () => {
    emulators = await startEmulators({ limits: RATE_LIMITS_OFF });
    storage = createStorage({ emulators: { storage: emulators.env.STORAGE_EMULATOR_HOST } });
    await storage.createBucket('state');
    admin = tasksClient(emulators.env.CLOUD_TASKS_EMULATOR_HOST);
  });
  after(async () => {
    await admin.close();
    await emulators.stop();
  });
  beforeEach(() => {
    now = Date.UTC(2030, 0, 1);
  });

  /** A fresh queue (unless `existing` is false) and the pause of one instance over it. */
  async function setup(existing = true) {
    const id = `q${++n}`;
    if (existing) await admin.createQueue({ parent: LOCATION, queue: { name: queueName(id) } });
    const target = { queue: queueName(id), targetUrl: 'http://127.0.0.1:1/backup', serviceAccount: 'd@p.iam.gserviceaccount.com' };
    const client = createTasksClient({ emulators: { tasks: emulators.env.CLOUD_TASKS_EMULATOR_HOST } });
    const queue = new BackupQueue(
      createTasksGateway(() => client, { sleep: () => Promise.resolve() }),
      target,
    );
    const store = new StateStore(createStorageGateway('state', storage), 'state', 'prefix/');
    const instance = () => new QueuePause({ store, queue, pauseMs: PAUSE_MS, now: () => now });
    const state = async () => String((await admin.getQueue({ name: target.queue }))[0].state);
    return { instance, state, close: () => client.close() };
  }

  test('workers that hit the limit together: one pauses the queue, all see the same end', async () => {
    const s = await setup();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => s.instance().pause('Drive replied 403')));
    assert.equal(outcomes.filter((o) => o.byThisCall).length, 1);
    assert.deepEqual(new Set(outcomes.map((o) => o.record.resumeAtMs)), new Set([now + PAUSE_MS]));
    assert.equal(await s.state(), 'PAUSED');
    await s.close();
  });

  test('a tick before the recorded time leaves the queue paused; one after resumes it; one more finds it running', async () => {
    const s = await setup();
    await s.instance().pause('limit');
    now += PAUSE_MS - 1;
    assert.equal((await s.instance().tick()).state, 'paused');
    assert.equal(await s.state(), 'PAUSED');
    now += 1;
    const resumed = await s.instance().tick();
    assert.equal(resumed.state, 'resumed');
    assert.equal(await s.state(), 'RUNNING');
    assert.equal((await s.instance().tick()).state, 'running');
    // The next limit pauses again, from now.
    const again = await s.instance().pause('limit again');
    assert.deepEqual([again.byThisCall, again.record.resumeAtMs], [true, now + PAUSE_MS]);
    assert.equal(await s.state(), 'PAUSED');
    await s.close();
  });

  test('ticks that run together: one resumes the queue', async () => {
    const s = await setup();
    await s.instance().pause('limit');
    now += PAUSE_MS;
    const ticks = await Promise.all(Array.from({ length: 4 }, () => s.instance().tick()));
    assert.equal(ticks.filter((t) => t.state === 'resumed').length, 1, JSON.stringify(ticks));
    assert.equal(await s.state(), 'RUNNING');
    await s.close();
  });

  test('a pause Cloud Tasks refused (no such queue) leaves no pause in force: the next worker tries again', async () => {
    const s = await setup(false);
    await assert.rejects(s.instance().pause('limit'), (err: { code?: number }) => err.code === 5);
    const record = await s.instance().read();
    assert.equal(pauseDecision(record, now), 'pause');
    assert.equal((await s.instance().tick()).state, 'running');
    await s.close();
  });
});
