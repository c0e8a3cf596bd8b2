/**
 * The sandbox's Cloud Tasks side (`npm start -- --dispatch tasks`): the backup queue's settings (created by
 * harness/queue.ts with Terraform's rate, 1.5 dispatches/s, 8 at once, no attempt limit, and the backoff of
 * the sandbox's retry flags), and what the page shows of the queue: its depth, dispatch rate, and whether it is paused and until when (the
 * product's pause record in the state bucket).
 */
import type { Emulators } from '@gcs-drive-backup/emulators';
import type { PauseRecord } from '../src/tasks/queue-pause.js';
import { pauseRecordKey } from '../src/tasks/queue-pause.js';
import { pressureRecordKey, type PressureRecord } from '../src/tasks/back-pressure.js';
import type { QueueOptions } from '../harness/queue.js';
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

/** The sandbox's queue for harness/queue.ts: Terraform's rate, the backoff of the sandbox's retry flags. */
export function sandboxQueue(retry: RetryPolicy): QueueOptions {
  return {
    ...SANDBOX_QUEUE,
    settings: {
      rateLimits: { maxDispatchesPerSecond: 1.5, maxConcurrentDispatches: 8 },
      retryConfig: { maxAttempts: -1, minBackoff: duration(retry.initialDelayMs), maxBackoff: duration(retry.maxDelayMs), maxDoublings: 5 },
    },
  };
}

const duration = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

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
