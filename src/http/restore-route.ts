/**
 * `POST /restore`: a restore run by the deployed function, for restores too large for a laptop.
 *   {"to": "gs://BUCKET[/PREFIX]", "prefix"?, "include"?, "exclude"?, "at"? | "generation"?, "dryRun"?,
 *    "overwrite"?, "acknowledgeAbuse"?, "customTime"?, "maxSeconds"?}  starts one (src/restore/request.ts);
 *   {"id", "maxSeconds"?}                                                continues it, or says how far it is.
 * Either answers 200 with the restore's id and progress (counts per outcome, `done`, `remaining`). The
 * target must be a bucket RESTORE_BUCKETS lists (403 otherwise, nothing written); the catalog is the state
 * bucket's (restoring from Drive alone is the command line's `--from-drive`: the function keeps its
 * progress in the state bucket). Each call works within the invocation's budget (src/restore/budgeted-run.ts);
 * with DISPATCH=tasks or auto it fans out one task per object, and a dispatch of such a task (the
 * queue's OIDC token verified) restores its one object (src/restore/object-task.ts). A call that ends
 * before the catalog does enqueues, with a queue, its own continuation (one task per restore and cursor),
 * so a restore whose caller died still ends; without a queue its answer says how to continue. A request
 * naming no time, posted again, continues its unfinished restore (src/restore/progress.ts).
 */
import type { Runtime } from '../tasks/dispatch.js';
import { classifyFailure } from '../core/classify.js';
import { badRequest, failureReply, RETRY_AFTER_SECONDS, type HttpReply } from '../core/failure-status.js';
import { describeValue as describe, isRecord } from '../core/text.js';
import { createDeadline } from '../core/time-budget.js';
import { continueRestore, type ContinueTaskBody, type RestoreTaskBody } from '../restore/budgeted-run.js';
import { restoreObjectTask } from '../restore/object-task.js';
import { progressOf, RestoreRecords, type RestoreRecord } from '../restore/progress.js';
import { isRestoreId, parseRestoreSpec, remoteTargetRefusal, restoreIdOf } from '../restore/request.js';
import { StateCatalog } from '../restore/state-catalog.js';
import { restoreContinueTaskId, restoreTaskId } from '../tasks/task-name.js';
import type { ClaimedTask } from './backup-route.js';

/** Objects a direct-mode call restores at once. */
const PARALLEL = 4;

export async function restoreRoute(runtime: Runtime, body: unknown, claimed?: ClaimedTask): Promise<HttpReply> {
  if (claimed !== undefined && runtime.dispatch !== undefined) {
    const verdict = await runtime.dispatch.verifyDispatcher(claimed.authorization);
    if (verdict.ok) return restoreTask(runtime, body, claimed.task);
    runtime.logger.taskHeadersIgnored({ task: claimed.task, reason: verdict.reason });
  }
  const { config } = runtime;
  if (!isRecord(body)) return badRequest([`body must be a JSON object, got ${describe(body)}`]);
  const limit = config.deadlineMs / 1000;
  const maxSeconds = body.maxSeconds ?? limit;
  const problems: string[] = [];
  if (typeof maxSeconds !== 'number' || !Number.isFinite(maxSeconds) || maxSeconds <= 0 || maxSeconds > limit)
    problems.push(`maxSeconds must be a number above 0 and at most ${limit}, got ${describe(maxSeconds)}`);
  const sourceBucket = config.sourceBucket;
  if (sourceBucket === undefined) problems.push('SOURCE_BUCKET is not set: the function restores the backup of that bucket');
  const records = new RestoreRecords(runtime.store);

  let record: { value: RestoreRecord; version: string } | undefined;
  if (body.id !== undefined) {
    const others = Object.keys(body).filter((k) => k !== 'id' && k !== 'maxSeconds');
    if (!isRestoreId(body.id))
      problems.push(`id must be a restore id (32 hex digits) as POST /restore answered it, got ${describe(body.id)}`);
    if (others.length > 0)
      problems.push(`a body with id continues that restore and takes only maxSeconds beside it, not ${others.join(', ')}`);
    if (problems.length > 0) return badRequest(problems);
    record = await records.read(body.id as string);
    if (!record) return { status: 404, body: { error: `no restore ${body.id as string} in the state bucket` } };
  } else {
    const parsed = parseRestoreSpec(body, ['maxSeconds', 'fromDrive']);
    if (!parsed.ok) problems.push(...parsed.problems);
    if (body.fromDrive !== undefined && body.fromDrive !== false)
      problems.push(
        `fromDrive must be false, got ${describe(body.fromDrive)}: the function restores from the state bucket's history; from Drive alone, run restore --from-drive on the command line`,
      );
    if (problems.length > 0 || !parsed.ok || sourceBucket === undefined) return badRequest(problems);
    const refusal = remoteTargetRefusal(parsed.value.to.bucket, { ...config, sourceBucket });
    if (refusal) return { status: 403, body: { error: refusal } };
    // A request naming no time restores the newest state: posted again, it continues its unfinished restore.
    const latest = parsed.value.atMs === undefined && parsed.value.generation === undefined ? restoreIdOf(parsed.value) : undefined;
    const spec = { ...parsed.value, atMs: parsed.value.atMs ?? Date.now() };
    const now = new Date().toISOString();
    const mode = runtime.dispatch !== undefined && !spec.dryRun ? 'tasks' : 'direct';
    const fresh: RestoreRecord = {
      ...{ v: 1, id: restoreIdOf(spec), spec, sourceBucket, mode, listed: false },
      ...{ counts: {}, enqueued: 0, bytes: 0, problems: [], startedAt: now, updatedAt: now },
    };
    try {
      record = latest === undefined ? undefined : await records.unfinished(latest);
      if (!record) {
        record = await records.open(fresh);
        if (latest !== undefined) await records.setLatest(latest, fresh.id);
      }
    } catch (err) {
      return failureReply(classifyFailure(err, 'state'), `restore ${fresh.id}`);
    }
  }
  if (problems.length > 0) return badRequest(problems);
  return runShare(runtime, records, record, (maxSeconds as number) * 1000);
}

