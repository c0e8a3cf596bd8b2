/**
 * The emulator's queues and tasks as Cloud Tasks' REST surface returns them (proto3 JSON: zero values
 * left out, enums as names or numbers), and a queue's statistics. v2beta3 queues also carry `type`,
 * `taskTtl`, `tombstoneTtl` and, only when the read mask asks for it, `stats`
 * (https://cloud.google.com/tasks/docs/reference/rest/v2beta3/projects.locations.queues#QueueStats); a
 * read mask selects top-level fields (ours always adds the name, which Google does not document).
 * A task's `createTime` is truncated to the second and its body shown only in the FULL view
 * (https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks#View).
 */
import type { ApiVersion } from './names.js';
import type { QueueRecord, TaskRecord } from './store.js';
import { enumOut, formatDuration, formatTimestamp } from './wire.js';

export interface QueueStats {
  tasksCount: number;
  /** Earliest schedule time of the tasks waiting (not in flight). */
  oldestEstimatedArrivalTimeMs?: number;
  executedLastMinuteCount: number;
  concurrentDispatchesCount: number;
  effectiveExecutionRate: number;
}

/** Drops responses older than a minute from the queue's record of them, then counts the rest. */
export function queueStats(queue: QueueRecord, nowMs: number, effectiveRate: number): QueueStats {
  while (queue.executed.length > 0 && (queue.executed[0] as number) <= nowMs - 60_000) queue.executed.shift();
  return {
    tasksCount: queue.tasks.size,
    oldestEstimatedArrivalTimeMs: queue.waiting.peek()?.atMs,
    executedLastMinuteCount: queue.executed.length,
    concurrentDispatchesCount: queue.inFlight,
    effectiveExecutionRate: queue.state === 'RUNNING' ? effectiveRate : 0,
  };
}

export function statsJson(stats: QueueStats) {
  return {
    tasksCount: String(stats.tasksCount),
    ...(stats.oldestEstimatedArrivalTimeMs !== undefined
      ? { oldestEstimatedArrivalTime: formatTimestamp(stats.oldestEstimatedArrivalTimeMs) }
      : {}),
    executedLastMinuteCount: String(stats.executedLastMinuteCount),
    concurrentDispatchesCount: String(stats.concurrentDispatchesCount),
    effectiveExecutionRate: stats.effectiveExecutionRate,
  };
}

export interface QueueView {
  version: ApiVersion;
  intEnums: boolean;
  /** Top-level fields to return (camelCase); undefined: every field but `stats`. */
  readMask?: ReadonlySet<string>;
  stats?: QueueStats;
}

export function queueJson(queue: QueueRecord, view: QueueView): Record<string, unknown> {
  const c = queue.config;
  const all: Record<string, unknown> = {
    name: queue.name,
    ...(queue.extras.appEngineRoutingOverride !== undefined ? { appEngineRoutingOverride: queue.extras.appEngineRoutingOverride } : {}),
    rateLimits: {
      maxDispatchesPerSecond: c.maxDispatchesPerSecond,
      maxBurstSize: c.maxBurstSize,
      maxConcurrentDispatches: c.maxConcurrentDispatches,
    },
    retryConfig: {
      maxAttempts: c.maxAttempts,
      ...(c.maxRetryDurationMs > 0 ? { maxRetryDuration: formatDuration(c.maxRetryDurationMs) } : {}),
      minBackoff: formatDuration(c.minBackoffMs),
      maxBackoff: formatDuration(c.maxBackoffMs),
      maxDoublings: c.maxDoublings,
    },
    state: enumOut('State', queue.state, view.intEnums),
    ...(queue.purgeTimeMs !== undefined ? { purgeTime: formatTimestamp(queue.purgeTimeMs) } : {}),
    ...(queue.extras.stackdriverLoggingConfig ? { stackdriverLoggingConfig: queue.extras.stackdriverLoggingConfig } : {}),
  };
  if (view.version === 'v2beta3') {
    all.taskTtl = formatDuration(queue.extras.taskTtlMs);
    all.tombstoneTtl = formatDuration(queue.extras.tombstoneTtlMs);
    all.type = enumOut('Type', 'PUSH', view.intEnums);
    if (view.stats) all.stats = statsJson(view.stats);
  }
  if (!view.readMask) {
    delete all.stats;
    return all;
  }
  const masked: Record<string, unknown> = { name: queue.name };
  for (const field of view.readMask) if (all[field] !== undefined) masked[field] = all[field];
  return masked;
}

export function taskJson(task: TaskRecord, full: boolean, intEnums: boolean): Record<string, unknown> {
  const h = task.http;
  const attempt = task.lastAttempt;
  return {
    name: task.name,
    httpRequest: {
      url: h.url,
      httpMethod: enumOut('HttpMethod', h.httpMethod, intEnums),
      headers: h.headers,
      ...(full && h.body && h.body.length > 0 ? { body: h.body.toString('base64') } : {}),
      ...(h.oidcToken ? { oidcToken: h.oidcToken } : {}),
      ...(h.oauthToken ? { oauthToken: h.oauthToken } : {}),
    },
    scheduleTime: formatTimestamp(task.scheduleTimeMs),
    createTime: formatTimestamp(Math.floor(task.createTimeMs / 1000) * 1000),
    dispatchDeadline: formatDuration(task.dispatchDeadlineMs),
    ...(task.dispatchCount ? { dispatchCount: task.dispatchCount } : {}),
    ...(task.responseCount ? { responseCount: task.responseCount } : {}),
    ...(task.firstAttemptMs !== undefined ? { firstAttempt: { dispatchTime: formatTimestamp(task.firstAttemptMs) } } : {}),
    ...(attempt
      ? {
          lastAttempt: {
            scheduleTime: formatTimestamp(attempt.scheduleTimeMs),
            ...(attempt.dispatchTimeMs !== undefined ? { dispatchTime: formatTimestamp(attempt.dispatchTimeMs) } : {}),
            ...(attempt.responseTimeMs !== undefined ? { responseTime: formatTimestamp(attempt.responseTimeMs) } : {}),
            ...(attempt.responseStatus ? { responseStatus: attempt.responseStatus } : {}),
          },
        }
      : {}),
    view: enumOut('View', full ? 'FULL' : 'BASIC', intEnums),
  };
}
