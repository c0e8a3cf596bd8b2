/**
 * Reads and checks the task of a CreateTask request, refusing what Cloud Tasks refuses: a named task in
 * another queue or with a bad ID (messages as recorded against real Cloud Tasks, see store.ts), a URL that
 * is not http(s) or longer than 2083 characters, a body on a method without one, a dispatch deadline
 * outside [15 s, 30 min], a schedule time more than 30 days ahead, a task over 1 MB
 * (https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks,
 * https://cloud.google.com/tasks/docs/quotas). Headers are stored the way Cloud Tasks stores them:
 * `User-Agent: Google-Cloud-Tasks`, without Host, Content-Length, `X-Google-*`, `X-AppEngine-*` and
 * `X-CloudTasks-*` (set at dispatch). Only HTTP targets are emulated.
 */
import { generatedTaskId, splitTaskName, TASK_ID } from './names.js';
import { rpcError } from './rpc.js';
import type { HttpTarget, TaskRecord } from './store.js';
import { Message } from './wire.js';

export const MAX_TASK_BYTES = 1024 * 1024;
export const MAX_URL_LENGTH = 2083;
export const MAX_SCHEDULE_AHEAD_MS = 30 * 24 * 3600 * 1000;
export const DEFAULT_DEADLINE_MS = 10 * 60 * 1000;
const DEADLINE_RANGE_MS = [15_000, 30 * 60 * 1000] as const;
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

const TASK_FIELDS = [
  'name',
  'appEngineHttpRequest',
  'httpRequest',
  'pullMessage',
  'scheduleTime',
  'createTime',
  'dispatchDeadline',
  'dispatchCount',
  'responseCount',
  'firstAttempt',
  'lastAttempt',
  'view',
];
const HTTP_REQUEST_FIELDS = ['url', 'httpMethod', 'headers', 'body', 'oauthToken', 'oidcToken'];

export interface TaskInput {
  task: Omit<TaskRecord, 'version'>;
  full: boolean;
}

/** The body of CreateTask (`{task, responseView}`) for queue `queueName`, at `nowMs`. */
export function readCreateTask(body: unknown, queueName: string, nowMs: number, random: () => number): TaskInput {
  const request = Message.of(body, '', ['task', 'responseView']);
  const full = request.enum('responseView', 'View') === 'FULL';
  const task = request.message('task', TASK_FIELDS);
  if (!task) throw rpcError('INVALID_ARGUMENT', 'Task must be specified.');

  let name = task.string('name');
  if (name) {
    const split = splitTaskName(name);
    if (!split || split.queue !== queueName) {
      throw rpcError(
        'INVALID_ARGUMENT',
        `The queue name from request ('${queueName}') must be the same as the queue name in the named task ('${split?.queue ?? name}').`,
      );
    }
    if (!TASK_ID.test(split.taskId)) {
      throw rpcError(
        'INVALID_ARGUMENT',
        `Task ID "${split.taskId}" can contain only letters ([A-Za-z]), numbers ([0-9]), hyphens (-), or underscores (_). Task ID must between 1 and 500 characters.`,
      );
    }
  } else {
    name = `${queueName}/tasks/${generatedTaskId(random)}`;
  }

  if (task.has('appEngineHttpRequest') || task.has('pullMessage')) {
    throw rpcError('UNIMPLEMENTED', 'The Cloud Tasks emulator dispatches HTTP target tasks (httpRequest) only.');
  }
  const http = task.message('httpRequest', HTTP_REQUEST_FIELDS);
  if (!http) throw rpcError('INVALID_ARGUMENT', 'Task.message_type must be set: give the task an http_request.');
  const target = readHttpTarget(http);

  let scheduleTimeMs = task.timestamp('scheduleTime') ?? nowMs;
  if (scheduleTimeMs < nowMs) scheduleTimeMs = nowMs;
  if (scheduleTimeMs > nowMs + MAX_SCHEDULE_AHEAD_MS) {
    throw rpcError('INVALID_ARGUMENT', 'Task.schedule_time is too far in the future: a task may be scheduled at most 30 days ahead.');
  }
  const dispatchDeadlineMs = task.duration('dispatchDeadline') ?? DEFAULT_DEADLINE_MS;
  if (dispatchDeadlineMs < DEADLINE_RANGE_MS[0] || dispatchDeadlineMs > DEADLINE_RANGE_MS[1]) {
    throw rpcError('INVALID_ARGUMENT', 'Task.dispatch_deadline must be between 15 seconds and 30 minutes for HTTP tasks.');
  }
  const size = taskSize(name, target);
  if (size > MAX_TASK_BYTES) {
    throw rpcError('INVALID_ARGUMENT', `Task size too large: ${size} bytes, the maximum is ${MAX_TASK_BYTES} bytes.`);
  }
  return {
    full,
    task: {
      name,
      queue: queueName,
      http: target,
      scheduleTimeMs,
      createTimeMs: nowMs,
      dispatchDeadlineMs,
      dispatchCount: 0,
      responseCount: 0,
      executionCount: 0,
      inFlight: false,
    },
  };
}

