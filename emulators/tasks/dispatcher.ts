/**
 * Dispatches the tasks of RUNNING queues: due tasks in schedule order, one token of the queue's bucket
 * each (`max_dispatches_per_second`, `max_burst_size`), at most `max_concurrent_dispatches` at a time; a
 * 2xx deletes the task, anything else schedules a retry per `retry_config` (429/503 also honour
 * `Retry-After` and throttle the queue) until the attempts and retry duration are spent. Time comes from the
 * injected clock; one timer wakes the pump at the next token or schedule time. Optionally sends a task
 * twice (`duplicates`), as Cloud Tasks occasionally does ("Cloud Tasks aims for a strict 'execute exactly
 * once' semantic, [but] in rare cases multiple task executions are possible":
 * https://cloud.google.com/tasks/docs/common-pitfalls#duplicate_execution). Every attempt is logged.
 */
import type { Clock, Timer } from '../harness/clock.js';
import { Deliverer, dispatchHeaders, type DeliveryOutcome } from './deliver.js';
import type { OidcSigner } from './oidc.js';
import { isThrottleStatus, mayRetry, retryAfterMs, retryDelayMs, throttledRate } from './pacing.js';
import { RPC, statusOfHttp } from './rpc.js';
import { ScheduleHeap } from './schedule-heap.js';
import type { QueueRecord, TaskRecord, TaskStore } from './store.js';

export interface DispatchLogEntry {
  seq: number;
  /** When the attempt was sent (emulator clock, ISO and ms). */
  at: string;
  atMs: number;
  queue: string;
  task: string;
  retryCount: number;
  executionCount: number;
  duplicate: boolean;
  status?: number;
  error?: string;
  answeredAtMs?: number;
}

export interface DuplicateSettings {
  /** Chance that an attempt is sent twice, 0..1. */
  probability: number;
  /** `after`: the copy follows the original's answer (a redelivery); `concurrent`: both at once. */
  mode: 'after' | 'concurrent';
}

const LOG_LIMIT = 10_000;

export class Dispatcher {
  duplicates: DuplicateSettings = { probability: 0, mode: 'after' };
  /** System throttling after 429/503 (pacing.ts `throttledRate`). */
  throttling = true;
  private log: DispatchLogEntry[] = [];
  private seq = 0;
  private generation = 0;
  private wake?: { timer: Timer; atMs: number };
  private readonly deliverer = new Deliverer();

  constructor(
    private readonly store: TaskStore,
    private readonly clock: Clock,
    private readonly signer: OidcSigner,
    private readonly random: () => number,
  ) {}

  /** Dispatches whatever may go now, then arms the timer for the next moment something may. */
  pump(): void {
    const now = this.clock.now();
    let next = Infinity;
    for (const queue of this.store.queues.values()) {
      if (queue.state !== 'RUNNING') continue;
      next = Math.min(next, this.pumpQueue(queue, now));
    }
    this.arm(next);
  }

  /** RunTask: dispatches now, whatever the rate limits and the queue's state; false if already in flight. */
  runNow(queue: QueueRecord, task: TaskRecord): boolean {
    if (task.inFlight) return false;
    ScheduleHeap.forget(task);
    this.start(queue, task, this.clock.now());
    return true;
  }

  rateOf(queue: QueueRecord): number {
    return this.throttling ? queue.effectiveRate : queue.config.maxDispatchesPerSecond;
  }

  /** Attempts, oldest first; `sinceSeq` keeps only later ones. */
  entries(filter: { queue?: string; sinceSeq?: number } = {}): DispatchLogEntry[] {
    return this.log.filter((e) => (filter.queue === undefined || e.queue === filter.queue) && e.seq > (filter.sinceSeq ?? 0));
  }

  clearLog(): void {
    this.log = [];
  }

  /** Forgets timers, the log and settings; answers to attempts in flight are ignored. */
  reset(): void {
    this.generation++;
    this.wake?.timer.cancel();
    this.wake = undefined;
    this.log = [];
    this.duplicates = { probability: 0, mode: 'after' };
    this.throttling = true;
  }

  close(): void {
    this.reset();
    this.deliverer.close();
  }

  /** Starts what may go now; returns when this queue next needs a look (Infinity: when something changes). */
  private pumpQueue(queue: QueueRecord, now: number): number {
    const { maxBurstSize, maxConcurrentDispatches } = queue.config;
    for (;;) {
      const top = queue.waiting.peek();
      if (!top) return Infinity;
      if (top.atMs > now) return top.atMs;
      if (queue.inFlight >= maxConcurrentDispatches) return Infinity;
      if (now >= top.item.createTimeMs + queue.extras.taskTtlMs) {
        this.store.removeTask(queue, top.item);
        continue;
      }
      if (!queue.bucket.take(now, this.rateOf(queue), maxBurstSize)) return queue.bucket.nextTokenAt(now, this.rateOf(queue), maxBurstSize);
      queue.waiting.popDue(now);
      this.start(queue, top.item, now);
    }
  }

