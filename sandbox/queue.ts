/**
 * The sandbox's Cloud Tasks side (`npm start -- --dispatch tasks`): the backup queue, created through
 * `@google-cloud/tasks` against the emulator with Terraform's defaults (1.5 dispatches/s, 8 at once, no
 * attempt limit; the backoff of the sandbox's retry flags), the product's tasks-mode environment, and what
 * the page shows of the queue: its depth, dispatch rate, and whether it is paused and until when (the
 * product's pause record in the state bucket).
 */
import type { Emulators } from '@gcs-drive-backup/emulators';
import type { PauseRecord } from '../src/tasks/queue-pause.js';
import { pauseRecordKey } from '../src/tasks/queue-pause.js';
import { pressureRecordKey, type PressureRecord } from '../src/tasks/back-pressure.js';
import { createTasksClient } from '../src/tasks/client.js';
import type { RetryPolicy } from './options.js';

export const SANDBOX_QUEUE = {
  location: 'projects/sandbox/locations/local',
  id: 'backup',
  serviceAccount: 'backup-dispatch@sandbox.iam.gserviceaccount.com',
} as const;

/** The page's queue panel. */
export interface QueuePanel {
  name: string;
  /** Tasks waiting or in flight. */
  depth: number;
  inFlight: number;
  /** The queue's `max_dispatches_per_second`, and what Cloud Tasks' throttling leaves of it now. */
  maxRate: number;
  effectiveRate: number;
  executedLastMinute: number;
  oldestTaskAgeMs: number;
  paused: boolean;
  /** While the product's pause is in force: when it ends (ISO 8601), and why. */
  resumeAt?: string;
  pauseReason?: string;
  /** DISPATCH: `tasks` or `auto`. */
  mode: 'tasks' | 'auto';
  /** auto: the back-pressure record while in force (events go to the queue): until when (ISO 8601), and why. */
  pressureUntil?: string;
  pressureReason?: string;
}

/** Creates the queue unless it exists (a restart with --data-dir keeps it); its full name. */
export async function ensureQueue(tasksHost: string, retry: RetryPolicy): Promise<string> {
  const name = `${SANDBOX_QUEUE.location}/queues/${SANDBOX_QUEUE.id}`;
  const client = createTasksClient({ emulators: { tasks: tasksHost } });
  try {
    await client.createQueue({
      parent: SANDBOX_QUEUE.location,
      queue: {
        name,
        rateLimits: { maxDispatchesPerSecond: 1.5, maxConcurrentDispatches: 8 },
        retryConfig: {
          maxAttempts: -1,
          minBackoff: duration(retry.initialDelayMs),
          maxBackoff: duration(retry.maxDelayMs),
          maxDoublings: 5,
        },
      },
    });
  } catch (err) {
    if ((err as { code?: unknown }).code !== 6) throw err; // ALREADY_EXISTS
  } finally {
    await client.close();
  }
  return name;
}

const duration = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

/** The product's environment for tasks mode, the HTTP function's `/backup` as the target. */
export function tasksEnvironment(queue: string, httpFunctionUrl: string, dispatch: 'tasks' | 'auto' = 'tasks'): Record<string, string> {
  return {
    DISPATCH: dispatch,
    TASKS_QUEUE: queue,
    TASKS_TARGET_URL: `${httpFunctionUrl}/backup`,
    TASKS_SERVICE_ACCOUNT: SANDBOX_QUEUE.serviceAccount,
  };
}

/** The panel: the emulator's statistics of the queue, and the product's pause record. */
export async function queuePanel(
  emulators: Emulators,
  queue: string,
  stateBucket: string,
  statePrefix: string,
  mode: 'tasks' | 'auto' = 'tasks',
): Promise<QueuePanel> {
  const stats = emulators.tasks.stats().find((q) => q.name === queue);
  const panel: QueuePanel = {
    name: SANDBOX_QUEUE.id,
    depth: stats?.tasksCount ?? 0,
    inFlight: stats?.concurrentDispatchesCount ?? 0,
    maxRate: stats?.maxDispatchesPerSecond ?? 0,
    effectiveRate: stats?.effectiveExecutionRate ?? 0,
    executedLastMinute: stats?.executedLastMinuteCount ?? 0,
    oldestTaskAgeMs: stats?.oldestTaskAgeMs ?? 0,
    paused: stats?.paused ?? false,
    mode,
  };
  const record = await readRecord<PauseRecord>(
    emulators.env.STORAGE_EMULATOR_HOST,
    stateBucket,
    `${statePrefix}${pauseRecordKey(SANDBOX_QUEUE.id)}`,
  );
  if (panel.paused && record !== undefined && record.resumedAtMs === undefined) {
    panel.resumeAt = new Date(record.resumeAtMs).toISOString();
    panel.pauseReason = record.reason;
  }
  if (mode === 'auto') {
    const key = `${statePrefix}${pressureRecordKey(SANDBOX_QUEUE.id)}`;
    const pressure = await readRecord<PressureRecord>(emulators.env.STORAGE_EMULATOR_HOST, stateBucket, key);
    if (pressure !== undefined && pressure.untilMs > Date.now()) {
      panel.pressureUntil = new Date(pressure.untilMs).toISOString();
      panel.pressureReason = pressure.reason;
    }
  }
  return panel;
}

/** A record as the product keeps it (src/state/store.ts: JSON in the object's custom metadata). */
async function readRecord<T>(storageHost: string, bucket: string, name: string): Promise<T | undefined> {
  try {
    const res = await fetch(`${storageHost}/storage/v1/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(name)}`);
    if (!res.ok) {
      await res.arrayBuffer();
      return undefined;
    }
    const body = (await res.json()) as { metadata?: { record?: string } };
    return body.metadata?.record === undefined ? undefined : (JSON.parse(body.metadata.record) as T);
  } catch {
    return undefined;
  }
}
