/**
 * Every log line the product writes: one JSON object per line on stdout, in the shape Cloud Logging
 * parses (`severity`, `message`, `logging.googleapis.com/trace`, other keys land in `jsonPayload`).
 * Each log event is a named method of the logger so the events can be found, filtered (`jsonPayload.event`)
 * and tested; the generic `debug/info/warn/error` are for the few one-off lines.
 * Redaction runs on every line (core/log-redaction.ts): what is secret, never what merely looks like it.
 * The events are grouped by concern in the files beside this one (logs-object, logs-operator, logs-tasks,
 * logs-runs, logs-restore; the envelope in logs-entry); a new event goes in the file of its concern, or a new one.
 */
import { createEmitter, type Fields, type LoggerOptions } from './logs-entry.js';
import { objectLog, type ObjectLog } from './logs-object.js';
import { operatorLog, type OperatorLog } from './logs-operator.js';
import { restoreLog, type RestoreLog } from './logs-restore.js';
import { runLog, type RunLog } from './logs-runs.js';
import { tasksLog, type TasksLog } from './logs-tasks.js';

export { REDACTED } from './log-redaction.js';
export { projectFromEnv, traceFields, type Fields, type LoggerOptions, type Severity } from './logs-entry.js';
export type { ObjectOutcome } from './logs-object.js';
export type { FailureFields, ProblemFields } from './logs-operator.js';
export type { ReconcileSummary } from './logs-runs.js';

export interface Logger extends ObjectLog, OperatorLog, TasksLog, RunLog, RestoreLog {
  /** Every later line has `value` replaced by `[REDACTED]`. Values under 6 characters are ignored. */
  registerSecret(value: string): void;
  debug(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const { emit, registerSecret } = createEmitter(options);
  return {
    registerSecret,
    ...objectLog(emit),
    ...operatorLog(emit),
    ...tasksLog(emit),
    ...runLog(emit),
    ...restoreLog(emit),
    debug: (message, fields) => emit('DEBUG', undefined, message, fields),
    info: (message, fields) => emit('INFO', undefined, message, fields),
    warn: (message, fields) => emit('WARNING', undefined, message, fields),
    error: (message, fields) => emit('ERROR', undefined, message, fields),
  };
}
