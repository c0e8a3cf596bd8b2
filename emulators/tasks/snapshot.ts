/**
 * The Cloud Tasks emulator's state as JSON for persistence: queues (settings, state, purge time), their
 * tasks (target, body base64, schedule, attempt counts and last attempt) and the tombstones that keep
 * deleted queue and task names taken. Not kept: token buckets (full again after a restart), throttling,
 * counters, the dispatch log and the duplicate setting. A task that was in flight is dispatched again
 * after a restart, as a real queue would redeliver an attempt whose answer it never saw.
 */
import type { AttemptRecord, HttpTarget, QueueRecord, TaskRecord, TaskStore } from './store.js';

type TaskSnapshot = Omit<TaskRecord, 'http' | 'version' | 'inFlight'> & { http: Omit<HttpTarget, 'body'> & { body?: string } };

/** A queue's lasting fields as they are; its tasks and tombstones as JSON can hold them; the live dispatch state (bucket, rate, in flight, counters) not kept. */
type QueueSnapshot = Pick<QueueRecord, 'name' | 'config' | 'state' | 'createTimeMs' | 'purgeTimeMs' | 'extras'> & {
  tasks: TaskSnapshot[];
  tombstones: [string, number][];
};

export interface TasksSnapshot {
  queues: QueueSnapshot[];
  queueTombstones: [string, number][];
}

export function snapshotTasks(store: TaskStore, nowMs: number): TasksSnapshot {
  const live = (entries: Iterable<[string, number]>) => [...entries].filter(([, until]) => until > nowMs);
  return {
    queues: [...store.queues.values()].map((q) => ({
      name: q.name,
      config: q.config,
      state: q.state,
      createTimeMs: q.createTimeMs,
      ...(q.purgeTimeMs !== undefined ? { purgeTimeMs: q.purgeTimeMs } : {}),
      extras: q.extras,
      tasks: [...q.tasks.values()].map((t) => {
        const { http, version: _version, inFlight: _inFlight, ...rest } = t;
        const { body, ...target } = http;
        return { ...rest, http: { ...target, ...(body ? { body: body.toString('base64') } : {}) } };
      }),
      tombstones: live(q.tombstones),
    })),
    queueTombstones: live(store.queueTombstones),
  };
}

export function restoreTasks(store: TaskStore, data: unknown): void {
  const snap = data as TasksSnapshot;
  store.clear();
  for (const q of snap.queues) {
    const queue = store.newQueueRecord(q.name, q.config, q.extras, q.createTimeMs);
    queue.state = q.state;
    if (q.purgeTimeMs !== undefined) queue.purgeTimeMs = q.purgeTimeMs;
    for (const [name, until] of q.tombstones) queue.tombstones.set(name, until);
    for (const t of q.tasks) {
      const { body, ...target } = t.http;
      const http: HttpTarget = { ...target, ...(body ? { body: Buffer.from(body, 'base64') } : {}) };
      const lastAttempt: AttemptRecord | undefined = t.lastAttempt;
      const task: TaskRecord = { ...t, http, lastAttempt, inFlight: false, version: 0 };
      queue.tasks.set(task.name, task);
      queue.waiting.push(task, task.scheduleTimeMs);
    }
    store.queues.set(q.name, queue);
  }
  for (const [name, until] of snap.queueTombstones) store.queueTombstones.set(name, until);
}