  private arm(atMs: number): void {
    if (this.wake && this.wake.atMs === atMs) return;
    this.wake?.timer.cancel();
    this.wake = undefined;
    if (atMs === Infinity) return;
    this.wake = { atMs, timer: this.clock.at(atMs, () => ((this.wake = undefined), this.pump())) };
  }

  private start(queue: QueueRecord, task: TaskRecord, now: number): void {
    const attempt = { retryCount: task.dispatchCount, executionCount: task.executionCount, previousResponse: task.lastHttpStatus };
    task.inFlight = true;
    queue.inFlight++;
    task.dispatchCount++;
    task.firstAttemptMs ??= now;
    task.lastAttempt = { scheduleTimeMs: task.scheduleTimeMs, dispatchTimeMs: now };
    queue.counters.dispatched++;
    const headers = dispatchHeaders(task, attempt, this.signer);
    const generation = this.generation;
    const duplicate = this.duplicates.probability > 0 && this.random() < this.duplicates.probability ? this.duplicates.mode : undefined;

    const send = (isCopy: boolean): Promise<DeliveryOutcome> => {
      const sentAt = this.clock.now();
      const entry = this.record(queue, task, attempt, isCopy, sentAt);
      let timer: Timer | undefined;
      const deadline = new Promise<void>((resolve) => (timer = this.clock.at(sentAt + task.dispatchDeadlineMs, resolve)));
      return this.deliverer.send(task, headers, deadline).then((outcome) => {
        timer?.cancel();
        entry.status = outcome.status;
        entry.error = outcome.error;
        entry.answeredAtMs = this.clock.now();
        return outcome;
      });
    };
    const work = (async () => {
      const original = send(false);
      const copy = duplicate === 'concurrent' ? send(true) : undefined;
      const outcome = await original;
      if (generation !== this.generation) return;
      this.finish(queue, task, outcome);
      if (duplicate) queue.counters.duplicates++;
      if (duplicate === 'after') await send(true);
      await copy;
      if (generation === this.generation) this.pump();
    })();
    this.clock.track(work);
  }

  private record(
    queue: QueueRecord,
    task: TaskRecord,
    attempt: { retryCount: number; executionCount: number },
    duplicate: boolean,
    now: number,
  ) {
    const entry: DispatchLogEntry = {
      seq: ++this.seq,
      at: new Date(now).toISOString(),
      atMs: now,
      queue: queue.name,
      task: task.name,
      retryCount: attempt.retryCount,
      executionCount: attempt.executionCount,
      duplicate,
    };
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
    return entry;
  }

  private finish(queue: QueueRecord, task: TaskRecord, outcome: DeliveryOutcome): void {
    const now = this.clock.now();
    task.inFlight = false;
    queue.inFlight--;
    if (this.store.queues.get(queue.name) !== queue || queue.tasks.get(task.name) !== task) return; // deleted meanwhile
    const { status } = outcome;
    if (task.lastAttempt) task.lastAttempt.responseTimeMs = now;
    if (status !== undefined) {
      task.responseCount++;
      if (status < 500) task.executionCount++;
      task.lastHttpStatus = status;
      queue.executed.push(now);
      const rpc = statusOfHttp(status);
      if (task.lastAttempt)
        task.lastAttempt.responseStatus = { code: status < 300 ? 0 : RPC[rpc][0], message: `HTTP status code ${status}` };
    } else if (task.lastAttempt) {
      const rpc = outcome.deadlineExceeded ? 'DEADLINE_EXCEEDED' : 'UNAVAILABLE';
      task.lastAttempt.responseStatus = { code: RPC[rpc][0], message: outcome.error ?? rpc };
    }
    if (status !== undefined && status >= 200 && status < 300) {
      queue.counters.succeeded++;
      queue.effectiveRate = throttledRate(queue.effectiveRate, queue.config.maxDispatchesPerSecond, 'success');
      this.store.removeTask(queue, task);
      return;
    }
    if (status === undefined) queue.counters.unanswered++;
    else queue.counters.failed++;
    let delay = retryDelayMs(queue.config, task.dispatchCount);
    if (isThrottleStatus(status)) {
      queue.counters.throttled++;
      queue.effectiveRate = throttledRate(queue.effectiveRate, queue.config.maxDispatchesPerSecond, 'throttle');
      delay = Math.max(delay, retryAfterMs(outcome.retryAfter, now) ?? 0);
    }
    if (!mayRetry(queue.config, task.dispatchCount, task.firstAttemptMs ?? now, now)) {
      queue.counters.exhausted++;
      this.store.removeTask(queue, task);
      return;
    }
    queue.counters.retriesScheduled++;
    task.scheduleTimeMs = now + delay;
    queue.waiting.push(task, task.scheduleTimeMs);
  }
}
