/**
 * Step 1 of the event path, the CloudEvent function body: parse the Eventarc event (parse-event.ts), log
 * that it arrived, then back the object up (src/backup/backup-and-log.ts) — or, with DISPATCH=tasks, enqueue its
 * backup (src/tasks/enqueue.ts), or with DISPATCH=auto either, as back-pressure says (src/tasks/auto-dispatch.ts)
 * — or record its deletion (mirror-delete.ts), and either return (acknowledge)
 * or throw (Eventarc retries), as retry-decision.ts says. Malformed events, and events for a bucket this
 * deployment does not back up (config/source-bucket.ts), are acknowledged with one ERROR line — never an
 * endless retry, never a copy. Without SOURCE_BUCKET the function cannot tell its trigger's events from
 * forged ones: that is a configuration error, and events are retried until it is set.
 */
import { randomUUID } from 'node:crypto';
import { ConfigError } from '../config/config.js';
import { bucketScopeProblem } from '../config/source-bucket.js';
import { classifyFailure } from '../core/classify.js';
import { describeRef, type ObjectRef } from '../core/object-ref.js';
import { createDeadline } from '../core/time-budget.js';
import { MalformedEventError, parseStorageEvent } from './parse-event.js';
import { enqueueBackup } from '../tasks/enqueue.js';
import { mirrorDelete } from './mirror-delete.js';
import { backupAndLog } from '../backup/backup-and-log.js';
import { autoBackup, autoDispatch } from '../tasks/auto-dispatch.js';
import { runtimeOrConfigError, type RuntimeSource } from '../tasks/dispatch.js';
import { eventFate, type EventEnd } from './retry-decision.js';

/** The error thrown back to Eventarc: a short sentence, no stack of ours, no secrets. */
export class RetryLaterError extends Error {}

export async function handleStorageEvent(source: RuntimeSource, cloudEvent: unknown): Promise<void> {
  const started = Date.now();
  const { logger } = source;
  let event;
  try {
    event = parseStorageEvent(cloudEvent);
  } catch (err) {
    if (!(err instanceof MalformedEventError)) throw err;
    logger.malformedEvent({ id: eventId(cloudEvent), problems: err.problems });
    return settle({ kind: 'malformed' }, 'malformed event');
  }
  if (event.kind === 'ignored') {
    logger.eventIgnored({ type: event.type, id: event.id });
    return settle({ kind: 'ignored' }, `event type ${event.type}`);
  }
  const ref: ObjectRef = event.object;
  const base = { bucket: ref.bucket, name: ref.name, generation: ref.generation, trace: event.traceparent };
  logger.eventReceived({ ...base, eventType: event.kind, eventId: event.id });

  const runtime = await runtimeOrConfigError(source);
  if (runtime instanceof ConfigError) return settle({ kind: 'config-invalid' }, `invalid configuration: ${runtime.variable}`);
  const deadline = createDeadline(runtime.config.deadlineMs);

  const { sourceBucket, stateBucket } = runtime.config;
  if (ref.bucket === stateBucket) {
    logger.eventIgnored({ type: `${event.kind} in the state bucket`, id: event.id });
    return settle({ kind: 'state-bucket' }, 'event in the state bucket');
  }
  if (sourceBucket === undefined) {
    const message =
      'SOURCE_BUCKET is not set: the event function backs up only the bucket its trigger watches, named there; events are retried until it is set';
    logger.configInvalid({ variable: 'SOURCE_BUCKET', message });
    return settle({ kind: 'config-invalid' }, 'invalid configuration: SOURCE_BUCKET');
  }
  const refused = bucketScopeProblem(ref.bucket, { sourceBucket, stateBucket });
  if (refused !== undefined) {
    logger.eventBucketRefused({ ...base, eventType: event.kind, eventId: event.id, problem: refused });
    return settle({ kind: 'bucket-refused' }, refused);
  }
  if (event.kind === 'deleted') {
    try {
      const result = await mirrorDelete(runtime, ref, event.time ?? new Date(started).toISOString(), { deadline });
      logger.deleteMirrored({ ...base, result, durationMs: Date.now() - started });
    } catch (err) {
      const failure = classifyFailure(err, 'drive');
      const reason = `recording the deletion: ${failure.reason}`;
      const durationMs = Date.now() - started;
      logger.objectOutcome({
        ...base,
        outcome: 'failed',
        reason,
        failureClass: failure.kind,
        service: failure.service,
        durationMs,
        attempts: 1,
      });
      return settle(
        { kind: 'failed', failure: failure.kind },
        `recording the deletion of gs://${ref.bucket}/${ref.name} will be retried: ${failure.reason}`,
      );
    }
    return settle({ kind: 'done' }, 'deletion recorded');
  }

  const auto = autoDispatch(runtime.dispatch);
  if (auto) {
    const invocationId = `${event.id}/${randomUUID()}`;
    const result = await autoBackup(runtime, auto, ref, { deadline, invocationId, trace: event.traceparent });
    if (result.ok) return settle({ kind: 'done' }, 'backed up');
    return settle(
      { kind: 'failed', failure: result.failure.kind },
      `backup of ${describeRef(ref)} will be retried: ${result.failure.reason}`,
    );
  }
  if (runtime.dispatch) {
    const result = await enqueueBackup(runtime, runtime.dispatch, ref, { deadline, trace: event.traceparent });
    if (result.ok) return settle({ kind: 'done' }, 'enqueued');
    return settle(
      { kind: 'failed', failure: result.failure.kind },
      `enqueueing the backup of ${describeRef(ref)} will be retried: ${result.failure.reason}`,
    );
  }
  const outcome = await backupAndLog(runtime, ref, { deadline, invocationId: `${event.id}/${randomUUID()}`, trace: event.traceparent });
  if (outcome.ok) return settle({ kind: 'done' }, 'backed up');
  return settle(
    { kind: 'failed', failure: outcome.failure.kind },
    `backup of ${describeRef(ref)} will be retried: ${outcome.failure.reason}`,
  );
}

/** Return (acknowledge the event) or throw `retryMessage` back to Eventarc, as eventFate decides. */
function settle(end: EventEnd, retryMessage: string): void {
  if (eventFate(end) === 'retry') throw new RetryLaterError(retryMessage);
}

function eventId(cloudEvent: unknown): string | undefined {
  const id = (cloudEvent as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}
