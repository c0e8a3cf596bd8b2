/**
 * Every log line the product writes: one JSON object per line on stdout, in the shape Cloud Logging
 * parses (`severity`, `message`, `logging.googleapis.com/trace`, other keys land in `jsonPayload`).
 * Each log event is a named method of the logger so the events can be found, filtered (`jsonPayload.event`)
 * and tested; the generic `debug/info/warn/error` are for the few one-off lines.
 * Redaction runs on every line (core/log-redaction.ts): what is secret, never what merely looks like it.
 */
import type { FailureKind, ProblemCode, Service } from './failure.js';
import { createRedactor, verbatimStrings } from './log-redaction.js';
export { REDACTED } from './log-redaction.js';

export type Severity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR';
export type Fields = Readonly<Record<string, unknown>>;

/** `trace` is a W3C traceparent (needs `project`) or a ready `projects/P/traces/T`. */
type Traced = { readonly trace?: string };
type ObjectId = { readonly bucket: string; readonly name: string; readonly generation: string };

/** What a failed line carries so metrics and alerts can group it: the failure's kind and service. */
export interface FailureFields {
  readonly failureClass: FailureKind;
  readonly service: Service;
}

/** What operator, reauthorize and permanent lines carry on top (the logger adds `outcome: "failed"`). */
export interface ProblemFields extends FailureFields {
  readonly problem: string;
  readonly action: string;
  readonly problemCode: ProblemCode;
}

interface OutcomeCommon extends ObjectId, Traced {
  readonly reason?: string;
  readonly bytes?: number;
  readonly durationMs: number;
  readonly driveFileId?: string;
  readonly attempts: number;
  readonly error?: unknown;
}

/** The one outcome line of an object attempt; a failed one says what failed and where. */
export type ObjectOutcome = OutcomeCommon &
  ({ readonly outcome: 'uploaded' | 'revised' | 'skipped' } | ({ readonly outcome: 'failed' } & FailureFields));

/** The counts of one reconcile run (src/reconcile/report.ts), without its lists. */
export interface ReconcileSummary {
  readonly bucket: string;
  readonly prefix: string;
  readonly dryRun: boolean;
  readonly scanned: number;
  readonly uploaded: number;
  readonly revised: number;
  readonly skipped: number;
  readonly failed: number;
  readonly done: boolean;
  readonly cursor?: string;
  readonly cursorSaved?: boolean;
  readonly durationMs: number;
  readonly error?: unknown;
  /** DISPATCH=tasks: objects handed to the queue instead of copied. */
  readonly enqueued?: number;
}

/** The backup queue (DISPATCH=tasks) and its pause. */
interface QueueFields {
  readonly queue: string;
  /** ISO 8601: when the pause ends (the next tick after it resumes the queue). */
  readonly resumeAt: string;
}

