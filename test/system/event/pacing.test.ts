/**
 * The Drive pacer seen from outside, through the event entry point: when Drive's writes happen, read
 * from the files' `createdTime` (the emulator's wall clock) against the time the test started the
 * deliveries. Both checks are lower bounds, so a slow machine only makes them surer:
 * - `DRIVE_WRITES_PER_SECOND=1` is a ceiling: four objects delivered at once are created one a second, the
 *   last at least three seconds after the first delivery (unpaced, all four go at once);
 * - a 429 with `Retry-After: 3` holds every write of the instance, not only the refused one: an object
 *   delivered just after the refusal is created no sooner than three seconds after it (at the ceiling's
 *   one write a second it would go after one).
 * The pacer's rules one by one (rate down per refusal kind, up on success, the ceiling, Retry-After) are
 * the table of test/unit/drive/pacer.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { deliverStorageEvent } from '../../../harness/deliver.js';
import { startFunctionWorld } from '../../../harness/function-world.js';
import { testBytes, type World } from '../../support/world.js';

async function write(world: World, name: string): Promise<Record<string, unknown> & { bucket: string; name: string }> {
  const file = world.storage.bucket(world.sourceBucket).file(name);
  await file.save(testBytes(100, name), { resumable: false });
  const [metadata] = await file.getMetadata();
  return metadata as Record<string, unknown> & { bucket: string; name: string };
}

function createdMs(world: World, name: string): number {
  const files = world.emulators.drive.listAll().filter((f) => !f.trashed && f.appProperties['gdb.object'] === name);
  assert.equal(files.length, 1, `${name}: one Drive file`);
  return Date.parse(files[0].createdTime);
}

// One world for the file: the in-process function builds its runtime once per process.
let world: World;
before(async () => (world = await startFunctionWorld({ targets: ['event'], env: { DRIVE_WRITES_PER_SECOND: '1' } })));
after(() => world?.stop());

describe('DRIVE_WRITES_PER_SECOND=1 paces the instance to one Drive write a second', () => {
  test('four objects delivered at once: the last created at least 3 s after the first delivery', async () => {
    const names = ['ceiling-0.txt', 'ceiling-1.txt', 'ceiling-2.txt', 'ceiling-3.txt'];
    const events = await Promise.all(names.map((n) => write(world, n)));
    const started = Date.now();
    const statuses = await Promise.all(events.map((e) => deliverStorageEvent(world.url('event'), e)));
    assert.deepEqual(statuses, [204, 204, 204, 204]);
    const created = names.map((n) => createdMs(world, n)).sort((a, b) => a - b);
    assert.ok(created[3] - started >= 3000, `the fourth write came ${created[3] - started} ms after the deliveries began`);
  });
});

describe('a 429 with Retry-After holds every Drive write of the instance for that long', () => {
  test('an object delivered just after the refusal waits out the Retry-After too', async () => {
    const first = await write(world, 'held-first.txt');
    const second = await write(world, 'held-second.txt');
    const ruleId = world.emulators.hub.faults.add({
      route: 'drive.upload.create',
      action: {
        kind: 'status',
        status: 429,
        headers: { 'retry-after': '3' },
        body: {
          error: {
            code: 429,
            message: 'Rate Limit Exceeded',
            errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' }],
          },
        },
      },
    });
    const started = Date.now();
    const firstDelivery = deliverStorageEvent(world.url('event'), first);
    // Wait on progress: the refusal has been answered before the second object is delivered.
    const refused = () => world.emulators.hub.faults.list().find((r) => r.id === ruleId)?.fired === 1;
    for (let i = 0; i < 2000 && !refused(); i++) await sleep(5);
    assert.ok(refused(), `the first upload was refused: ${JSON.stringify(world.emulators.hub.faults.list())}`);
    const secondDelivery = deliverStorageEvent(world.url('event'), second);
    assert.deepEqual(await Promise.all([firstDelivery, secondDelivery]), [204, 204]);
    for (const name of ['held-first.txt', 'held-second.txt']) {
      const after = createdMs(world, name) - started;
      assert.ok(after >= 3000, `${name} was created ${after} ms after the refusal's delivery began, inside the Retry-After`);
    }
  });
});
