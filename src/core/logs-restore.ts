/**
 * The log lines of restores run by the deployed function (`POST /restore`): one `restoreRun` line per call (the restore's counts so far) and one `restoreTask`
 * line per task dispatch; a copy Cloud Storage kept although it failed verification and could not be
 * deleted (the runtime account may only create objects in a restore bucket) is an ERROR, so it is seen.
 */
import type { Emit } from './logs-entry.js';

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

export interface RestoreLog {
  /** One line per `POST /restore` call: the restore's counts so far, done or to be continued. */
  restoreRun(e: RestoreRunLine): void;
  /** One line per restore task: what became of its object. */
  restoreTask(e: RestoreTaskLine): void;
}

export function restoreLog(emit: Emit): RestoreLog {
  return { restoreRun: (e) => restoreRun(emit, e), restoreTask: (e) => restoreTask(emit, e) };
}

function restoreRun(emit: Emit, e: RestoreRunLine): void {
  const counts = Object.entries(e.counts)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const end = e.done ? 'done' : `to be continued (${e.remaining} in tasks)`;
  const message = `restore ${e.id} into gs://${e.target} (${e.mode}): ${counts || 'nothing yet'}; ${end}`;
  emit(e.problemCount > 0 ? 'WARNING' : 'INFO', 'restoreRun', message, e);
}

export interface RestoreTaskLine {
  restore: string;
  task: string;
  name: string;
  generation: string;
  verdict: { kind: string; status?: string; reason?: string; line?: string };
}

function restoreTask(emit: Emit, e: RestoreTaskLine): void {
  const { verdict } = e;
  const what = `restore ${e.restore}: ${verdict.kind}${verdict.status !== undefined ? ` ${verdict.status}` : ''}`;
  if (verdict.status === 'mismatch' && verdict.line?.includes('could not be deleted') === true) {
    emit('ERROR', 'restoreTask', `${what}: a copy that failed verification is left in the target, delete it by hand: ${verdict.line}`, e);
  } else if (verdict.kind === 'retry')
    emit('INFO', 'restoreTask', `${what}: Drive refused the download for now (${verdict.reason ?? ''}); the task is retried`, e);
  else emit('INFO', 'restoreTask', what, e);
}
