/**
 * The envelope of every log line: one JSON object per line on stdout, in the shape Cloud Logging parses
 * (`severity`, `message`, `event`, `logging.googleapis.com/trace`; other keys land in `jsonPayload`), with
 * redaction on every line (core/log-redaction.ts). `emit` is what each log event's method calls; the
 * events themselves are in the logs-*.ts files beside this one, put together by core/logs.ts.
 */
import { createRedactor, verbatimStrings } from './log-redaction.js';

export type Severity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR';
export type Fields = Readonly<Record<string, unknown>>;
/** `trace` is a W3C traceparent (needs `project`) or a ready `projects/P/traces/T`. */
export type Traced = { readonly trace?: string };
export type ObjectId = { readonly bucket: string; readonly name: string; readonly generation: string };

/** Writes one line: its severity, its event (none for the generic lines), its message and fields. */
export type Emit = (severity: Severity, event: string | undefined, message: string, fields?: object) => void;

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

/** The line writer of one logger, and the secrets it redacts from every later line. */
export function createEmitter(options: LoggerOptions = {}): { emit: Emit; registerSecret: (value: string) => void } {
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

  return { emit, registerSecret };
}

/** `gs://bucket/name#generation` of a line's object, or nothing for a line without one. */
export function where(o: Partial<ObjectId>): string {
  if (o.bucket === undefined) return '';
  return `gs://${o.bucket}/${o.name ?? ''}${o.generation !== undefined ? `#${o.generation}` : ''}`;
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
