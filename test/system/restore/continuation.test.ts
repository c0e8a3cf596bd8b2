/**
 * A tasks-mode `POST /restore` whose caller goes away after its first call still ends, through the real
 * entry points: the call's share of the catalog ends early (a tiny `maxSeconds`, so each call lists one
 * batch), and the function enqueues its own continuation (one task per restore and cursor), which walks on
 * and fans out the rest. Nothing posts `{"id"}` again; the Cloud Tasks emulator runs on a ManualClock this
 * test moves, and dispatches every task twice: each object is restored once and each cursor continued once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sourceKey } from '../../../src/drive/object-path.js';
import { restoreContinueTaskId } from '../../../src/tasks/task-name.js';
import type { TasksHarness } from '../tasks/harness.js';
import { backedUpInTasksMode, SECOND } from './backed-up.js';

let h: TasksHarness;
let objects: Map<string, Buffer>;
const TARGET = 'continued-alone';
/** More than one fan-out batch (16 tasks created at once), so the first call cannot list them all. */
const COUNT = 40;

before(async () => {
  ({ h, objects } = await backedUpInTasksMode({
    target: TARGET,
    count: COUNT,
    name: (i) => `set/${String(i).padStart(2, '0')}.bin`,
    size: (i) => 64 + i,
    queue: { rateLimits: { maxDispatchesPerSecond: 50, maxConcurrentDispatches: 8 } },
  }));
});
after(() => h.close());

test('a tasks-mode restore left by its caller after one call is continued by the function itself, to the end, once', async () => {
  h.world.emulators.tasks.setDuplicates({ probability: 1, mode: 'after' });
  const started = await h.post('/restore', { to: `gs://${TARGET}/`, maxSeconds: 0.000001 });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  assert.deepEqual([started.body.mode, started.body.listed], ['tasks', false], 'one batch listed');
  assert.equal(started.body.continues, true);
  const id = String(started.body.id);
  assert.match(String(started.body.resume), /^the function continues restore [0-9a-f]{32} by itself/);

  const restored = async () => (await h.world.storage.bucket(TARGET).getFiles({ versions: true }))[0];
  // The caller is gone: only the clock moves. Waits on progress (the files restored), at most five minutes of queue time.
  for (let s = 0; s < 300 && (await restored()).length < COUNT; s++) await h.clock.advance(SECOND);
  for (let s = 0; s < 10; s++) await h.clock.advance(SECOND);

  const files = await restored();
  assert.deepEqual(files.map((f) => f.name).sort(), [...objects.keys()].sort(), 'every object, one generation each');
  for (const f of files) assert.ok((await f.download())[0].equals(objects.get(f.name) as Buffer), f.name);

  const continuations = h.dispatches().filter((d) => d.task.split('/').pop()?.startsWith('restore-continue-'));
  // The catalog comes in key order; each call lists one batch of 16 and continues after its last key.
  const keys = [...objects.keys()].map((n) => sourceKey(h.world.sourceBucket, n)).sort();
  assert.deepEqual(
    continuations.filter((d) => !d.duplicate).map((d) => d.task.split('/').pop()),
    [restoreContinueTaskId(id, keys[15]), restoreContinueTaskId(id, keys[31])],
    'two continuations (16 + 16 + 8 objects), named after the restore and its cursor',
  );
  assert.equal(continuations.filter((d) => d.duplicate).length, 2, 'each dispatched twice');
  assert.ok(
    continuations.every((d) => d.status === 200),
    'every continuation dispatch acknowledged, duplicates too',
  );

  h.world.emulators.tasks.setDuplicates({ probability: 0, mode: 'after' });
  const status = await h.post('/restore', { id });
  assert.deepEqual([status.body.done, status.body.counts], [true, { restored: COUNT }]);
});
