/**
 * No stalled reads: a Cloud Storage download cut mid-body, on the deploy runtime's Node
 * (scripts/run-tests.mjs runs nothing else). The idle watchdog is set to an hour here, so it cannot be what
 * notices the cut: the cut itself must be. Each case reads its verdicts from records, never from a stopwatch
 * of its own:
 * - when the cut happened: the emulator's fault rule records it (wall clock, `cuts[].atMs`);
 * - when the product noticed: the time its `retrying` line was written (harness/log-capture.ts);
 * - where it read again: the Cloud Storage emulator's download log (the byte range of each read);
 * - the backup: one Drive file, byte-exact, one `uploaded` line;
 * - a failed attempt's lease: released in the state record, so a redelivery right after is not refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { objectRecordKey } from '../../../src/backup/claim/claim.js';
import type { ObjectRecord } from '../../../src/backup/claim/plan.js';
import { deliverStorageEvent } from '../../../harness/deliver.js';
import { startFunctionWorld } from '../../../harness/function-world.js';
import { md5Hex, testBytes, type World } from '../../support/world.js';

const MiB = 1024 * 1024;
let world: World;

before(async () => {
  // The watchdog (IO_IDLE_TIMEOUT_SEC) an hour away, far past the test's own timeout: a retry notice can
  // only come from the cut itself being noticed — however slow the machine, no wall-clock bound needed.
  world = await startFunctionWorld({
    targets: ['event'],
    env: { UPLOAD_CHUNK_MIB: '4', MULTIPART_MAX_MIB: '5', IO_IDLE_TIMEOUT_SEC: '3600' },
  });
});

after(() => world?.stop());

interface Line {
  severity: string;
  event?: string;
  name?: string;
  outcome?: string;
  what?: string;
  failureClass?: string;
  service?: string;
  attempts?: number;
  atMs: number;
}

const linesSince = (from: number): Line[] =>
  world.logs.lines.slice(from).map((line, i) => ({ ...(JSON.parse(line) as Omit<Line, 'atMs'>), atMs: world.logs.atMs[from + i] }));

async function write(name: string, content: Buffer): Promise<{ bucket: string; name: string; generation: string; size: string }> {
  const file = world.storage.bucket(world.sourceBucket).file(name);
  await file.save(content, { resumable: false });
  const [metadata] = await file.getMetadata();
  return metadata as { bucket: string; name: string; generation: string; size: string };
}

/** A response cut after `afterBytes` of the body, on downloads of `name` (nth 1, `times` 1 by default). */
function cutDownloads(name: string, afterBytes: number, more: { nth?: number; times?: number } = {}): string {
  return world.emulators.hub.faults.add({
    service: 'gcs',
    route: 'gcs.objects.download',
    path: encodeURIComponent(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    action: { kind: 'reset', direction: 'response', afterBytes },
    ...more,
  });
}

/** The cuts the rule made; the rule is removed. */
function removeRule(ruleId: string): { atMs: number; afterBytes: number }[] {
  const cuts = world.emulators.hub.faults.list().find((f) => f.id === ruleId)?.cuts ?? [];
  world.emulators.hub.faults.remove(ruleId);
  return cuts;
}

function assertOneByteExactFile(name: string, content: Buffer): void {
  const files = world.emulators.drive.listAll().filter((f) => !f.trashed && f.appProperties['gdb.object'] === name);
  assert.equal(files.length, 1, `one Drive file for ${name}`);
  assert.equal(files[0].md5Checksum, md5Hex(content), 'byte-exact');
  assert.equal(Number(files[0].size), content.length);
}

async function stateRecord(name: string): Promise<ObjectRecord> {
  const key = `${world.env.STATE_PREFIX ?? 'gcs-drive-backup/'}${objectRecordKey(world.sourceBucket, name, undefined)}`;
  const [metadata] = await world.storage.bucket(world.stateBucket).file(key).getMetadata();
  return JSON.parse(String(metadata.metadata?.record)) as ObjectRecord;
}

describe('a Cloud Storage download cut mid-body', () => {
  const cases = [
    { label: 'resumable upload (24 MiB, read through chunks)', size: 24 * MiB, cutAfter: 5 * MiB + 12_345, noticedBy: /^read gs:\/\// },
    { label: 'multipart upload (3 MiB, read whole)', size: 3 * MiB, cutAfter: MiB + 777, noticedBy: /^download$/ },
  ];
  for (const c of cases) {
    test(`${c.label}: the cut noticed (not left to the idle watchdog), read again from the next unread byte, backed up once`, async (t) => {
      const name = `cut/${c.size}.bin`;
      const content = testBytes(c.size, name);
      const data = await write(name, content);
      const rule = cutDownloads(name, c.cutAfter);
      const from = world.logs.lines.length;
      let cuts;
      try {
        assert.equal(await deliverStorageEvent(world.url('event'), data), 204, 'acknowledged on the first delivery');
      } finally {
        cuts = removeRule(rule);
      }

      const [cut] = cuts;
      assert.ok(cut, 'the emulator cut the download');
      const lines = linesSince(from);
      const notice = lines.find((l) => l.event === 'retrying' && c.noticedBy.test(l.what ?? ''));
      assert.ok(notice, `a retrying line for the read; got ${JSON.stringify(lines.map((l) => l.event))}`);
      const lagMs = notice.atMs - cut.atMs;
      assert.ok(lagMs >= 0, `the notice (${lagMs} ms after the cut) follows the cut`);
      // Reported, not judged (the figure: noticed within 5 s of the cut; the watchdog is an hour away).
      t.diagnostic(`cut noticed ${lagMs} ms after it happened`);

      const reads = world.emulators.gcs.downloads({ bucket: world.sourceBucket, name });
      assert.equal(reads.length, 2, `two reads: ${JSON.stringify(reads)}`);
      assert.equal(reads[0].start, 0);
      const resumedAt = reads[1].start;
      assert.ok(resumedAt > 0 && resumedAt <= c.cutAfter, `read again from byte ${resumedAt}: after 0, not past the cut at ${c.cutAfter}`);
      assert.equal(reads[1].end, c.size);
      if (c.size > 5 * MiB) assert.equal(notice.what, `read gs://${world.sourceBucket}/${name}#${data.generation}`);

      assertOneByteExactFile(name, content);
      const outcomes = lines.filter((l) => l.event === 'objectOutcome' && l.name === name);
      assert.deepEqual(
        outcomes.map((l) => l.outcome),
        ['uploaded'],
      );
      assert.ok((outcomes[0].attempts ?? 0) >= 2, 'the re-read counts as an attempt');
    });
  }

  test('an attempt the cuts make fail gives its lease up: the redelivery right after is not refused', async () => {
    const name = 'cut/fails.bin';
    const size = 24 * MiB;
    const content = testBytes(size, name);
    const data = await write(name, content);
    // The first read is cut after 5 MiB, every later one before its first byte: the reader gives up.
    const first = cutDownloads(name, 5 * MiB);
    const later = cutDownloads(name, 0, { nth: 2, times: 0 });
    const from = world.logs.lines.length;
    let status: number;
    try {
      status = await deliverStorageEvent(world.url('event'), data, { id: 'cut-fails' });
    } finally {
      removeRule(first);
      removeRule(later);
    }
    assert.equal(status, 500, 'the failed attempt is retried by Eventarc');
    const failed = linesSince(from).filter((l) => l.event === 'objectOutcome' && l.name === name);
    assert.deepEqual(
      failed.map((l) => [l.outcome, l.failureClass, l.service]),
      [['failed', 'transient', 'gcs-source']],
    );
    const record = await stateRecord(name);
    assert.equal(record.status, 'uploading');
    assert.equal(record.leaseUntil, 0, 'the lease was released when the attempt failed');
    assert.ok(record.session, 'the Drive session is kept for the next attempt');

    const reads = world.emulators.gcs.downloads({ bucket: world.sourceBucket, name }).length;
    const again = world.logs.lines.length;
    assert.equal(await deliverStorageEvent(world.url('event'), data, { id: 'cut-fails' }), 204, 'the redelivery at once is accepted');
    const lines = linesSince(again);
    assert.ok(!lines.some((l) => l.failureClass === 'busy'), 'never refused as busy');
    assert.deepEqual(
      lines.filter((l) => l.event === 'objectOutcome').map((l) => l.outcome),
      ['uploaded'],
    );
    const resumed = world.emulators.gcs.downloads({ bucket: world.sourceBucket, name }).slice(reads);
    assert.ok(resumed[0].start > 0, `the redelivery continues where Drive is (read from byte ${resumed[0].start})`);
    assertOneByteExactFile(name, content);
  });
});
