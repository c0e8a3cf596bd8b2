/**
 * `POST /restore` with DISPATCH=tasks through the real entry points: objects backed up through the queue,
 * then restored by one task per object, on the Cloud Tasks emulator's ManualClock (every verdict is a
 * count). Cloud Tasks dispatching every task twice, after or alongside the first, still restores each
 * object once, even with `overwrite` (the target bucket keeps every generation it ever had: one each).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { restoreTaskId } from '../../../src/tasks/task-name.js';
import type { TasksHarness } from '../tasks/harness.js';
import { backedUpInTasksMode, SECOND } from './backed-up.js';

let h: TasksHarness;
let objects: Map<string, Buffer>;
const TARGET = 'restored-once';

before(async () => {
  ({ h, objects } = await backedUpInTasksMode({ target: TARGET, count: 6, size: (i) => 500 + i }));
});
after(() => h.close());

test('POST /restore in tasks mode with a duplicate task dispatch restores each object once', async () => {
  for (const mode of ['after', 'concurrent'] as const) {
    h.world.emulators.tasks.setDuplicates({ probability: 1, mode });
    const request = { to: `gs://${TARGET}/${mode}/`, overwrite: true };
    const started = await h.post('/restore', request);
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal(started.body.mode, 'tasks');
    assert.equal(started.body.remaining, 6, 'one task per object');
    const id = String(started.body.id);

    let progress = started.body;
    for (let s = 0; s < 20 && progress.done !== true; s++) {
      await h.clock.advance(SECOND);
      progress = (await h.post('/restore', { id })).body;
    }
    assert.equal(progress.done, true, JSON.stringify(progress));
    assert.deepEqual(progress.counts, { restored: 6 });

    for (const [name, content] of objects) {
      const task = restoreTaskId(id, {
        name,
        generation: String((await h.world.storage.bucket(h.world.sourceBucket).file(name).getMetadata())[0].generation),
      });
      const attempts = h.dispatches().filter((d) => d.task.endsWith(`/${task}`));
      assert.deepEqual(
        attempts.map((d) => [d.duplicate, d.status]).sort(),
        [
          [false, 200],
          [true, 200],
        ],
        `${name}: dispatched twice (${mode}), both acknowledged`,
      );
      const [versions] = await h.world.storage.bucket(TARGET).getFiles({ prefix: `${mode}/${name}`, versions: true });
      assert.equal(versions.length, 1, `${mode}/${name}: written once`);
      const [restored] = await versions[0].download();
      assert.ok(restored.equals(content), name);
    }

    h.world.emulators.tasks.setDuplicates({ probability: 0, mode });
    const created = h.stats().counters.created;
    const again = await h.post('/restore', { ...request, at: started.body.at });
    assert.equal(again.body.id, id, 'the same request is the same restore');
    assert.equal(h.stats().counters.created, created, 'a repeated request enqueues nothing');
  }
});
