/**
 * The reconcile run loop against fakes (no emulators): what gets backed up, the parallelism bound, the
 * time budget and its cursor, failures, dry runs and a listing that breaks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { runReconcile, type ReconcileIO, type RunOptions } from '../../../src/reconcile/run-loop.js';
import { DriveIndex } from '../../../src/reconcile/drive-index.js';
import { sourceKey } from '../../../src/drive/object-path.js';
import type { ObjectRef } from '../../../src/core/object-ref.js';
import type { OneBackup } from '../../../src/backup/backup-and-log.js';
import type { Deadline } from '../../../src/core/time-budget.js';
import type { Failure } from '../../../src/core/failure.js';

const failed = (failure: Failure): OneBackup => ({ ok: false, failure, error: new Error(failure.reason), attempts: 1 });
const names = (n: number) => Array.from({ length: n }, (_, i) => `obj-${String(i).padStart(4, '0')}`);
const ref = (name: string, generation = '7'): ObjectRef => ({ bucket: 'b', name, generation, size: '3' });

interface Fake {
  io: ReconcileIO;
  backedUp: string[];
  maxInFlight: number;
}

function fake(
  objects: ObjectRef[],
  options: { inDrive?: [string, string][]; pageSize?: number; backup?: (r: ObjectRef) => Promise<OneBackup>; listFailsAfter?: number } = {},
): Fake {
  const state: Fake = { backedUp: [], maxInFlight: 0, io: undefined as unknown as ReconcileIO };
  let inFlight = 0;
  state.io = {
    loadIndex: async () => {
      const index = new DriveIndex({ bucket: 'b', prefix: '', everyGeneration: false });
      for (const [name, generation] of options.inDrive ?? [])
        index.add({ 'gdb.key': sourceKey('b', name), 'gdb.bucket': 'b', 'gdb.generation': generation });
      return index;
    },
    async *listObjects(startAfter) {
      const rest = objects.filter((o) => startAfter === undefined || o.name > startAfter);
      const size = options.pageSize ?? 3;
      for (let i = 0; i < rest.length; i += size) {
        if (options.listFailsAfter !== undefined && i >= options.listFailsAfter) throw new Error('listing broke');
        yield rest.slice(i, i + size);
      }
    },
    async backup(r) {
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      try {
        if (options.backup) return await options.backup(r);
        await sleep(2);
        state.backedUp.push(r.name);
        return { ok: true, outcome: 'uploaded', driveFileId: `id-${r.name}`, bytes: 3, attempts: 1 };
      } finally {
        inFlight--;
      }
    },
  };
  return state;
}

const budget = (expired: () => boolean): Deadline => ({ expired, remainingMs: () => (expired() ? 0 : 1000), canStart: () => !expired() });
const options = (extra: Partial<RunOptions> = {}): RunOptions => ({
  bucket: 'b',
  prefix: '',
  dryRun: false,
  settings: { onNewGeneration: 'revision', includePrefixes: [], excludeGlobs: [], canaryPrefix: '.gcs-drive-backup-canary/' },
  parallelism: 4,
  budget: budget(() => false),
  ...extra,
});

test('backs up what is missing or older, leaves the rest, and finishes without a cursor', async () => {
  const f = fake([ref('a', '7'), ref('b', '7'), ref('c', '9'), ref('dir/')], {
    inDrive: [
      ['a', '7'],
      ['c', '8'],
    ],
  });
  const report = await runReconcile(f.io, options());
  assert.deepEqual(f.backedUp.sort(), ['b', 'c']);
  assert.deepEqual(
    [report.scanned, report.uploaded, report.skipped, report.failed, report.bytes, report.done, report.cursor, report.driveIndexSize],
    [4, 2, 2, 0, 6, true, undefined, 2],
  );
});

test('never runs more backups at once than the parallelism', async () => {
  const f = fake(
    names(40).map((n) => ref(n)),
    { pageSize: 7 },
  );
  const report = await runReconcile(f.io, options({ parallelism: 3 }));
  assert.equal(report.uploaded, 40);
  assert.equal(f.maxInFlight, 3);
});

test('stops starting work when the budget is spent, and the cursor resumes exactly where it stopped', async () => {
  const all = names(30).map((n) => ref(n));
  const seen: string[] = [];
  let runs = 0;
  let cursor: string | undefined;
  do {
    let started = 0;
    const f = fake(all, {
      backup: async (r) => {
        started++;
        seen.push(r.name);
        await sleep(1);
        return { ok: true, outcome: 'uploaded', driveFileId: 'x', bytes: 3, attempts: 1 };
      },
    });
    const report = await runReconcile(f.io, options({ parallelism: 2, resumeAfter: cursor, budget: budget(() => started >= 4) }));
    runs++;
    cursor = report.cursor;
    if (!report.done) assert.ok(report.uploaded >= 4 && report.uploaded <= 5, `uploaded ${report.uploaded}`);
    if (report.done) break;
  } while (runs < 20);
  assert.deepEqual(
    seen,
    all.map((r) => r.name),
    'each object once, in order, across runs',
  );
  assert.ok(runs >= 6 && runs <= 8, `runs ${runs}`);
});

test('handles at least one object per run even with no time at all', async () => {
  const f = fake(names(3).map((n) => ref(n)));
  const report = await runReconcile(f.io, options({ budget: budget(() => true) }));
  assert.deepEqual([report.scanned, report.done, report.cursor], [1, false, 'obj-0000']);
});

test('failures are counted and listed; a vanished object counts as skipped', async () => {
  const f = fake([ref('gone'), ref('perm'), ref('busy'), ref('ok')], {
    backup: async (r): Promise<OneBackup> => {
      if (r.name === 'gone') return failed({ kind: 'object-gone', service: 'gcs-source', reason: 'deleted' });
      if (r.name === 'perm')
        return failed({ kind: 'permanent', service: 'drive', reason: 'too big', problemCode: 'object-too-large', action: 'none' });
      if (r.name === 'busy') return failed({ kind: 'busy', service: 'state', reason: 'leased' });
      return { ok: true, outcome: 'revised', driveFileId: 'x', bytes: 10, attempts: 1 };
    },
  });
  const report = await runReconcile(f.io, options());
  assert.deepEqual([report.revised, report.skipped, report.failed, report.done], [1, 1, 2, true]);
  assert.deepEqual(report.failures.map((x) => [x.name, x.retry, x.reason, x.action]).sort(), [
    ['busy', true, 'leased', undefined],
    ['perm', false, 'too big', 'none'],
  ]);
});

test('a dry run backs nothing up and reports the plan', async () => {
  const f = fake([ref('a', '7'), ref('b', '9'), ref('c')], {
    inDrive: [
      ['a', '7'],
      ['b', '8'],
    ],
  });
  const report = await runReconcile(f.io, options({ dryRun: true }));
  assert.deepEqual(f.backedUp, []);
  assert.deepEqual(report.plan, {
    upload: 1,
    revise: 1,
    sample: [
      { name: 'b', action: 'revise' },
      { name: 'c', action: 'upload' },
    ],
  });
  assert.deepEqual([report.uploaded, report.skipped, report.done], [0, 1, true]);
});

test('a broken listing keeps the work done and reports where to continue', async () => {
  const f = fake(
    names(9).map((n) => ref(n)),
    { pageSize: 3, listFailsAfter: 6 },
  );
  const report = await runReconcile(f.io, options());
  assert.equal(report.uploaded, 6);
  assert.deepEqual([report.done, report.cursor, (report.error as Error).message], [false, 'obj-0005', 'listing broke']);
});

/** A run whose clock moves a second per copy started; its copy budget is spent after `copies` copies. */
function copyRun(
  copies: number,
  handOver?: (r: ObjectRef) => Promise<OneBackup | { ok: true; outcome: 'enqueued'; task: string; created: boolean; attempts: number }>,
) {
  let t = 0;
  const copied: string[] = [];
  const all = [...names(7).map((n) => ref(n)), ref('obj-0002b')].sort((a, b) => a.name.localeCompare(b.name));
  const f = fake(all, {
    inDrive: [['obj-0005', '7']],
    backup: (r) => {
      t += 1000;
      copied.push(r.name);
      return Promise.resolve({ ok: true, outcome: 'uploaded', driveFileId: 'x', bytes: 3, attempts: 1 });
    },
  });
  if (handOver) f.io.handOver = handOver;
  const copyBudget = budget(() => t >= copies * 1000);
  return { run: runReconcile(f.io, options({ parallelism: 1, copyBudget, now: () => t })), copied };
}

