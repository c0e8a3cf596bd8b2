/**
 * One object attempt, one line: backs the object up (pipeline.ts) and writes its outcome. The
 * event path (src/event/handle-event.ts) comes here, and so do `POST /backup`, reconcile and the `backup` command.
 * A failed backup does not throw: it comes back classified (core/classify.ts), already logged with the
 * line the failure table (core/failure-table.ts) names for its kind.
 */
import { classifyFailure } from '../core/classify.js';
import type { Failure } from '../core/failure.js';
import { FAILURE_TABLE, type AttemptLogEvent } from '../core/failure-table.js';
import type { Logger } from '../core/logs.js';
import type { ObjectRef } from '../core/object-ref.js';
import { backupObject, type BackupRequest, type BackupResult } from './pipeline.js';
import type { BackupDeps } from './deps.js';

export type OneBackup = ({ ok: true; attempts: number } & BackupResult) | { ok: false; failure: Failure; error: unknown; attempts: number };

/** The request's own fields (one definition, job.ts's BackupRequest), and what only the line needs. */
export interface OneBackupOptions extends Omit<BackupRequest, 'object' | 'onRetry'> {
  trace?: string;
  /** Failures the caller logs itself instead (the task worker's daily upload limit: one pause line). */
  quiet?: (failure: Failure) => boolean;
}

export async function backupAndLog(runtime: BackupDeps, ref: ObjectRef, options: OneBackupOptions): Promise<OneBackup> {
  const started = Date.now();
  const { logger } = runtime;
  const object = { bucket: ref.bucket, name: ref.name, generation: ref.generation, trace: options.trace };
  /** 1 + the retries this attempt needed, whatever the step. */
  let attempts = 1;
  try {
    const result = await backupObject(runtime, {
      object: ref,
      deadline: options.deadline,
      invocationId: options.invocationId,
      restoreMissing: options.restoreMissing,
      onRateLimit: options.onRateLimit,
      onRetry: () => void attempts++,
    });
    logger.objectOutcome({ ...object, ...result, durationMs: Date.now() - started, attempts });
    return { ok: true, ...result, attempts };
  } catch (err) {
    // Anything not marked by a gateway was raised on the way to Drive, the service most steps talk to.
    const failure = classifyFailure(err, 'drive');
    const attempt: FailedAttempt = {
      object,
      failure,
      error: err,
      durationMs: Date.now() - started,
      attempts,
      secret: runtime.config.tokenSecretVersion,
    };
    if (!options.quiet?.(failure)) logFailedAttempt(logger, attempt);
    return { ok: false, failure, error: err, attempts };
  }
}

export interface FailedAttempt {
  object: { bucket: string; name: string; generation: string; trace?: string };
  failure: Failure;
  error: unknown;
  durationMs: number;
  attempts: number;
  /** The token secret's version, named by a reauthorize line. */
  secret: string;
}

/** Writes the one line the failure table names for the failure's kind. */
export function logFailedAttempt(logger: Logger, attempt: FailedAttempt): void {
  WRITERS[FAILURE_TABLE[attempt.failure.kind].log.event](logger, attempt);
}

const WRITERS: { readonly [E in AttemptLogEvent]: (logger: Logger, a: FailedAttempt) => void } = {
  objectOutcome: (logger, { object, failure, error, durationMs, attempts }) => {
    if (FAILURE_TABLE[failure.kind].outcome === 'skipped') {
      logger.objectOutcome({ ...object, outcome: 'skipped', reason: 'generation-gone', durationMs, attempts });
      return;
    }
    const { kind: failureClass, service, reason } = failure;
    logger.objectOutcome({ ...object, outcome: 'failed', reason, failureClass, service, durationMs, attempts, error });
  },
  uploadCheckpoint: (logger, { object, failure }) => {
    if (failure.kind === 'checkpoint') logger.uploadCheckpoint({ ...object, offset: failure.offset, total: failure.total });
  },
  operatorActionRequired: (logger, { object, failure }) => {
    if (failure.kind !== 'operator') return;
    const { reason: problem, action, problemCode, kind: failureClass, service } = failure;
    logger.operatorActionRequired({ ...object, problem, action, problemCode, failureClass, service });
  },
  reauthorizeRequired: (logger, { object, failure, secret }) => {
    const { kind: failureClass, service } = failure;
    const problemCode = 'problemCode' in failure ? failure.problemCode : 'reauthorize';
    logger.reauthorizeRequired({ ...object, secret, problemCode, failureClass, service });
  },
  permanentFailure: (logger, { object, failure }) => {
    if (failure.kind !== 'permanent') return;
    const { reason: problem, action, problemCode, kind: failureClass, service } = failure;
    logger.permanentFailure({ ...object, problem, action, problemCode, failureClass, service });
  },
};
