/**
 * One restore task (`POST /restore` dispatched by Cloud Tasks): restores the one object generation it
 * names, for the restore whose record it names, exactly once. Its marker (src/restore/progress.ts) is the
 * lease: created `running` before anything is written (Cloud Storage's `ifGenerationMatch=0`, so of two
 * dispatches of the same task only one gets it), and replaced by the outcome when done. A dispatch that
 * finds the marker ended, or running under a live lease, writes nothing: Cloud Tasks' rare duplicate
 * execution restores nothing twice, even with `overwrite`. A lease left by a killed instance expires and
 * the task's retry takes over. Drive refusing the download for rate or quota is not the object's outcome:
 * the lease is released (saying what it waits for) and the answer asks Cloud Tasks to retry later (its
 * backoff paces the queue); the abuse flag, which no wait lifts, is.
 */
import type { Versioned } from '../state/store.js';
import type { Catalog } from './catalog.js';
import type { ObjectReport } from './outcome.js';
import { isProblem, statusOf } from './outcome.js';
import type { ObjectMarker, RestoreRecord, RestoreRecords } from './progress.js';
import { objectLine } from './report.js';
import { requestOf, selectionOf, type RestoreTaskBody } from './budgeted-run.js';
import { restoreOne, type RestoreDeps } from './run.js';

export type TaskVerdict =
  | { kind: 'done'; status: string; line: string }
  /** Another dispatch of this task handled the object, or holds its lease now. */
  | { kind: 'duplicate'; status: string }
  /** The restore's record is gone: nothing to do. */
  | { kind: 'unknown-restore' }
  /** Drive refused the download for now (rate, download quota): retry the task later. */
  | { kind: 'retry'; reason: string };

export interface ObjectTaskDeps extends Omit<RestoreDeps, 'catalog'> {
  records: RestoreRecords;
  /** The catalog of the one object (the state bucket's records of that name). */
  catalogOf: (record: RestoreRecord, name: string) => Catalog;
  /** How long a dispatch holds an object: past it, a retry may take over (the invocation's timeout). */
  leaseMs: number;
  now?: () => number;
}

export async function restoreObjectTask(deps: ObjectTaskDeps, task: RestoreTaskBody, taskId: string): Promise<TaskVerdict> {
  const now = deps.now ?? Date.now;
  const found = await deps.records.read(task.restore);
  if (!found) return { kind: 'unknown-restore' };
  const record = found.value;
  const lease = await takeLease(deps, task, taskId, now);
  if (lease.kind === 'duplicate') return lease;

  let report: ObjectReport | undefined;
  const catalog = deps.catalogOf(record, task.name);
  const request = requestOf(record, { ...selectionOf(record), prefix: task.name, generation: task.generation });
  for await (const entries of catalog.entries(task.name)) {
    const own = entries.filter((e) => e.value.name === task.name && e.value.bucket === record.sourceBucket);
    if (own.length > 0) report = await restoreOne({ ...deps, catalog }, request, own);
  }
  report ??= {
    name: task.name,
    decision: {
      kind: 'not-in-backup',
      name: task.name,
      detail: `generation ${task.generation} is no longer in the state bucket's history`,
    },
    dryRun: false,
  };
  if (report.result?.kind === 'drive-limit' && report.result.lifts) {
    // Released at once: the retry, whenever Cloud Tasks sends it, takes the object over. A refusal that
    // waiting does not lift (the abuse flag) is the object's outcome instead: retrying it would keep the
    // restore from ever ending.
    const released: ObjectMarker = {
      status: 'running',
      name: task.name,
      leaseUntil: new Date(0).toISOString(),
      waiting: report.result.reason,
    };
    await deps.records.replaceMarker(task.restore, taskId, released, lease.version);
    return { kind: 'retry', reason: report.result.reason };
  }
  const status = statusOf(report);
  const line = objectLine(report);
  const bytes = report.result?.kind === 'restored' ? report.result.bytes : undefined;
  const marker: ObjectMarker = { status, name: task.name, line, problem: isProblem(report), ...(bytes !== undefined ? { bytes } : {}) };
  await deps.records.replaceMarker(task.restore, taskId, marker, lease.version);
  return { kind: 'done', status, line };
}

async function takeLease(
  deps: ObjectTaskDeps,
  task: RestoreTaskBody,
  taskId: string,
  now: () => number,
): Promise<{ kind: 'held'; version: string } | { kind: 'duplicate'; status: string }> {
  const running: ObjectMarker = { status: 'running', name: task.name, leaseUntil: new Date(now() + deps.leaseMs).toISOString() };
  const created = await deps.records.createMarker(task.restore, taskId, running);
  if (created) return { kind: 'held', version: created.version };
  const existing: Versioned<ObjectMarker> | undefined = await deps.records.readMarker(task.restore, taskId);
  if (!existing) return { kind: 'duplicate', status: 'running' };
  const { status, leaseUntil } = existing.value;
  if (status !== 'running' || (leaseUntil !== undefined && Date.parse(leaseUntil) > now())) return { kind: 'duplicate', status };
  const taken = await deps.records.replaceMarker(task.restore, taskId, running, existing.version);
  return taken ? { kind: 'held', version: taken.version } : { kind: 'duplicate', status: 'running' };
}
