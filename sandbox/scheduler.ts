/**
 * The sandbox's Cloud Scheduler: POSTs `{}` to the HTTP function's `/reconcile` shortly after start and
 * then every `everyMs`, never two runs at once (a run still going when the next is due is skipped). With
 * `--dispatch tasks` a second one is the queue's tick (`{"queueOnly": true}`), which logs only what it did.
 */
import type { SandboxLog } from './logs.js';

export interface SchedulerOptions {
  /** The HTTP function's base URL. */
  httpFunctionUrl: string;
  everyMs: number;
  firstAfterMs: number;
  log: Pick<SandboxLog, 'reconcileAnswered' | 'reconcileUnreachable'>;
  /** The JSON body (default `{}`). */
  body?: string;
  /** Whether an answer is worth a log line (default: every answer). */
  logs?: (status: number, body: string) => boolean;
}

export interface Scheduler {
  /** Cancels the timers and aborts a run in flight; resolves when it ended. */
  stop(): Promise<void>;
}

const MAX_LOGGED_BODY = 300;

export function startScheduler(options: SchedulerOptions): Scheduler {
  const stopping = new AbortController();
  let current: Promise<void> | undefined;

  const runOnce = (): void => {
    if (current !== undefined || stopping.signal.aborted) return;
    current = reconcile().finally(() => {
      current = undefined;
    });
  };

  async function reconcile(): Promise<void> {
    try {
      const res = await fetch(`${options.httpFunctionUrl}/reconcile`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: options.body ?? '{}',
        signal: stopping.signal,
      });
      const body = (await res.text()).replace(/\s+/g, ' ').slice(0, MAX_LOGGED_BODY);
      if (options.logs?.(res.status, body) ?? true) options.log.reconcileAnswered({ status: res.status, body });
    } catch (err) {
      if (!stopping.signal.aborted) options.log.reconcileUnreachable({ error: (err as Error).message });
    }
  }

  const first = setTimeout(runOnce, options.firstAfterMs);
  const every = setInterval(runOnce, options.everyMs);
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(every);
      stopping.abort();
      await current;
    },
  };
}