test("copy budget spent (direct): the rest is counted as remaining with its time at the run's copy rate, the cursor after the last copy", async () => {
  const { run, copied } = copyRun(2);
  const report = await run;
  assert.deepEqual(copied, ['obj-0000', 'obj-0001']);
  assert.deepEqual(
    [report.scanned, report.uploaded, report.skipped, report.remaining, report.estimatedSeconds, report.done, report.cursor],
    [8, 2, 1, 5, 5, false, 'obj-0001'],
  );
});

test('copy budget spent (auto): the rest is handed over to the queue, and the run is done', async () => {
  const enqueued: string[] = [];
  const { run, copied } = copyRun(2, (r) => {
    enqueued.push(r.name);
    return Promise.resolve({ ok: true, outcome: 'enqueued', task: `t-${r.name}`, created: true, attempts: 1 });
  });
  const report = await run;
  assert.deepEqual(copied, ['obj-0000', 'obj-0001']);
  assert.deepEqual(enqueued, ['obj-0002', 'obj-0002b', 'obj-0003', 'obj-0004', 'obj-0006']);
  assert.deepEqual([report.uploaded, report.enqueued, report.remaining, report.done, report.cursor], [2, 5, undefined, true, undefined]);
});

test('copy budget never spent: no remaining, no estimate', async () => {
  const { run } = copyRun(100);
  const report = await run;
  assert.deepEqual([report.uploaded, report.remaining, report.estimatedSeconds, report.done], [7, undefined, undefined, true]);
});
