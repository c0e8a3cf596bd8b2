/**
 * Cloud Storage's one write per second per object name, on the state records, end to end: the emulator at
 * Google's 1/s (burst 1) on a clock that moves only when the product reports a state record's 429 (one
 * second per 429), so every second write to a record within the same second is refused — a 429 storm on
 * folder records (created, then marked created) and on resumable uploads' records (claimed, then the
 * session, then done). One state write also lands while its reply is lost, so its retry meets 429 and then
 * 412. Each 429 is waited out and never read as a lost race: every object is backed up at its first
 * delivery, once, with one resumable session each, and nothing asks the operator to act.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '@gcs-drive-backup/emulators';
import { testBytes } from '../../support/world.js';
import { LimitsHarness, type LogLine } from './support.js';

const MiB = 1024 * 1024;
const clock = new ManualClock();
let h: LimitsHarness;

const stateRateLimited = (line: LogLine) => /state bucket\) replied 429/.test(line.reason ?? '');

before(async () => {
  h = await LimitsHarness.start({}, { clock, limits: { gcs: { objectMutationRate: { perSecond: 1, burst: 1 } } } });
  h.onLog((line) => {
    if (line.event === 'retrying' && stateRateLimited(line)) void clock.advance(1000);
  });
});
after(() => h?.stop());

test('a 429 storm on state records: waited out, never a lost race; every object once, at its first delivery', async () => {
  const url = await h.instance({ UPLOAD_CHUNK_MIB: '1', MULTIPART_MAX_MIB: '1' });
  const objects = [
    ...Array.from({ length: 6 }, (_, i) => ({ name: `storm/small/s${i}.txt`, content: Buffer.from(`small ${i}`) })),
    ...Array.from({ length: 3 }, (_, i) => ({ name: `storm/large/l${i}.bin`, content: testBytes(2 * MiB + 512 * 1024 + i, `large ${i}`) })),
  ];
  const written = [];
  for (const o of objects) written.push(await h.write(o.name, o.content));
  const { hub } = h.world.emulators;
  hub.resetCounters();
  // The first write to a state record after its creation lands, but its reply is lost: the retry meets
  // 429 (the landed write used the second's allowance), then 412 (the record moved on: by this very write).
  const cut = hub.faults.add({
    service: 'gcs',
    route: 'gcs.objects.patch',
    path: `/b/${h.world.stateBucket}/o/`,
    times: 1,
    action: { kind: 'reset', direction: 'response', afterBytes: 0 },
  });

  const statuses = await Promise.all(written.map((o) => h.deliver(url, o)));
  assert.deepEqual(
    statuses.map((s) => s.join('/')),
    written.map(() => '204'),
    'each acknowledged at its first delivery',
  );

  h.assertEachOnce(objects);
  assert.equal(hub.faults.list().find((f) => f.id === cut)?.fired, 1, 'a write landed with its reply lost');
  assert.ok(h.lines('retrying').filter(stateRateLimited).length >= 3, 'state records met 429s');
  // One create per object: a multipart request for each small one, a session opened for each large one.
  assert.equal(hub.counters()['drive.upload.create'], objects.length, 'no upload started twice');
  assert.deepEqual(
    h.lines('objectOutcome').filter((l) => l.outcome === 'failed'),
    [],
  );
  assert.deepEqual(h.operatorLines(), []);
});
