/**
 * Reconcile's backfill under Google's own limits (the emulator's defaults: Drive's 2 creates/s with a
 * burst of 10, its daily upload bytes, Cloud Storage's write per object per second), through the real
 * entry point: 300 objects in 28 folders written without events, then one `POST /reconcile`. It copies
 * them all in that one run, fails none, and the adaptive pacer keeps Drive's write refusals at 5% of the
 * writes or fewer. Drive's answers are counted on the wire (a recording proxy in front of the Drive
 * emulator); time is only reported (the wall-time goal is the benchmark's), so the verdict does not
 * depend on the machine's speed: a slower machine only meets fewer refusals.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRecordingProxy, type RecordingProxy } from '../../../bench/recording-proxy.js';
import { GOOGLE_DRIVE_LIMITS } from '@gcs-drive-backup/emulators/drive/limits.js';
import { GOOGLE_GCS_LIMITS } from '@gcs-drive-backup/emulators/gcs/limits.js';
import { startFunctionWorld, type FunctionWorld } from '../../../harness/function-world.js';

const OBJECTS = 300;
const FOLDERS = 28;
const names = Array.from({ length: OBJECTS }, (_, i) => `d${String(i % FOLDERS).padStart(2, '0')}/object-${i}.txt`);

let world: FunctionWorld;
let proxy: RecordingProxy | undefined;

before(async () => {
  // The HTTP function talks to Drive through a recording proxy, so the test counts what the wire saw.
  world = await startFunctionWorld({
    targets: ['http'],
    env: async (emulators) => {
      proxy = await startRecordingProxy(emulators.env.DRIVE_EMULATOR_HOST);
      return { DRIVE_EMULATOR_HOST: proxy.url };
    },
  });
  const bucket = world.storage.bucket(world.sourceBucket);
  for (const name of names) await bucket.file(name).save(`content of ${name}`, { resumable: false }); // no events
  const { createRate, dailyUpload } = GOOGLE_DRIVE_LIMITS;
  world.emulators.hub.limits.set({ drive: { createRate, dailyUpload }, gcs: { objectMutationRate: GOOGLE_GCS_LIMITS.objectMutationRate } });
});
after(async () => {
  await world?.stop();
  await proxy?.close();
});

const ok = (status: number) => status >= 200 && status < 300;
const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

test(`one POST /reconcile backfills ${OBJECTS} objects in ${FOLDERS} folders under Drive's default create rate: none failed, refusals ≤ 5% of the writes`, async (t) => {
  const started = Date.now();
  const res = await fetch(`${world.url('http')}/reconcile`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const report = (await res.json()) as Record<string, unknown>;
  const wallMs = Date.now() - started;
  assert.equal(res.status, 200, JSON.stringify(report).slice(0, 2000));
  assert.deepEqual(
    { scanned: report.scanned, uploaded: report.uploaded, failed: report.failed, done: report.done },
    { scanned: OBJECTS, uploaded: OBJECTS, failed: 0, done: true },
    JSON.stringify(report.failures).slice(0, 2000),
  );

  const backups = new Map<string, number>();
  for (const f of world.emulators.drive.listAll()) {
    const name = f.appProperties['gdb.object'];
    if (name !== undefined && !f.trashed) backups.set(name, (backups.get(name) ?? 0) + 1);
  }
  assert.deepEqual(
    names.filter((n) => backups.get(n) !== 1),
    [],
    'each object once in Drive',
  );

  // Drive's writes as the wire saw them: uploads (multipart or a session opened) and file creates (folders).
  const writes = (proxy as RecordingProxy).exchanges.filter(
    (e) => e.method === 'POST' && (e.path.startsWith('/upload/') || /^\/drive\/v3\/files(\?|$)/.test(e.path)),
  );
  const accepted = writes.filter((e) => ok(e.status)).length;
  const refused = writes.filter((e) => e.status === 429 || (e.status === 403 && RATE_REASONS.has(e.reason ?? ''))).length;
  assert.equal(accepted, OBJECTS + FOLDERS, 'one write per object and per folder');
  const perfectMs = ((accepted - GOOGLE_DRIVE_LIMITS.createRate!.burst) / GOOGLE_DRIVE_LIMITS.createRate!.perSecond) * 1000;
  t.diagnostic(`${refused} refusals for ${accepted} writes (${((refused / accepted) * 100).toFixed(1)}%)`);
  t.diagnostic(
    `wall ${(wallMs / 1000).toFixed(1)} s, ${(wallMs / perfectMs).toFixed(2)}× a perfect client's ${(perfectMs / 1000).toFixed(1)} s`,
  );
  assert.ok(refused <= 0.05 * accepted, `${refused} refusals for ${accepted} writes`);
});