function readHttpTarget(http: Message): HttpTarget {
  const url = http.string('url');
  if (!url) throw rpcError('INVALID_ARGUMENT', 'HttpRequest.url is required.');
  if (!/^https?:\/\/[^/?#\s]+/i.test(url) || !URL.canParse(url)) {
    throw rpcError('INVALID_ARGUMENT', `HttpRequest.url must begin with "http://" or "https://" and be a valid URL, got "${url}".`);
  }
  if (url.length > MAX_URL_LENGTH) throw rpcError('INVALID_ARGUMENT', `HttpRequest.url is longer than ${MAX_URL_LENGTH} characters.`);
  const method = http.enum('httpMethod', 'HttpMethod');
  const httpMethod = !method || method === 'HTTP_METHOD_UNSPECIFIED' ? 'POST' : method;
  const body = http.bytes('body');
  if (body && body.length > 0 && !METHODS_WITH_BODY.has(httpMethod)) {
    throw rpcError('INVALID_ARGUMENT', `A request body is allowed only if the HTTP method is POST, PUT, or PATCH (not ${httpMethod}).`);
  }
  if (http.has('oidcToken') && http.has('oauthToken')) {
    throw rpcError(
      'INVALID_ARGUMENT',
      "Invalid JSON payload received. Oneof field 'authorization_header' is already set. Cannot set 'oidcToken'",
    );
  }
  const target: HttpTarget = { url, httpMethod, headers: storedHeaders(http.stringMap('headers') ?? {}) };
  if (body && body.length > 0) target.body = body;
  const oidc = http.message('oidcToken', ['serviceAccountEmail', 'audience']);
  if (oidc) {
    const email = oidc.string('serviceAccountEmail');
    if (!email) throw rpcError('INVALID_ARGUMENT', 'OidcToken.service_account_email is required.');
    const audience = oidc.string('audience');
    target.oidcToken = { serviceAccountEmail: email, ...(audience ? { audience } : {}) };
  }
  const oauth = http.message('oauthToken', ['serviceAccountEmail', 'scope']);
  if (oauth) {
    const email = oauth.string('serviceAccountEmail');
    if (!email) throw rpcError('INVALID_ARGUMENT', 'OAuthToken.service_account_email is required.');
    const scope = oauth.string('scope');
    target.oauthToken = { serviceAccountEmail: email, ...(scope ? { scope } : {}) };
  }
  return target;
}

/** The headers Cloud Tasks keeps (and shows back) for an HTTP task. */
export function storedHeaders(given: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (/^(host|content-length|user-agent)$/i.test(name) || /^x-(google|appengine|cloudtasks)-/i.test(name)) continue;
    kept[name] = value;
  }
  kept['User-Agent'] = 'Google-Cloud-Tasks';
  const bytes = Object.entries(kept).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (bytes >= 80 * 1024) throw rpcError('INVALID_ARGUMENT', 'HttpRequest.headers must be smaller than 80KB.');
  return kept;
}

function taskSize(name: string, target: HttpTarget): number {
  let size = Buffer.byteLength(name) + Buffer.byteLength(target.url) + (target.body?.length ?? 0);
  for (const [k, v] of Object.entries(target.headers)) size += Buffer.byteLength(k) + Buffer.byteLength(v);
  return size;
}