export interface Logger {
  /** Every later line has `value` replaced by `[REDACTED]`. Values under 6 characters are ignored. */
  registerSecret(value: string): void;
  /** One per parsed storage event (finalized or deleted), before any filtering. */
  eventReceived(e: ObjectId & { eventType: 'finalized' | 'deleted'; eventId: string } & Traced): void;
  objectOutcome(e: ObjectOutcome): void;
  eventIgnored(e: { type: string; id: string } & Traced): void;
  malformedEvent(e: { id?: string; problems: readonly string[] } & Traced): void;
  /** The one ERROR line of an event for a bucket this deployment does not back up: acknowledged, never copied. */
  eventBucketRefused(e: ObjectId & { eventType: 'finalized' | 'deleted'; eventId: string; problem: string } & Traced): void;
  configInvalid(e: { variable: string; message: string }): void;
  /** `problem` and `action` default to the sentence the line's message says. */
  reauthorizeRequired(e: Partial<ObjectId> & { secret: string; error?: unknown } & Partial<ProblemFields> & Traced): void;
  operatorActionRequired(e: Partial<ObjectId> & ProblemFields & { error?: unknown } & Traced): void;
  permanentFailure(e: ObjectId & ProblemFields & { error?: unknown } & Traced): void;
  retrying(e: { what: string; attempt: number; delayMs: number; reason: string; error?: unknown } & Traced): void;
  uploadCheckpoint(e: ObjectId & { offset: number; total: number } & Traced): void;
  /** KEEP_REVISIONS_FOREVER at Drive's 200: the oldest kept revision was deleted, or the new one is not kept. */
  keptRevisionReleased(
    e: ObjectId & { driveFileId: string; keptForever: number; revisionId?: string; revisionModifiedTime?: string } & Traced,
  ): void;
  /** A Drive folder holds Drive's maximum of items: new items of its path go to the overflow folder beside it. */
  folderOverflowed(e: { folder: string; fullFolderId: string; overflowFolderId: string; overflowFolderName: string } & Traced): void;
  /** DELETE_MODE=trash: what a `deleted` event did to the object's backup. */
  deleteMirrored(e: ObjectId & { result: 'trashed' | 'recorded' | 'overwritten' | 'not-backed-up'; durationMs: number } & Traced): void;
  reconcileFinished(e: ReconcileSummary & Traced): void;
  /** DISPATCH=tasks: the object's backup is a task (`created: false`: that task was there already). */
  backupEnqueued(e: ObjectId & { queue: string; task: string; created: boolean; restoreMissing?: boolean } & Traced): void;
  /** The one ERROR line of a pause: Drive's daily upload limit paused the queue until `resumeAt`. */
  queuePaused(e: Partial<ObjectId> & ProblemFields & QueueFields & Traced): void;
  /** The one INFO line of a resume: the tick resumed the queue once its pause was over. */
  queueResumed(e: QueueFields & { pausedAt: string }): void;
  /** A task met the pause (or Drive's limit while another worker paused): it is retried after the resume. */
  taskDeferred(e: ObjectId & QueueFields & { reason: string } & Traced): void;
  backPressureRaised(e: ObjectId & { queue: string; until: string; reason: string } & Traced): void;
  httpRequestRejected(e: { method: string; path: string; status: number; error: string } & Traced): void;
  /** DISPATCH=tasks: a `POST /backup` with task headers but not the dispatcher's token, run as an ordinary one. */
  taskHeadersIgnored(e: { task: string; reason: string } & Traced): void;
  httpHandlerFailed(e: { method: string; path: string; error: unknown } & Traced): void;
  debug(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
}

export interface LoggerOptions {
  /** Receives each line without its newline; defaults to stdout. */
  readonly write?: (line: string) => void;
  /** Google Cloud project id, to turn traceparents into trace resource names. */
  readonly project?: string;
}

/** The project id Cloud Run / functions expose, for `createLogger({ project })`. */
export function projectFromEnv(env: Record<string, string | undefined>): string | undefined {
  return env.GOOGLE_CLOUD_PROJECT || env.GCLOUD_PROJECT || undefined;
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const TRACE_NAME = /^projects\/[^/]+\/traces\/[0-9a-f]{32}$/;

export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const { registerSecret, redactString, sanitize } = createRedactor(describeError);

  const emit = (severity: Severity, event: string | undefined, message: string, fields: object = {}): void => {
    const { trace, ...rest } = fields as Record<string, unknown>;
    const verbatim = verbatimStrings(rest);
    const entry = {
      severity,
      message: redactString(message, verbatim),
      ...(event !== undefined ? { event } : {}),
      ...(sanitize(withoutReserved(rest), verbatim) as Record<string, unknown>),
      ...traceFields(typeof trace === 'string' ? trace : undefined, options.project),
    };
    write(redactString.inJson(JSON.stringify(entry)));
  };

  const where = (o: Partial<ObjectId>): string => {
    if (o.bucket === undefined) return '';
    return `gs://${o.bucket}/${o.name ?? ''}${o.generation !== undefined ? `#${o.generation}` : ''}`;
  };

  return {
    registerSecret,
    eventReceived(e) {
      emit('INFO', 'eventReceived', `received ${e.eventType} event ${e.eventId} for ${where(e)}`, e);
    },
    objectOutcome(e) {
      const detail = e.reason !== undefined ? `: ${e.reason}` : '';
      const size = e.bytes !== undefined ? `${e.bytes} bytes in ` : '';
      const message = `${e.outcome} ${where(e)} (${size}${e.durationMs} ms)${detail}`;
      emit(e.outcome === 'failed' ? 'ERROR' : 'INFO', 'objectOutcome', message, e);
    },
    eventIgnored(e) {
      emit('INFO', 'eventIgnored', `ignored event ${e.id} of type ${e.type}`, e);
    },
    malformedEvent(e) {
      const id = e.id !== undefined ? ` ${e.id}` : '';
      emit('ERROR', 'malformedEvent', `malformed event${id} acknowledged without retry: ${e.problems.join('; ')}`, e);
    },
    eventBucketRefused(e) {
      const message = `refused ${e.eventType} event ${e.eventId} for ${where(e)}: ${e.problem}; acknowledged, nothing copied. If this bucket should be backed up, deploy the function for it (SOURCE_BUCKET); otherwise find what sends these events`;
      emit('ERROR', 'eventBucketRefused', message, e);
    },
    configInvalid(e) {
      emit('ERROR', 'configInvalid', `invalid configuration: ${e.message}`, e);
    },
    reauthorizeRequired(e) {
      const command = `npx --no gcs-drive-backup authorize --client-secrets credentials.json --secret ${e.secret.replace(/\/versions\/[^/]+$/, '')}`;
      const problem = `The Drive authorization stored in ${e.secret} was revoked or expired`;
      const action = `run \`${command}\` (with the options used the first time) again`;
      const message = `${problem}: ${action}; events will be retried and nothing is lost.`;
      const fields = { problem, action, problemCode: 'reauthorize', failureClass: 'reauthorize', service: 'oauth', ...e };
      emit('ERROR', 'reauthorizeRequired', message, { ...fields, outcome: 'failed' });
    },
    operatorActionRequired(e) {
      const subject = e.bucket !== undefined ? `${where(e)}: ` : '';
      emit('ERROR', 'operatorActionRequired', `${subject}${e.problem}; action required: ${e.action}`, { ...e, outcome: 'failed' });
    },
    permanentFailure(e) {
      const ack = 'The event is acknowledged and will not be retried.';
      const message = `giving up on ${where(e)}: ${e.problem}. ${ack} Action: ${e.action}`;
      emit('ERROR', 'permanentFailure', message, { ...e, outcome: 'failed' });
    },
    retrying(e) {
      emit('INFO', 'retrying', `retrying ${e.what} (attempt ${e.attempt}) in ${e.delayMs} ms: ${e.reason}`, e);
    },
    uploadCheckpoint(e) {
      const position = `${e.offset} of ${e.total} bytes`;
      const message = `stopped uploading ${where(e)} at ${position} before the deadline; will continue on retry`;
      emit('INFO', 'uploadCheckpoint', message, e);
    },
    keptRevisionReleased(e) {
      const kept = `its Drive backup ${e.driveFileId} keeps ${e.keptForever} revisions forever, the most Drive allows`;
      const what =
        e.revisionId !== undefined
          ? `deleted the oldest one kept forever (revision ${e.revisionId}${e.revisionModifiedTime ? ` of ${e.revisionModifiedTime}` : ''}) to keep this generation forever`
          : 'none of them may be deleted (only the current content is), so this generation goes up without keepForever';
      emit('NOTICE', 'keptRevisionReleased', `${where(e)}: ${kept}: ${what}`, e);
    },
    folderOverflowed(e) {
      const folder = e.folder === '' ? 'the backup root folder (DRIVE_FOLDER_ID)' : `the Drive folder ${JSON.stringify(e.folder)}`;
      const message = `${folder} (${e.fullFolderId}) holds Drive's maximum of items: new items of its path go to "${e.overflowFolderName}" (${e.overflowFolderId}) beside it`;
      emit('NOTICE', 'folderOverflowed', message, e);
    },
    deleteMirrored(e) {
      const what = { trashed: 'its Drive backup moved to the trash', recorded: 'the deletion recorded, its Drive backup kept' };
      const rest = { overwritten: 'a newer generation is live, backup kept', 'not-backed-up': 'no backup to trash' };
      emit('INFO', 'deleteMirrored', `deleted ${where(e)}: ${{ ...what, ...rest }[e.result]}`, e);
    },
    reconcileFinished(e) {
      const what = `${e.dryRun ? 'dry-run ' : ''}reconcile of gs://${e.bucket}/${e.prefix}`;
      const queued = e.enqueued !== undefined ? `, ${e.enqueued} enqueued` : '';
      const counts = `${e.scanned} scanned, ${e.uploaded} uploaded, ${e.revised} revised${queued}, ${e.skipped} skipped, ${e.failed} failed`;
      const end =
        e.error !== undefined ? 'stopped by an error' : e.done ? 'done' : `to be continued after ${JSON.stringify(e.cursor ?? '')}`;
      const severity = e.error !== undefined || e.failed > 0 ? 'WARNING' : 'INFO';
      emit(severity, 'reconcileFinished', `${what}: ${counts} in ${e.durationMs} ms; ${end}`, e);
    },
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
    httpRequestRejected(e) {
      emit('WARNING', 'httpRequestRejected', `${e.method} ${e.path} answered ${e.status}: ${e.error}`, e);
    },
    taskHeadersIgnored(e) {
      emit('WARNING', 'taskHeadersIgnored', `task headers ignored (${e.reason}): an ordinary POST /backup`, e);
    },
    httpHandlerFailed(e) {
      emit('ERROR', 'httpHandlerFailed', `${e.method} ${e.path} failed unexpectedly (500)`, e);
    },
    debug: (message, fields) => emit('DEBUG', undefined, message, fields),
    info: (message, fields) => emit('INFO', undefined, message, fields),
    warn: (message, fields) => emit('WARNING', undefined, message, fields),
    error: (message, fields) => emit('ERROR', undefined, message, fields),
  };
}

/** Fields may not overwrite the envelope. */
function withoutReserved(fields: Record<string, unknown>): Record<string, unknown> {
  const { severity: _s, message: _m, event: _e, ...rest } = fields;
  return rest;
}

/** The parts of an error worth logging; never its request/response objects (they carry credentials). */
function describeError(err: Error): Record<string, unknown> {
  const extra = err as Error & Partial<Record<'code' | 'status' | 'cause' | 'problems' | 'variable', unknown>>;
  return {
    name: err.name,
    message: err.message,
    ...(extra.code !== undefined ? { code: extra.code } : {}),
    ...(extra.status !== undefined ? { status: extra.status } : {}),
    ...(extra.problems !== undefined ? { problems: extra.problems } : {}),
    ...(extra.variable !== undefined ? { variable: extra.variable } : {}),
    ...(err.stack !== undefined ? { stack: err.stack } : {}),
    ...(extra.cause !== undefined ? { cause: extra.cause } : {}),
  };
}

/** Cloud Logging's trace correlation fields for a traceparent (with a project) or a trace name. */
export function traceFields(trace: string | undefined, project: string | undefined): Record<string, unknown> {
  if (trace === undefined) return {};
  if (TRACE_NAME.test(trace)) return { 'logging.googleapis.com/trace': trace };
  const match = TRACEPARENT.exec(trace.trim().toLowerCase());
  if (match === null || project === undefined || project === '') return {};
  return {
    'logging.googleapis.com/trace': `projects/${project}/traces/${match[1]}`,
    'logging.googleapis.com/spanId': match[2],
    'logging.googleapis.com/trace_sampled': (parseInt(match[3], 16) & 1) === 1,
  };
}