/** The call's share of the restore, then its progress. */
async function runShare(
  runtime: Runtime,
  records: RestoreRecords,
  start: { value: RestoreRecord; version: string },
  budgetMs: number,
): Promise<HttpReply> {
  const dispatch = runtime.dispatch;
  let record = start;
  const started = Date.now();
  try {
    if (!record.value.listed) {
      record = await continueRestore(
        {
          catalog: new StateCatalog({ store: runtime.store, bucket: record.value.sourceBucket }),
          gcs: runtime.source,
          drive: runtime.drive,
          idleMs: runtime.config.ioIdleTimeoutMs,
          records,
          budget: createDeadline(budgetMs),
          parallel: PARALLEL,
          ...(dispatch !== undefined
            ? {
                enqueue: (task: RestoreTaskBody) =>
                  dispatch.queue.createTask(restoreTaskId(task.restore, task), dispatch.queue.routeUrl('restore'), task),
              }
            : {}),
        },
        record,
      );
    }
    // Not walked to the end: with a queue, the function continues by itself (its caller may be gone).
    const continues = !record.value.listed && dispatch !== undefined;
    if (continues) {
      const next: ContinueTaskBody = { restore: record.value.id, after: record.value.cursor ?? '', maxSeconds: budgetMs / 1000 };
      await dispatch.queue.createTask(restoreContinueTaskId(next.restore, next.after), dispatch.queue.routeUrl('restore'), next);
    }
    const progress = progressOf(record.value, record.value.mode === 'tasks' ? await records.markers(record.value.id) : []);
    runtime.logger.restoreRun({
      ...progress,
      mode: record.value.mode,
      target: record.value.spec.to.bucket,
      durationMs: Date.now() - started,
    });
    const { spec } = record.value;
    const at = spec.generation === undefined ? { at: new Date(spec.atMs).toISOString() } : { generation: spec.generation };
    const resume = progress.listed
      ? {}
      : continues
        ? {
            continues: true,
            resume: `the function continues restore ${progress.id} by itself (a task of its queue); POST {"id"} to follow it`,
          }
        : {
            resume: `restore ${progress.id} is not finished and nothing continues it but its caller: POST {"id":"${progress.id}"} again, or the same request again (restore --remote with the same options)`,
          };
    return {
      status: 200,
      body: { ...progress, mode: record.value.mode, to: `gs://${spec.to.bucket}/${spec.to.prefix}`, ...at, ...resume },
    };
  } catch (err) {
    const reason = classifyFailure(err, 'state').reason;
    return {
      status: 503,
      body: {
        id: record.value.id,
        error: `restore ${record.value.id} stopped: ${reason}; call again with {"id"} to continue`,
        retry: true,
      },
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    };
  }
}

/**
 * A dispatch of a restore's continuation: walks on from the cursor it names, unless another call moved the
 * cursor meanwhile (that call enqueued its own continuation: this one is spent) or the walk is over.
 */
async function continueTask(runtime: Runtime, task: ContinueTaskBody): Promise<HttpReply> {
  const records = new RestoreRecords(runtime.store);
  try {
    const record = await records.read(task.restore);
    if (!record || record.value.listed || (record.value.cursor ?? '') !== task.after)
      return { status: 200, body: { acknowledged: true, continued: false } };
    const limit = runtime.config.deadlineMs / 1000;
    const seconds = Number.isFinite(task.maxSeconds) && task.maxSeconds > 0 ? Math.min(task.maxSeconds, limit) : limit;
    return await runShare(runtime, records, record, seconds * 1000);
  } catch (err) {
    const failure = classifyFailure(err, 'state');
    return {
      status: 503,
      body: { error: `restore ${task.restore}: ${failure.reason}`, retry: true },
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    };
  }
}

/** A dispatch of one restore task. 2xx ends the task; 429 has Cloud Tasks retry it later. */
async function restoreTask(runtime: Runtime, body: unknown, taskId: string): Promise<HttpReply> {
  if (isRecord(body) && isRestoreId(body.restore) && typeof body.after === 'string' && typeof body.maxSeconds === 'number')
    return continueTask(runtime, body as unknown as ContinueTaskBody);
  const task =
    isRecord(body) && isRestoreId(body.restore) && typeof body.name === 'string' && typeof body.generation === 'string'
      ? (body as unknown as RestoreTaskBody)
      : undefined;
  if (!task) return { status: 200, body: { acknowledged: true, error: 'invalid restore task body' } };
  const records = new RestoreRecords(runtime.store);
  try {
    const verdict = await restoreObjectTask(
      {
        records,
        catalogOf: (record, name) => new StateCatalog({ store: runtime.store, bucket: record.sourceBucket, objectName: name }),
        gcs: runtime.source,
        drive: runtime.drive,
        idleMs: runtime.config.ioIdleTimeoutMs,
        leaseMs: runtime.config.deadlineMs,
      },
      task,
      taskId,
    );
    runtime.logger.restoreTask({ restore: task.restore, name: task.name, generation: task.generation, task: taskId, verdict });
    if (verdict.kind === 'retry')
      return { status: 429, body: { retry: true, error: verdict.reason }, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } };
    return { status: 200, body: { ...verdict } };
  } catch (err) {
    const failure = classifyFailure(err, 'state');
    return {
      status: 503,
      body: { error: `restore task ${taskId}: ${failure.reason}`, retry: true },
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    };
  }
}
