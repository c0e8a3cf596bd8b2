/**
 * One restore run: reads the catalog one object at a time, plans each (src/restore/plan.ts) from what the
 * target and Drive hold now, and, unless it is a dry run, writes what is to be restored into the bucket or
 * the directory, several objects at a time (`parallel`). Nothing of one object stops the others: every
 * object ends in a report (src/restore/outcome.ts), handed on in the catalog's order (src/restore/in-order.ts)
 * as soon as it and those before it are known. Memory holds the objects in flight and at most
 * `REPORT_WINDOW` reports waiting for an earlier one.
 */
import { compareGenerations } from '../core/object-ref.js';
import type { CallScope } from '../core/gateway.js';
import type { DriveGateway } from '../drive/gateway.js';
import type { StorageGateway } from '../gcs/gateway.js';
import type { Catalog, CatalogEntry } from './catalog.js';
import { driveFact, targetFact } from './facts.js';
import type { ObjectReport, WriteResult } from './outcome.js';
import { decide, MAX_OBJECT_NAME_BYTES, wantedAt, type Decision, type DriveFact, type RestoreSelection, type TargetFact } from './plan.js';
import { InOrder } from './in-order.js';
import { failedWrite, writeToBucket } from './to-bucket.js';
import type { DirectoryTarget } from './to-dir.js';

export type RestoreTarget = { readonly kind: 'bucket'; readonly bucket: string } | { readonly kind: 'dir'; readonly dir: DirectoryTarget };

export interface RestoreRequest {
  /** The backed-up bucket: entries of other buckets are left out. */
  readonly sourceBucket: string;
  readonly selection: RestoreSelection;
  readonly target: RestoreTarget;
  readonly dryRun: boolean;
  readonly overwrite: boolean;
  readonly acknowledgeAbuse: boolean;
  readonly customTime: boolean;
  /** Objects restored at once (default `DEFAULT_PARALLEL`). */
  readonly parallel?: number;
}

export interface RestoreDeps {
  readonly catalog: Catalog;
  readonly gcs: StorageGateway;
  readonly drive: DriveGateway;
  readonly scope?: CallScope;
  /** A download that moves no byte this long is re-opened (IO_IDLE_TIMEOUT_SEC). */
  readonly idleMs?: number;
}

const NO_REVISIONS: DriveFact = { revisions: [] };

/**
 * Objects restored at once unless asked otherwise. With 20 ms per request, 2,000 small objects went 4.8×
 * as fast with 16 as with 1 on a shared, loaded machine (`npm run bench -- restore`, docs/benchmarks.md);
 * the concurrency of the backup reached 9× at 16 idle. Past 16, Drive's per-user request rate is the limit.
 */
export const DEFAULT_PARALLEL = 16;
/** Objects started whose report waits for an earlier one's, at most: a slow object holds back at most this many. */
export const REPORT_WINDOW = 512;

/** Sorted oldest generation first, for the planner and for stable reports. */
function ofBucket(entries: readonly CatalogEntry[], bucket: string): CatalogEntry[] {
  return entries
    .filter((e) => e.value.bucket === bucket)
    .sort((a, b) => (a.kind === 'generation' && b.kind === 'generation' ? compareGenerations(a.value.generation, b.value.generation) : 0));
}

async function planOne(deps: RestoreDeps, request: RestoreRequest, entries: CatalogEntry[]): Promise<Decision | undefined> {
  const wanted = wantedAt(entries, request.selection);
  if (!wanted) return undefined;
  const targetPrefix = request.selection.targetPrefix;
  if (wanted.kind !== 'generation')
    return decide(wanted, { target: { exists: false }, drive: NO_REVISIONS, overwrite: false, targetPrefix });
  const name = targetPrefix + wanted.name;
  let target: TargetFact = { exists: false };
  if (Buffer.byteLength(name, 'utf8') <= MAX_OBJECT_NAME_BYTES) {
    target =
      request.target.kind === 'bucket'
        ? await targetFact(deps.gcs, request.target.bucket, name, deps.scope)
        : await request.target.dir.fact(wanted.name);
  }
  const needsDrive = !target.exists || request.overwrite;
  const drive = needsDrive ? await driveFact(deps.drive, wanted.source.driveFileId, deps.scope) : NO_REVISIONS;
  return decide(wanted, { target, drive, overwrite: request.overwrite, targetPrefix });
}

/** Plans and restores one object (its catalog entries, all of one name); undefined when the request leaves it out. */
export async function restoreOne(deps: RestoreDeps, request: RestoreRequest, entries: CatalogEntry[]): Promise<ObjectReport | undefined> {
  let decision: Decision | undefined;
  try {
    decision = await planOne(deps, request, entries);
  } catch (err) {
    // The facts could not be read (Drive's limits, a target bucket refusing reads): the object's failure.
    const failed = failedWrite(err);
    const result: WriteResult = failed.kind === 'exists' ? { kind: 'failed', reason: 'an unexpected precondition failure' } : failed;
    return { name: entries[0].value.name, result, dryRun: request.dryRun };
  }
  if (!decision) return undefined;
  const { name } = decision;
  if (decision.kind !== 'restore' || request.dryRun) return { name, decision, dryRun: request.dryRun };
  const writer = { gcs: deps.gcs, drive: deps.drive, scope: deps.scope, idleMs: deps.idleMs };
  let result: WriteResult;
  try {
    result =
      request.target.kind === 'bucket'
        ? await writeToBucket(writer, decision, { ...request, bucket: request.target.bucket })
        : await request.target.dir.write(writer, decision, request);
  } catch (err) {
    result = { kind: 'failed', reason: err instanceof Error ? err.message : String(err) };
  }
  return { name, decision, result, dryRun: false };
}

/** Runs the restore; `onObject` hears of every object of it, in the catalog's order, as soon as it can. */
export async function runRestore(deps: RestoreDeps, request: RestoreRequest, onObject: (report: ObjectReport) => void): Promise<void> {
  const parallel = Math.max(1, request.parallel ?? DEFAULT_PARALLEL);
  const running = new Set<Promise<void>>();
  const inOrder = new InOrder(onObject);
  try {
    for await (const group of deps.catalog.entries(request.selection.prefix)) {
      const entries = ofBucket(group, request.sourceBucket);
      if (entries.length === 0) continue;
      const report = inOrder.take();
      const task: Promise<void> = restoreOne(deps, request, entries)
        .then(report, (err: unknown) => {
          report(undefined);
          throw err;
        })
        .finally(() => running.delete(task));
      running.add(task);
      while (running.size >= parallel || (running.size > 0 && inOrder.waiting >= REPORT_WINDOW)) await Promise.race(running);
    }
  } finally {
    await Promise.allSettled(running);
  }
  if (request.target.kind === 'dir' && !request.dryRun) await request.target.dir.finish();
}
