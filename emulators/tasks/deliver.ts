/**
 * One dispatch attempt of an HTTP target task: the request Cloud Tasks sends (the task's method, URL,
 * headers and body; `Authorization: Bearer` with an OIDC or OAuth token; the `X-CloudTasks-*` headers of
 * https://cloud.google.com/tasks/docs/creating-http-target-tasks#handler) and its outcome: an HTTP status
 * (2xx is success) or no answer (connection error, or the dispatch deadline passed). Header values follow
 * what real Cloud Tasks sends, as recorded in aertje/cloud-tasks-emulator (conformance/golden/dispatch.json):
 * short queue and task IDs, `TaskExecutionCount` not counting 5xx answers, and on retries
 * `TaskPreviousResponse` plus an empty `TaskRetryReason`.
 */
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { shortName } from './names.js';
import { oauthAccessToken, type OidcSigner } from './oidc.js';
import type { TaskRecord } from './store.js';

export interface DeliveryOutcome {
  /** The target's HTTP status; undefined when it never answered. */
  status?: number;
  retryAfter?: string;
  /** Why there is no status. */
  error?: string;
  deadlineExceeded?: boolean;
}

/** ETA as Cloud Tasks sends it: seconds since the epoch with a fraction (`1666670855.329624`). */
export function etaHeader(ms: number): string {
  return (ms / 1000).toFixed(6);
}

/** Every header of the attempt (`Content-Length` aside), as the target will see them. */
export function dispatchHeaders(
  task: TaskRecord,
  attempt: { retryCount: number; executionCount: number; previousResponse?: number },
  signer: OidcSigner,
): Record<string, string> {
  const headers: Record<string, string> = { ...task.http.headers };
  for (const key of Object.keys(headers)) {
    if (/^authorization$/i.test(key) && (task.http.oidcToken || task.http.oauthToken)) delete headers[key];
  }
  if (task.http.oidcToken) {
    const { serviceAccountEmail, audience } = task.http.oidcToken;
    headers.Authorization = `Bearer ${signer.token(serviceAccountEmail, audience || task.http.url)}`;
  } else if (task.http.oauthToken) {
    const { serviceAccountEmail, scope } = task.http.oauthToken;
    headers.Authorization = `Bearer ${oauthAccessToken(serviceAccountEmail, scope || 'https://www.googleapis.com/auth/cloud-platform')}`;
  }
  headers['X-CloudTasks-QueueName'] = shortName(task.queue);
  headers['X-CloudTasks-TaskName'] = shortName(task.name);
  headers['X-CloudTasks-TaskRetryCount'] = String(attempt.retryCount);
  headers['X-CloudTasks-TaskExecutionCount'] = String(attempt.executionCount);
  headers['X-CloudTasks-TaskETA'] = etaHeader(task.scheduleTimeMs);
  if (attempt.retryCount > 0) {
    if (attempt.previousResponse !== undefined) headers['X-CloudTasks-TaskPreviousResponse'] = String(attempt.previousResponse);
    headers['X-CloudTasks-TaskRetryReason'] = '';
  }
  return headers;
}

/** Sends attempts over keep-alive connections; `close()` aborts whatever is in flight. */
export class Deliverer {
  private readonly agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  private readonly active = new Set<AbortController>();

  /** Sends; `deadline` is a promise that resolves when the dispatch deadline has passed. */
  send(task: TaskRecord, headers: Record<string, string>, deadline: Promise<void>): Promise<DeliveryOutcome> {
    const url = new URL(task.http.url);
    const body = task.http.body ?? Buffer.alloc(0);
    const secure = url.protocol === 'https:';
    const abort = new AbortController();
    this.active.add(abort);
    return new Promise<DeliveryOutcome>((resolve) => {
      let done = false;
      const finish = (outcome: DeliveryOutcome) => {
        if (done) return;
        done = true;
        this.active.delete(abort);
        resolve(outcome);
      };
      void deadline.then(() => {
        if (done) return;
        finish({ error: 'the dispatch deadline passed before the target answered', deadlineExceeded: true });
        abort.abort();
      });
      const req = (secure ? httpsRequest : httpRequest)(
        url,
        {
          method: task.http.httpMethod,
          headers: { ...headers, 'Content-Length': String(body.length) },
          agent: secure ? this.agents.https : this.agents.http,
          signal: abort.signal,
        },
        (res: IncomingMessage) => {
          res.resume();
          res.on('end', () => finish({ status: res.statusCode ?? 0, retryAfter: headerText(res.headers['retry-after']) }));
          res.on('error', (err) => finish({ error: err.message }));
        },
      );
      req.on('error', (err) => finish({ error: err.message }));
      req.end(body);
    });
  }

  close(): void {
    for (const abort of this.active) abort.abort();
    this.active.clear();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
