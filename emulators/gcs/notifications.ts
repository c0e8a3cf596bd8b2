/**
 * Object change notifications of the Cloud Storage emulator: in-process listeners (called synchronously
 * after a write commits) and webhooks registered through `POST /_emulator/gcs/notifications {"url"}`, to
 * which every event is POSTed as `{"kind": "finalized"|"deleted", "data": <object resource>}`,
 * fire-and-forget with a few retries and no logging.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ControlHub } from '../harness/server.js';
import type { StorageObjectData } from './resource.js';

export type ChangeKind = 'finalized' | 'deleted';
export type ChangeSubscriber = (kind: ChangeKind, data: StorageObjectData) => void;

const WEBHOOK_ATTEMPTS = 3;
const WEBHOOK_RETRY_MS = 100;
const WEBHOOK_TIMEOUT_MS = 5_000;

export class ChangeNotifier {
  private readonly subscribers = new Set<ChangeSubscriber>();
  private readonly webhooks = new Set<string>();
  /** Per-URL delivery chains, so one webhook sees events in commit order (delivery never rejects). */
  private readonly queues = new Map<string, Promise<void>>();

  subscribe(listener: ChangeSubscriber): () => void {
    const entry: ChangeSubscriber = (kind, data) => listener(kind, data);
    this.subscribers.add(entry);
    return () => {
      this.subscribers.delete(entry);
    };
  }

  addWebhook(url: string): void {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('url must be http(s)');
    this.webhooks.add(parsed.toString());
  }

  /** Removes one webhook, or all of them when `url` is undefined. */
  removeWebhook(url?: string): void {
    if (url === undefined) this.webhooks.clear();
    else this.webhooks.delete(new URL(url).toString());
  }

  listWebhooks(): string[] {
    return [...this.webhooks];
  }

  emit(kind: ChangeKind, data: StorageObjectData): void {
    for (const s of [...this.subscribers]) {
      try {
        s(kind, structuredClone(data));
      } catch {
        // A failing subscriber must not fail the write that triggered it.
      }
    }
    if (this.webhooks.size === 0) return;
    const body = JSON.stringify({ kind, data });
    for (const url of this.webhooks) {
      const next = (this.queues.get(url) ?? Promise.resolve()).then(() => deliver(url, body));
      this.queues.set(url, next);
      void next.finally(() => {
        if (this.queues.get(url) === next) this.queues.delete(url);
      });
    }
  }

  /** `POST|DELETE|GET /_emulator/gcs/notifications`. */
  registerControlRoutes(hub: ControlHub): void {
    hub.addControl({
      method: 'POST',
      path: 'gcs/notifications',
      handle: (body) => {
        if (typeof body.url !== 'string') throw new Error('body must be {"url": "http://..."}');
        this.addWebhook(body.url);
        return { urls: this.listWebhooks() };
      },
    });
    hub.addControl({
      method: 'DELETE',
      path: 'gcs/notifications',
      handle: (body, url) => {
        const target = typeof body.url === 'string' ? body.url : (url.searchParams.get('url') ?? undefined);
        this.removeWebhook(target);
        return { urls: this.listWebhooks() };
      },
    });
    hub.addControl({ method: 'GET', path: 'gcs/notifications', handle: () => ({ urls: this.listWebhooks() }) });
  }
}

async function deliver(url: string, body: string): Promise<void> {
  for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok || (res.status >= 400 && res.status < 500 && res.status !== 429)) return;
    } catch {
      // retried below
    }
    if (attempt < WEBHOOK_ATTEMPTS) await sleep(WEBHOOK_RETRY_MS * attempt);
  }
}
