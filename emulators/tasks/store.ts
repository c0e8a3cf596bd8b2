/**
 * In-memory queues and tasks of the Cloud Tasks emulator, with Google's name rules: a deleted queue's name
 * cannot be reused for 7 days (DeleteQueue, https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues/delete),
 * a task name stays taken for the queue's tombstone TTL (1 hour) after the task was deleted or executed
 * (CreateTaskRequest.task "Task De-duplication",
 * https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks/create). Error
 * messages are the ones real Cloud Tasks returns, as recorded against it in aertje/cloud-tasks-emulator
 * (conformance/golden/realcloud.json). Dispatch state (token bucket, in-flight count, counters) lives on
 * the queue record and is driven by dispatcher.ts.
 */
import type { Clock } from '../harness/clock.js';
import type { QueueConfig } from './queue-config.js';
import { rpcError } from './rpc.js';
import { ScheduleHeap, type Scheduled } from './schedule-heap.js';
import { TokenBucket } from './pacing.js';

export const QUEUE_TOMBSTONE_MS = 7 * 24 * 3600 * 1000;
export const DEFAULT_TASK_TOMBSTONE_MS = 3600 * 1000;
/** "Queues created by Cloud Tasks have a default task_ttl of 31 days" (v2beta3 Queue.task_ttl). */
export const DEFAULT_TASK_TTL_MS = 31 * 24 * 3600 * 1000;

export const MESSAGES = {
  queueMissing: 'Queue does not exist. If you just created the queue, wait at least a minute for the queue to initialize.',
  entityMissing: 'Requested entity was not found.',
  taskRecent:
    'The task no longer exists, though a task with this name existed recently. The task either successfully completed or was deleted.',
  queueExists: 'Queue already exists',
  queueRecent: 'The queue cannot be created because a queue with this name existed too recently.',
  taskExists: 'Requested entity already exists',
} as const;

export interface HttpTarget {
  url: string;
  httpMethod: string;
  headers: Record<string, string>;
  body?: Buffer;
  oidcToken?: { serviceAccountEmail: string; audience?: string };
  oauthToken?: { serviceAccountEmail: string; scope?: string };
}

export interface AttemptRecord {
  scheduleTimeMs: number;
  dispatchTimeMs?: number;
  responseTimeMs?: number;
  responseStatus?: { code: number; message: string };
}

export interface TaskRecord extends Scheduled {
  name: string;
  queue: string;
  http: HttpTarget;
  scheduleTimeMs: number;
  createTimeMs: number;
  dispatchDeadlineMs: number;
  dispatchCount: number;
  responseCount: number;
  /** Responses other than 5xx: what `X-CloudTasks-TaskExecutionCount` reports. */
  executionCount: number;
  /** HTTP status of the last response, for `X-CloudTasks-TaskPreviousResponse`. */
  lastHttpStatus?: number;
  firstAttemptMs?: number;
  lastAttempt?: AttemptRecord;
  inFlight: boolean;
}

export interface QueueExtras {
  appEngineRoutingOverride?: unknown;
  stackdriverLoggingConfig?: { samplingRatio: number };
  taskTtlMs: number;
  tombstoneTtlMs: number;
}

export interface QueueCounters {
  created: number;
  deleted: number;
  dispatched: number;
  succeeded: number;
  failed: number;
  unanswered: number;
  retriesScheduled: number;
  exhausted: number;
  duplicates: number;
  throttled: number;
}

export interface QueueRecord {
  name: string;
  config: QueueConfig;
  state: 'RUNNING' | 'PAUSED';
  createTimeMs: number;
  purgeTimeMs?: number;
  extras: QueueExtras;
  tasks: Map<string, TaskRecord>;
  waiting: ScheduleHeap<TaskRecord>;
  /** Task name → when it may be used again. */
  tombstones: Map<string, number>;
  bucket: TokenBucket;
  effectiveRate: number;
  inFlight: number;
  /** Response times of the last minute, oldest first. */
  executed: number[];
  counters: QueueCounters;
}

export function emptyCounters(): QueueCounters {
  return {
    created: 0,
    deleted: 0,
    dispatched: 0,
    succeeded: 0,
    failed: 0,
    unanswered: 0,
    retriesScheduled: 0,
    exhausted: 0,
    duplicates: 0,
    throttled: 0,
  };
}

export class TaskStore {
  readonly queues = new Map<string, QueueRecord>();
  /** Queue name → when it may be created again. */
  readonly queueTombstones = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  clear(): void {
    this.queues.clear();
    this.queueTombstones.clear();
  }

