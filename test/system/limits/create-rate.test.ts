/**
 * Drive's per-user create rate end to end: 20 objects (in 2 new folders) delivered at once to one instance,
 * with the emulator allowing 5 creates per second (burst 5) on a clock that moves only when the product is
 * refused (one second, a full bucket's worth, per `rateLimitExceeded` it reports): so the limit is
 * certainly hit, and the verdict does not depend on the machine's speed. (At 200 ms a refusal, one create's
 * worth, every other write is refused, the product's adaptive pacer falls to its floor of 0.1 writes/s and
 * the test waits minutes in real time for the same verdict.) Every object lands once, each folder exists
 * once, and nothing asks the operator to act: a rate limit is waited out, never an error for a person.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '@gcs-drive-backup/emulators';
import { LimitsHarness } from './support.js';

const clock = new ManualClock();
let h: LimitsHarness;

before(async () => {
  h = await LimitsHarness.start({}, { clock, limits: { drive: { createRate: { perSecond: 5, burst: 5 } } } });
  h.onLog((line) => {
    const refused = /rateLimitExceeded/.test(line.reason ?? '');
    if (refused && (line.event === 'retrying' || line.event === 'objectOutcome')) void clock.advance(1000);
  });
});
after(() => h?.stop());

test('20 concurrent objects with the create rate at 5/s: all backed up once, folders once, no operator line', async () => {
  const url = await h.instance();
  const objects = Array.from({ length: 20 }, (_, i) => ({ name: `rate/${i % 2 ? 'odd' : 'even'}/obj-${i}.txt`, content: `rate ${i}` }));
  const written = await Promise.all(objects.map((o) => h.write(o.name, o.content)));
  h.world.emulators.hub.resetCounters();

  const statuses = await Promise.all(written.map((o) => h.deliver(url, o)));
  assert.ok(
    statuses.every((s) => s.at(-1) === 204),
    statuses.map((s) => s.join('/')).join(' '),
  );

  h.assertEachOnce(objects);
  const folders = h.world.emulators.drive.listAll().filter((f) => f.mimeType === 'application/vnd.google-apps.folder');
  assert.deepEqual(folders.map((f) => f.name).sort(), ['GCS backup', 'even', 'odd', 'rate']);
  // Each refusal is retried (a `retrying` line) or ends the attempt (a failed outcome, the event redelivered);
  // 23 creates (20 files, 3 folders) against a burst of 4 left after seeding, each refusal refilling at
  // most 5: at least 4 refusals.
  const refusals = h.logs.filter(
    (l) => /rateLimitExceeded/.test(l.reason ?? '') && (l.event === 'retrying' || l.event === 'objectOutcome'),
  );
  assert.ok(refusals.length >= 4, `the limit was hit (${refusals.length} refusals)`);
  assert.deepEqual(h.operatorLines(), [], "a rate limit is not the operator's problem");
});
