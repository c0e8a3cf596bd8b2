/**
 * The Cloud Tasks emulator's control routes, under `/_emulator/tasks/` on every emulator's port:
 * `GET state` (everything), `GET stats[?queue=NAME]` (per queue: depth, oldest task, executed in the last
 * minute, in flight, rates, paused, counters), `GET counters`, `GET`/`DELETE dispatches[?queue=&since=SEQ]`
 * (every attempt with its timestamps), `POST duplicates {probability, mode?}`, `POST throttling {enabled}`,
 * `GET oidc/certs` (the key that signs the OIDC tokens, `{kid: PEM}`, cacheable for an hour).
 */
import type { ControlHub } from '../harness/server.js';
import type { TasksContext } from './context.js';
import { queueStats } from './resources.js';
import type { QueueRecord } from './store.js';
import type { OidcSigner } from './oidc.js';
import { formatDuration, formatTimestamp } from './wire.js';

/** How long a verifier may keep the OIDC certs (Google's endpoints send a max-age of hours). */
const CERTS_MAX_AGE_SECONDS = 3600;

export interface QueueSummary {
  name: string;
  state: 'RUNNING' | 'PAUSED';
  paused: boolean;
  tasksCount: number;
  oldestEstimatedArrivalTime?: string;
  /** Age of the oldest task in the queue (since its creation), ms. */
  oldestTaskAgeMs: number;
  executedLastMinuteCount: number;
  concurrentDispatchesCount: number;
  maxDispatchesPerSecond: number;
  effectiveExecutionRate: number;
  counters: QueueRecord['counters'];
}

export function queueSummary(c: TasksContext, queue: QueueRecord): QueueSummary {
  const now = c.clock.now();
  const stats = queueStats(queue, now, c.dispatcher.rateOf(queue));
  let oldest = now;
  for (const task of queue.tasks.values()) oldest = Math.min(oldest, task.createTimeMs);
  return {
    name: queue.name,
    state: queue.state,
    paused: queue.state === 'PAUSED',
    tasksCount: stats.tasksCount,
    ...(stats.oldestEstimatedArrivalTimeMs !== undefined
      ? { oldestEstimatedArrivalTime: formatTimestamp(stats.oldestEstimatedArrivalTimeMs) }
      : {}),
    oldestTaskAgeMs: now - oldest,
    executedLastMinuteCount: stats.executedLastMinuteCount,
    concurrentDispatchesCount: stats.concurrentDispatchesCount,
    maxDispatchesPerSecond: queue.config.maxDispatchesPerSecond,
    effectiveExecutionRate: stats.effectiveExecutionRate,
    counters: { ...queue.counters },
  };
}

function stateDump(c: TasksContext) {
  const now = c.clock.now();
  return {
    now: formatTimestamp(now),
    duplicates: c.dispatcher.duplicates,
    throttling: c.dispatcher.throttling,
    queues: [...c.store.queues.values()].map((q) => ({
      ...queueSummary(c, q),
      config: { ...q.config },
      tasks: c.store.listTasks(q).map((t) => ({
        name: t.name,
        url: t.http.url,
        scheduleTime: formatTimestamp(t.scheduleTimeMs),
        dispatchCount: t.dispatchCount,
        responseCount: t.responseCount,
        inFlight: t.inFlight,
        ...(t.lastHttpStatus !== undefined ? { lastStatus: t.lastHttpStatus } : {}),
      })),
      tombstones: [...q.tombstones.values()].filter((until) => until > now).length,
      taskTtl: formatDuration(q.extras.taskTtlMs),
      tombstoneTtl: formatDuration(q.extras.tombstoneTtlMs),
    })),
  };
}

export function addTasksControl(hub: ControlHub, c: TasksContext, signer: OidcSigner): void {
  const queues = (url: URL) => {
    const only = url.searchParams.get('queue');
    return [...c.store.queues.values()].filter((q) => !only || q.name === only);
  };
  hub.addControl({ method: 'GET', path: 'tasks/state', handle: () => stateDump(c) });
  hub.addControl({ method: 'GET', path: 'tasks/stats', handle: (_, url) => ({ queues: queues(url).map((q) => queueSummary(c, q)) }) });
  hub.addControl({
    method: 'GET',
    path: 'tasks/counters',
    handle: (_, url) => ({ counters: Object.fromEntries(queues(url).map((q) => [q.name, { ...q.counters }])) }),
  });
  hub.addControl({
    method: 'GET',
    path: 'tasks/dispatches',
    handle: (_, url) => {
      const since = Number(url.searchParams.get('since') ?? '0');
      if (!Number.isInteger(since) || since < 0) throw new Error('since must be a dispatch sequence number >= 0');
      return { dispatches: c.dispatcher.entries({ queue: url.searchParams.get('queue') ?? undefined, sinceSeq: since }) };
    },
  });
  hub.addControl({ method: 'DELETE', path: 'tasks/dispatches', handle: () => (c.dispatcher.clearLog(), {}) });
  hub.addControl({
    method: 'POST',
    path: 'tasks/duplicates',
    handle: (body) => {
      const { probability, mode } = body;
      if (typeof probability !== 'number' || !(probability >= 0 && probability <= 1))
        throw new Error('probability must be a number in 0..1');
      if (mode !== undefined && mode !== 'after' && mode !== 'concurrent') throw new Error('mode must be "after" or "concurrent"');
      c.dispatcher.duplicates = { probability, mode: mode ?? 'after' };
      return { duplicates: c.dispatcher.duplicates };
    },
  });
  hub.addControl({
    method: 'POST',
    path: 'tasks/throttling',
    handle: (body) => {
      if (typeof body.enabled !== 'boolean') throw new Error('enabled must be a boolean');
      c.dispatcher.throttling = body.enabled;
      return { throttling: body.enabled };
    },
  });
  // Google's certs endpoints answer with `Cache-Control: public, max-age=…` and verifiers are told to keep
  // the keys that long (https://developers.google.com/identity/gsi/web/guides/verify-google-id-token:
  // "examine the Cache-Control header in the response to determine when you should retrieve them again");
  // google-auth-library's OAuth2Client caches them for max-age. The key here never changes while the
  // emulator runs, so the hour is only a bound. Each fetch is counted as `tasks.oidc.certs`.
  hub.addControl({
    method: 'GET',
    path: 'tasks/oidc/certs',
    headers: { 'cache-control': `public, max-age=${CERTS_MAX_AGE_SECONDS}, must-revalidate, no-transform` },
    handle: () => (hub.count('tasks.oidc.certs'), signer.certs()),
  });
}
