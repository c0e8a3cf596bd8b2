/**
 * Eventarc's side of a test or benchmark: the object resource a Cloud Storage event carries, delivered to
 * a function in binary mode (headers from harness/cloud-event.ts), once or until acknowledged.
 */
import { randomUUID } from 'node:crypto';
import { storageEventHeaders } from './cloud-event.js';

/** The object resource an event carries (all of Cloud Storage's fields; these are the ones callers read). */
export interface ObjectResource {
  bucket: string;
  name: string;
  generation: string;
  [field: string]: unknown;
}

/** Eventarc's binary-mode delivery of a Cloud Storage event; resolves to the HTTP status. */
export async function deliverStorageEvent(
  url: string,
  data: { bucket: string; name: string; [k: string]: unknown },
  options: { type?: string; id?: string } = {},
): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      ...storageEventHeaders({ kind: 'finalized', id: options.id ?? randomUUID(), bucket: data.bucket, name: data.name, time: new Date() }),
      ...(options.type !== undefined ? { 'ce-type': options.type } : {}),
    },
    body: JSON.stringify(data),
  });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Delivers until the function acknowledges (2xx), as Eventarc retries; returns the statuses seen. A delivery
 * that gets no answer (a connection reset, on a loaded machine a kept-alive socket the server had just
 * closed) is retried too, as Eventarc retries it, and shows as status 0.
 */
export async function deliverUntilAcked(
  url: string,
  data: { bucket: string; name: string },
  maxAttempts = 20,
  id?: string,
): Promise<number[]> {
  const statuses: number[] = [];
  const eventId = id ?? randomUUID();
  for (let i = 0; i < maxAttempts; i++) {
    const status = await deliverStorageEvent(url, data, { id: eventId }).catch((err: unknown) => {
      if (err instanceof TypeError && err.message === 'fetch failed') return 0;
      throw err;
    });
    statuses.push(status);
    if (status >= 200 && status < 300) return statuses;
    await new Promise((r) => setTimeout(r, 50 * (i + 1)));
  }
  return statuses;
}
