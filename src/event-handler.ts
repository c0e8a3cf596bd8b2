/**
 * The CloudEvent function body: parse the Eventarc event, back the object up, log one outcome line, and
 * either return (acknowledge) or throw (Eventarc retries). Malformed events are acknowledged with one
 * ERROR line — never an endless retry.
 */
import { randomUUID } from 'node:crypto';
import { MalformedEventError, parseStorageEvent, type ObjectRef } from './event.js';
import { backupAndLog } from './backup-and-log.js';
import { failureVerdict } from './verdict.js';
import { createDeadline } from './time-budget.js';
import { ConfigError } from './config.js';
import { mirrorDelete } from './delete-mirror.js';
import type { Runtime } from './runtime.js';
import type { Logger } from './logs.js';

export interface RuntimeSource {
  logger: Logger;
  get(): Promise<Runtime>;
}

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
    return;
  }
  if (event.kind === 'ignored') {
    logger.eventIgnored({ type: event.type, id: event.id });
    return;
  }

  let runtime: Runtime;
  try {
    runtime = await source.get();
  } catch (err) {
    if (err instanceof ConfigError) {
      logger.configInvalid({ variable: err.variable, message: err.message });
      throw new RetryLaterError(`invalid configuration: ${err.variable}`);
    }
    throw err;
  }
  const deadline = createDeadline(runtime.config.deadlineMs);
  const ref: ObjectRef = event.object;
  const base = { bucket: ref.bucket, name: ref.name, generation: ref.generation, trace: event.traceparent };

  if (ref.bucket === runtime.config.stateBucket) {
    logger.eventIgnored({ type: `${event.kind} in the state bucket`, id: event.id });
    return;
  }
  if (event.kind === 'deleted') {
    if (runtime.config.deleteMode !== 'trash') return logger.eventIgnored({ type: 'deleted (DELETE_MODE=keep)', id: event.id });
    try {
      const result = await mirrorDelete(runtime, ref);
      logger.deleteMirrored({ ...base, result, durationMs: Date.now() - started });
    } catch (err) {
      const verdict = failureVerdict(err);
      logger.objectOutcome({
        ...base,
        outcome: 'failed',
        reason: `trashing the backup: ${verdict.reason}`,
        durationMs: Date.now() - started,
        attempts: 1,
      });
      if (verdict.retry)
        throw new RetryLaterError(`trashing the backup of gs://${ref.bucket}/${ref.name} will be retried: ${verdict.reason}`);
    }
    return;
  }

  const outcome = await backupAndLog(runtime, ref, { deadline, invocationId: `${event.id}/${randomUUID()}`, trace: event.traceparent });
  if (!outcome.ok && outcome.verdict.retry) {
    throw new RetryLaterError(`backup of gs://${ref.bucket}/${ref.name}#${ref.generation} will be retried: ${outcome.verdict.reason}`);
  }
}

function eventId(cloudEvent: unknown): string | undefined {
  const id = (cloudEvent as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}
