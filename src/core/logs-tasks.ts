/**
 * The lines of tasks and auto dispatch: an object's backup enqueued, the queue paused and resumed around
 * Drive's daily upload limit, a task deferred by the pause, and auto's back-pressure raised.
 */
import { where, type Emit, type ObjectId, type Traced } from './logs-entry.js';
import type { ProblemFields } from './logs-operator.js';

/** The backup queue (DISPATCH=tasks) and its pause. */
export interface QueueFields {
  readonly queue: string;
  /** ISO 8601: when the pause ends (the next tick after it resumes the queue). */
  readonly resumeAt: string;
}

export interface TasksLog {
  /** DISPATCH=tasks: the object's backup is a task (`created: false`: that task was there already). */
  backupEnqueued(e: ObjectId & { queue: string; task: string; created: boolean; restoreMissing?: boolean } & Traced): void;
  /** The one ERROR line of a pause: Drive's daily upload limit paused the queue until `resumeAt`. */
  queuePaused(e: Partial<ObjectId> & ProblemFields & QueueFields & Traced): void;
  /** The one INFO line of a resume: the tick resumed the queue once its pause was over. */
  queueResumed(e: QueueFields & { pausedAt: string }): void;
  /** A task met the pause (or Drive's limit while another worker paused): it is retried after the resume. */
  taskDeferred(e: ObjectId & QueueFields & { reason: string } & Traced): void;
  backPressureRaised(e: ObjectId & { queue: string; until: string; reason: string } & Traced): void;
}

export function tasksLog(emit: Emit): TasksLog {
  return {
    backupEnqueued(e) {
      const what = e.created ? 'enqueued' : 'already queued (duplicate event)';
      emit('INFO', 'backupEnqueued', `${what}: the backup of ${where(e)} as task ${e.task} of ${e.queue}`, e);
    },
    queuePaused(e) {
      const message = `${e.problem}: paused the backup queue ${e.queue} until ${e.resumeAt}; the scheduler's tick resumes it then and its tasks wait, nothing is lost`;
      emit('ERROR', 'queuePaused', message, { ...e, outcome: 'failed' });
    },
    queueResumed(e) {
      emit('INFO', 'queueResumed', `resumed the backup queue ${e.queue} (paused at ${e.pausedAt} until ${e.resumeAt})`, e);
    },
    taskDeferred(e) {
      emit('INFO', 'taskDeferred', `${where(e)}: deferred while the queue ${e.queue} is paused until ${e.resumeAt} (${e.reason})`, e);
    },
    backPressureRaised(e) {
      const message = `${where(e)}: Drive refused a direct backup (${e.reason}); events go to the queue ${e.queue} until ${e.until}, then direct again once it is empty`;
      emit('WARNING', 'backPressureRaised', message, e);
    },
  };
}
