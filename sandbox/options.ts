/**
 * `npm start` options, parsed by a pure function from the argument list and the environment:
 *
 *   npm start -- [--port N] [--data-dir DIR] [--reconcile-every SECONDS] [--first-reconcile-after SECONDS]
 *                [--retry-initial SECONDS] [--retry-max SECONDS] [--max-attempts N]
 *                [--dispatch direct|tasks|auto] [--queue-tick-every SECONDS]
 *
 * `--port` is the page's port (default 8080, falling back to a free port when taken; `0` for any free
 * port). `--dispatch tasks` runs the pipeline with a Cloud Tasks queue (the retry flags then set its
 * backoff too) and a tick every `--queue-tick-every` seconds (default 10) that resumes it after a pause.
 * Environment: `SANDBOX_PORT`, `SANDBOX_DATA_DIR`, `SANDBOX_DISPATCH` as defaults for those flags.
 */
import { parseArgs } from 'node:util';

export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Deliveries of one event before the bridge gives up on it (1 = no retry). */
  maxAttempts: number;
}

export interface SandboxOptions {
  /** The page's port; 0 = any free port. */
  port: number;
  /** True when the port is the default and may fall back to a free one. */
  portIsDefault: boolean;
  /** Keeps emulator state and `sandbox.json` between runs; undefined = everything in memory. */
  dataDir?: string;
  reconcileEveryMs: number;
  firstReconcileAfterMs: number;
  retry: RetryPolicy;
  /** `tasks`: the event function enqueues, a Cloud Tasks queue dispatches to `POST /backup`. */
  dispatch: 'direct' | 'tasks' | 'auto';
  /** How often the queue's tick (`POST /reconcile {"queueOnly": true}`) runs in tasks mode. */
  queueTickEveryMs: number;
}

export const DEFAULT_PAGE_PORT = 8080;

export class SandboxUsageError extends Error {
  override readonly name = 'SandboxUsageError';
}

export const USAGE =
  'usage: npm start -- [--port N] [--data-dir DIR] [--reconcile-every SECONDS] [--first-reconcile-after SECONDS] ' +
  '[--retry-initial SECONDS] [--retry-max SECONDS] [--max-attempts N] [--dispatch direct|tasks|auto] [--queue-tick-every SECONDS]';

export function parseSandboxOptions(argv: readonly string[], env: Record<string, string | undefined>): SandboxOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'reconcile-every': { type: 'string' },
        'first-reconcile-after': { type: 'string' },
        'retry-initial': { type: 'string' },
        'retry-max': { type: 'string' },
        'max-attempts': { type: 'string' },
        dispatch: { type: 'string' },
        'queue-tick-every': { type: 'string' },
      },
    }));
  } catch (err) {
    throw new SandboxUsageError(`${(err as Error).message}\n${USAGE}`);
  }
  const text = (name: string): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };

  const portText = text('port') ?? nonEmpty(env.SANDBOX_PORT);
  const port = portText === undefined ? DEFAULT_PAGE_PORT : integer('--port', portText, 0, 65535);
  const retry: RetryPolicy = {
    initialDelayMs: seconds('--retry-initial', text('retry-initial') ?? '1'),
    maxDelayMs: seconds('--retry-max', text('retry-max') ?? '60'),
    maxAttempts: integer('--max-attempts', text('max-attempts') ?? '12', 1, 1000),
  };
  if (retry.maxDelayMs < retry.initialDelayMs) throw new SandboxUsageError('--retry-max must be >= --retry-initial');
  const reconcileEveryMs = seconds('--reconcile-every', text('reconcile-every') ?? '300');
  if (reconcileEveryMs < 1000) throw new SandboxUsageError('--reconcile-every must be at least 1 second');
  const dataDir = text('data-dir') ?? nonEmpty(env.SANDBOX_DATA_DIR);
  if (dataDir === '') throw new SandboxUsageError('--data-dir must not be empty');
  const dispatch = text('dispatch') ?? nonEmpty(env.SANDBOX_DISPATCH) ?? 'auto';
  if (dispatch !== 'direct' && dispatch !== 'tasks' && dispatch !== 'auto')
    throw new SandboxUsageError(`--dispatch must be direct, tasks or auto, not "${dispatch}"`);
  const queueTickEveryMs = seconds('--queue-tick-every', text('queue-tick-every') ?? '10');
  if (queueTickEveryMs < 1000) throw new SandboxUsageError('--queue-tick-every must be at least 1 second');

  return {
    port,
    portIsDefault: portText === undefined,
    ...(dataDir !== undefined ? { dataDir } : {}),
    reconcileEveryMs,
    firstReconcileAfterMs: seconds('--first-reconcile-after', text('first-reconcile-after') ?? '5'),
    retry,
    dispatch,
    queueTickEveryMs,
  };
}

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

function integer(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new SandboxUsageError(`${flag} must be an integer from ${min} to ${max}, not "${value}"`);
  return n;
}

/** Seconds (decimals allowed) → milliseconds. */
function seconds(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new SandboxUsageError(`${flag} must be a number of seconds >= 0, not "${value}"`);
  return Math.round(n * 1000);
}
