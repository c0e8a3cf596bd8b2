/**
 * The sandbox's Eventarc: every object finalized or deleted in the watched bucket of the Cloud Storage
 * emulator becomes a binary-mode CloudEvent POSTed to the event function; a non-2xx answer (or no answer)
 * is redelivered with the same `ce-id` after an exponential backoff (Eventarc: 10 s … 600 s for 24 h; here
 * scaled down and bounded by `RetryPolicy`), so retries and idempotency behave as in the cloud.
 * Deliveries of different events run concurrently, as Eventarc's do. It can be switched off and on while
 * the sandbox runs (the page server's `POST /bridge/stop` and `/bridge/start`), as a deleted or broken
 * trigger would be: while off, no change is delivered (dropped, as Eventarc never sees it) and pending
 * redeliveries are given up; reconcile catches up later.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { storageEventHeaders, type StorageChangeKind } from '../harness/cloud-event.js';
import type { SandboxLog } from './logs.js';
import type { RetryPolicy } from './options.js';

/** What the bridge needs of an object resource. */
export interface ChangedObject {
  bucket: string;
  name: string;
}

export type ChangeSubscribe = (listener: (kind: StorageChangeKind, data: ChangedObject) => void) => () => void;

export interface EventBridgeOptions {
  subscribe: ChangeSubscribe;
  /** The event function's URL. */
  functionUrl: string;
  /** Only this bucket's changes are delivered (the trigger's `bucket` filter). */
  bucket: string;
  retry: RetryPolicy;
  log: Pick<SandboxLog, 'deliveryRetry' | 'deliveryAbandoned' | 'deliveryDropped' | 'bridgeSwitched'>;
  /** How long one delivery waits for an answer (Eventarc: the function's timeout). */
  answerTimeoutMs?: number;
  newId?: () => string;
}

export interface EventBridge {
  /** Whether changes are delivered (the trigger is on). */
  readonly delivering: boolean;
  /** Switches delivery off (changes dropped, pending redeliveries given up) or back on. */
  setDelivering(on: boolean): void;
  /** Stops delivering: pending redeliveries are dropped, requests in flight aborted; resolves when all ended. */
  stop(): Promise<void>;
}

/** The wait before delivery `attempt + 1`, after `attempt` failed ones: initial · 2^(attempt-1), capped. */
export function retryDelayMs(attempt: number, policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
}

export function startEventBridge(options: EventBridgeOptions): EventBridge {
  const stopping = new AbortController();
  const running = new Set<Promise<void>>();
  const newId = options.newId ?? randomUUID;
  let delivering = true;

  const unsubscribe = options.subscribe((kind, data) => {
    if (data.bucket !== options.bucket || stopping.signal.aborted) return;
    if (!delivering) return options.log.deliveryDropped({ kind, name: data.name });
    const delivery = deliverWithRetries(kind, data, newId()).catch(() => undefined);
    running.add(delivery);
    void delivery.finally(() => running.delete(delivery));
  });

  async function deliverWithRetries(kind: StorageChangeKind, data: ChangedObject, id: string): Promise<void> {
    const body = JSON.stringify(data);
    for (let attempt = 1; ; attempt++) {
      const status = await deliverOnce(kind, data, id, body);
      if (status === 'acknowledged' || stopping.signal.aborted) return;
      if (attempt >= options.retry.maxAttempts) {
        options.log.deliveryAbandoned({ kind, name: data.name, attempts: attempt, status });
        return;
      }
      const delayMs = retryDelayMs(attempt, options.retry);
      options.log.deliveryRetry({ kind, name: data.name, attempt, status, delayMs });
      await sleep(delayMs, undefined, { signal: stopping.signal });
      if (!delivering) return options.log.deliveryDropped({ kind, name: data.name });
    }
  }

  /** `acknowledged`, or what went wrong (`HTTP 503`, `no answer: ...`). */
  async function deliverOnce(kind: StorageChangeKind, data: ChangedObject, id: string, body: string): Promise<string> {
    try {
      const res = await fetch(options.functionUrl, {
        method: 'POST',
        headers: storageEventHeaders({ kind, id, bucket: data.bucket, name: data.name, time: new Date() }),
        body,
        signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(options.answerTimeoutMs ?? 600_000)]),
      });
      await res.arrayBuffer();
      return res.ok ? 'acknowledged' : `HTTP ${res.status}`;
    } catch (err) {
      return `no answer: ${(err as Error).message}`;
    }
  }

  return {
    get delivering() {
      return delivering;
    },
    setDelivering(on) {
      if (on === delivering) return;
      delivering = on;
      options.log.bridgeSwitched({ delivering });
    },
    async stop() {
      unsubscribe();
      stopping.abort();
      await Promise.all([...running]);
    },
  };
}
