/**
 * One invocation's share of a restore run by the deployed function (`POST /restore`): walks the state
 * bucket's catalog after the record's cursor, within the invocation's time budget, and either restores
 * each object itself, a few at a time (`direct`), or hands it to one Cloud Task named after (restore id,
 * name, generation) (`tasks`: src/restore/object-task.ts restores it). The catalog comes in the order of
 * its keys (`sourceKey` of each name), so the cursor is the last key handled; each batch is finished
 * before the cursor moves past it, and at least one batch runs per call, so consecutive calls always
 * advance. Objects the planner settles without Drive or the target (`deleted-before-T`, `not-in-backup`)
 * are counted here in both modes; a dry run never fans out (it writes nothing, so there is nothing to pace).
 * The record is saved at the end and every SAVE_EVERY objects.
 */
import type { Deadline } from '../core/time-budget.js';
import { sourceKey } from '../drive/object-path.js';
import type { Versioned } from '../state/store.js';
import type { Catalog, CatalogEntry } from './catalog.js';
import { isProblem, statusOf, type ObjectReport } from './outcome.js';
import { decide, wantedAt, type RestoreSelection } from './plan.js';
import { countOutcome, type RestoreRecord, type RestoreRecords } from './progress.js';
import { objectLine } from './report.js';
import { restoreOne, type RestoreDeps, type RestoreRequest } from './run.js';

/** What a restore task carries: the restore and its one object generation. */
export interface RestoreTaskBody {
  restore: string;
  name: string;
  generation: string;
}

/** What a restore's continuation task carries: the restore, the cursor it walks on from, its budget. */
export interface ContinueTaskBody {
  restore: string;
  /** The record's cursor when the task was made ('' before the first object). */
  after: string;
  maxSeconds: number;
}

export interface BudgetedRunDeps extends Omit<RestoreDeps, 'catalog'> {
  catalog: Catalog;
  records: RestoreRecords;
  budget: Deadline;
  /** Tasks mode: creates the object's task; true when created, false when it existed. */
  enqueue?: (task: RestoreTaskBody) => Promise<boolean>;
  /** Objects restored at once in direct mode. */
  parallel: number;
}

const SAVE_EVERY = 200;
/** Tasks created at once in tasks mode. */
const ENQUEUE_BATCH = 16;

/** The selection of a recorded request. */
export function selectionOf(record: RestoreRecord): RestoreSelection {
  const { spec } = record;
  return {
    prefix: spec.prefix,
    include: spec.include,
    exclude: spec.exclude,
    atMs: spec.atMs,
    targetPrefix: spec.to.prefix,
    ...(spec.generation !== undefined ? { generation: spec.generation } : {}),
  };
}

/** The restore request of a record, for src/restore/run.ts. */
export function requestOf(record: RestoreRecord, selection: RestoreSelection = selectionOf(record)): RestoreRequest {
  const { spec } = record;
  return {
    sourceBucket: record.sourceBucket,
    selection,
    target: { kind: 'bucket', bucket: spec.to.bucket },
    dryRun: spec.dryRun,
    overwrite: spec.overwrite,
    acknowledgeAbuse: spec.acknowledgeAbuse,
    customTime: spec.customTime,
  };
}

/** Adds one object's report to the record. */
export function countReport(record: RestoreRecord, report: ObjectReport): void {
  const bytes = report.result?.kind === 'restored' ? report.result.bytes : undefined;
  countOutcome(record, { status: statusOf(report), bytes, problem: isProblem(report), line: objectLine(report) });
}

/** Runs the restore on from the record's cursor until the catalog ends or the budget is spent; the record as saved. */
export async function continueRestore(deps: BudgetedRunDeps, start: Versioned<RestoreRecord>): Promise<Versioned<RestoreRecord>> {
  const record = start.value;
  let version = start.version;
  const selection = selectionOf(record);
  const request = requestOf(record, selection);
  const fanOut = record.mode === 'tasks' && !record.spec.dryRun ? deps.enqueue : undefined;
  let sinceSave = 0;
  const save = async () => {
    const saved = await deps.records.save(record, version);
    if (saved === undefined) throw new Error(`restore ${record.id}: another call changed its record meanwhile; call again to continue`);
    version = saved;
    sinceSave = 0;
  };

  let batch: { key: string; entries: CatalogEntry[] }[] = [];
  let ranOne = false;
  const runBatch = async () => {
    const reports = await Promise.all(batch.map(({ entries }) => handle(deps, request, selection, entries, fanOut, record)));
    for (const report of reports) if (report) countReport(record, report);
    record.cursor = batch.at(-1)?.key ?? record.cursor;
    sinceSave += batch.length;
    batch = [];
    ranOne = true;
    if (sinceSave >= SAVE_EVERY) await save();
  };

  let finished = true;
  for await (const group of deps.catalog.entries(record.spec.prefix)) {
    const entries = group.filter((e) => e.value.bucket === record.sourceBucket);
    if (entries.length === 0) continue;
    const key = sourceKey(record.sourceBucket, entries[0].value.name);
    if (record.cursor !== undefined && key <= record.cursor) continue;
    if (ranOne && deps.budget.expired()) {
      finished = false;
      break;
    }
    batch.push({ key, entries });
    if (batch.length >= (fanOut ? ENQUEUE_BATCH : deps.parallel)) await runBatch();
  }
  if (batch.length > 0) await runBatch();
  if (finished) record.listed = true;
  await save();
  return { value: record, version };
}

/** One object: its report when it was settled here, undefined when it is left out or went to a task. */
async function handle(
  deps: BudgetedRunDeps,
  request: RestoreRequest,
  selection: RestoreSelection,
  entries: CatalogEntry[],
  fanOut: BudgetedRunDeps['enqueue'],
  record: RestoreRecord,
): Promise<ObjectReport | undefined> {
  if (!fanOut) return restoreOne(deps, request, entries);
  const wanted = wantedAt(entries, selection);
  if (!wanted) return undefined;
  if (wanted.kind !== 'generation') {
    const decision = decide(wanted, {
      target: { exists: false },
      drive: { revisions: [] },
      overwrite: false,
      targetPrefix: selection.targetPrefix,
    });
    return { name: wanted.name, decision, dryRun: false };
  }
  const created = await fanOut({ restore: record.id, name: wanted.name, generation: wanted.source.generation });
  if (created) record.enqueued++;
  return undefined;
}
