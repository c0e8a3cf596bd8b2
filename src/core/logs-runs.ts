/**
 * The lines of whole runs and requests: a reconcile's one summary line, the restore drill's verdict, and
 * the HTTP function's rejected requests, ignored task headers and unexpected failures.
 */
import type { Emit, Traced } from './logs-entry.js';

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

export interface RunLog {
  reconcileFinished(e: ReconcileSummary & Traced): void;
  restoreDrill(e: { bucket: string; passed: boolean; summary: string; checked: number; failures: readonly object[] } & Traced): void;
  httpRequestRejected(e: { method: string; path: string; status: number; error: string } & Traced): void;
  /** DISPATCH=tasks: a `POST /backup` with task headers but not the dispatcher's token, run as an ordinary one. */
  taskHeadersIgnored(e: { task: string; reason: string } & Traced): void;
  httpHandlerFailed(e: { method: string; path: string; error: unknown } & Traced): void;
}

export function runLog(emit: Emit): RunLog {
  return {
    reconcileFinished(e) {
      const what = `${e.dryRun ? 'dry-run ' : ''}reconcile of gs://${e.bucket}/${e.prefix}`;
      const queued = e.enqueued !== undefined ? `, ${e.enqueued} enqueued` : '';
      const counts = `${e.scanned} scanned, ${e.uploaded} uploaded, ${e.revised} revised${queued}, ${e.skipped} skipped, ${e.failed} failed`;
      const end =
        e.error !== undefined ? 'stopped by an error' : e.done ? 'done' : `to be continued after ${JSON.stringify(e.cursor ?? '')}`;
      const severity = e.error !== undefined || e.failed > 0 ? 'WARNING' : 'INFO';
      emit(severity, 'reconcileFinished', `${what}: ${counts} in ${e.durationMs} ms; ${end}`, e);
    },
    restoreDrill(e) {
      emit(e.passed ? 'INFO' : 'ERROR', 'restoreDrill', `restore drill of gs://${e.bucket}: ${e.summary}`, e);
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
  };
}
