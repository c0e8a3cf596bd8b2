/**
 * The log lines of restores run by the deployed function (`POST /restore`), apart from src/core/logs.ts
 * (at its size cap): one `restoreRun` line per call (the restore's counts so far) and one `restoreTask`
 * line per task dispatch; a copy Cloud Storage kept although it failed verification and could not be
 * deleted (the runtime account may only create objects in a restore bucket) is an ERROR, so it is seen.
 * Written through the logger's generic methods, the event's name in `restoreEvent`.
 */
import type { Logger } from './logs.js';

export interface RestoreRunLine {
  id: string;
  mode: 'direct' | 'tasks';
  target: string;
  done: boolean;
  counts: Record<string, number>;
  remaining: number;
  problemCount: number;
  durationMs: number;
}

export function logRestoreRun(logger: Logger, e: RestoreRunLine): void {
  const counts = Object.entries(e.counts)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const end = e.done ? 'done' : `to be continued (${e.remaining} in tasks)`;
  const message = `restore ${e.id} into gs://${e.target} (${e.mode}): ${counts || 'nothing yet'}; ${end}`;
  const fields = { restoreEvent: 'restoreRun', ...e };
  if (e.problemCount > 0) logger.warn(message, fields);
  else logger.info(message, fields);
}

export interface RestoreTaskLine {
  restore: string;
  task: string;
  name: string;
  generation: string;
  verdict: { kind: string; status?: string; reason?: string; line?: string };
}

export function logRestoreTask(logger: Logger, e: RestoreTaskLine): void {
  const { verdict } = e;
  const fields = { restoreEvent: 'restoreTask', ...e };
  const what = `restore ${e.restore}: ${verdict.kind}${verdict.status !== undefined ? ` ${verdict.status}` : ''}`;
  if (verdict.status === 'mismatch' && verdict.line?.includes('could not be deleted') === true) {
    logger.error(`${what}: a copy that failed verification is left in the target, delete it by hand: ${verdict.line}`, fields);
  } else if (verdict.kind === 'retry')
    logger.info(`${what}: Drive refused the download for now (${verdict.reason ?? ''}); the task is retried`, fields);
  else logger.info(what, fields);
}