  newQueueRecord(name: string, config: QueueConfig, extras: QueueExtras, createTimeMs: number): QueueRecord {
    return {
      name,
      config,
      state: 'RUNNING',
      createTimeMs,
      extras,
      tasks: new Map(),
      waiting: new ScheduleHeap(),
      tombstones: new Map(),
      bucket: new TokenBucket(config.maxBurstSize, createTimeMs),
      effectiveRate: config.maxDispatchesPerSecond,
      inFlight: 0,
      executed: [],
      counters: emptyCounters(),
    };
  }

  createQueue(name: string, config: QueueConfig, extras: QueueExtras): QueueRecord {
    const now = this.clock.now();
    if (this.queues.has(name)) throw rpcError('ALREADY_EXISTS', MESSAGES.queueExists);
    if ((this.queueTombstones.get(name) ?? 0) > now) throw rpcError('FAILED_PRECONDITION', MESSAGES.queueRecent);
    this.queueTombstones.delete(name);
    const record = this.newQueueRecord(name, config, extras, now);
    this.queues.set(name, record);
    return record;
  }

  /** The queue, or NOT_FOUND with `message` (Get/Pause/CreateTask say "Queue does not exist…", Delete another). */
  queue(name: string, message: string = MESSAGES.queueMissing): QueueRecord {
    const queue = this.queues.get(name);
    if (!queue) throw rpcError('NOT_FOUND', message);
    return queue;
  }

  /** The queues directly under `projects/P/locations/L`, by name. */
  listQueues(parent: string): QueueRecord[] {
    return [...this.queues.values()].filter((q) => q.name.startsWith(`${parent}/queues/`)).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  deleteQueue(name: string): QueueRecord {
    const queue = this.queue(name, MESSAGES.entityMissing);
    this.queues.delete(name);
    this.queueTombstones.set(name, this.clock.now() + QUEUE_TOMBSTONE_MS);
    for (const task of queue.tasks.values()) ScheduleHeap.forget(task);
    return queue;
  }

  /** Adds a new task (scheduled); ALREADY_EXISTS for a name in use or deleted/executed within the tombstone TTL. */
  addTask(queue: QueueRecord, task: TaskRecord): void {
    const now = this.clock.now();
    const until = queue.tombstones.get(task.name);
    if (queue.tasks.has(task.name) || (until !== undefined && until > now)) throw rpcError('ALREADY_EXISTS', MESSAGES.taskExists);
    queue.tombstones.delete(task.name);
    queue.tasks.set(task.name, task);
    queue.waiting.push(task, task.scheduleTimeMs);
    queue.counters.created++;
  }

  /** The task; NOT_FOUND distinguishes a recently deleted/executed name, as Cloud Tasks does. */
  task(queue: QueueRecord, name: string): TaskRecord {
    const task = queue.tasks.get(name);
    if (task) return task;
    const recent = (queue.tombstones.get(name) ?? 0) > this.clock.now();
    throw rpcError('NOT_FOUND', recent ? MESSAGES.taskRecent : MESSAGES.entityMissing);
  }

  /** Removes a task (deleted, executed, out of attempts, purged or expired); its name stays taken for the tombstone TTL. */
  removeTask(queue: QueueRecord, task: TaskRecord): void {
    if (queue.tasks.get(task.name) !== task) return;
    queue.tasks.delete(task.name);
    ScheduleHeap.forget(task);
    queue.tombstones.set(task.name, this.clock.now() + queue.extras.tombstoneTtlMs);
    this.pruneTombstones(queue);
  }

  /** Every task of the queue, earliest schedule first (ListTasks order). */
  listTasks(queue: QueueRecord): TaskRecord[] {
    return [...queue.tasks.values()].sort((a, b) => a.scheduleTimeMs - b.scheduleTimeMs || (a.name < b.name ? -1 : 1));
  }

  /** Drops expired tombstones once in a while (amortized: when the map has doubled since the last pass). */
  private lastPruneSize = new WeakMap<QueueRecord, number>();
  private pruneTombstones(queue: QueueRecord): void {
    const size = queue.tombstones.size;
    if (size < 1024 || size < 2 * (this.lastPruneSize.get(queue) ?? 0)) return;
    const now = this.clock.now();
    for (const [name, until] of queue.tombstones) if (until <= now) queue.tombstones.delete(name);
    this.lastPruneSize.set(queue, queue.tombstones.size);
  }
}
