/**
 * Back up one object and write its one outcome line, as the event path does (src/event-handler.ts):
 * shared by `POST /backup`, reconcile and the `backup` command. A failed backup does not throw: it comes
 * back with its verdict (retry or not, and what the operator must do), already logged.
 */
import { backupObject, CheckpointError, type BackupResult } from './backup.js';
import type { ObjectRef } from './event.js';
import type { Runtime } from './runtime.js';
import type { Deadline } from './time-budget.js';
import { failureVerdict, type Verdict } from './verdict.js';

export type OneBackup = ({ ok: true } & BackupResult) | { ok: false; verdict: Verdict; error: unknown };

export interface OneBackupOptions {
  deadline: Deadline;
  /** Unique per attempt: the owner of the object's claim. */
  invocationId: string;
  trace?: string;
  /** See BackupRequest.restoreMissing. */
  restoreMissing?: boolean;
}

export async function backupAndLog(runtime: Runtime, ref: ObjectRef, options: OneBackupOptions): Promise<OneBackup> {
  const started = Date.now();
  const { logger } = runtime;
  const base = { bucket: ref.bucket, name: ref.name, generation: ref.generation, trace: options.trace };
  try {
    const result = await backupObject(runtime, {
      object: ref,
      deadline: options.deadline,
      invocationId: options.invocationId,
      restoreMissing: options.restoreMissing,
    });
    logger.objectOutcome({ ...base, ...result, durationMs: Date.now() - started });
    return { ok: true, ...result };
  } catch (err) {
    const verdict = failureVerdict(err);
    const durationMs = Date.now() - started;
    switch (verdict.log) {
      case 'checkpoint':
        if (err instanceof CheckpointError) logger.uploadCheckpoint({ ...base, offset: err.offset, total: err.total });
        break;
      case 'reauthorize':
        logger.reauthorizeRequired({ secret: runtime.config.tokenSecretVersion, trace: options.trace });
        break;
      case 'operator':
        logger.operatorActionRequired({ ...base, problem: verdict.reason, action: verdict.action });
        break;
      case 'permanent':
        logger.permanentFailure({ ...base, problem: verdict.reason, action: verdict.action });
        break;
      case 'gone':
        logger.objectOutcome({ ...base, outcome: 'skipped', reason: 'generation-gone', durationMs, attempts: 1 });
        break;
      default:
        logger.objectOutcome({ ...base, outcome: 'failed', reason: verdict.reason, durationMs, attempts: 1, error: err });
    }
    return { ok: false, verdict, error: err };
  }
}
