/**
 * Pure helpers of the Cloud Tasks emulator: the resource names of the v2 and v2beta3 REST surfaces
 * (`projects/P/locations/L/queues/Q[/tasks/T]`), their ID rules, the route patterns, the query
 * parameters each method binds, and opaque page tokens. Rules from
 * https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues#Queue.FIELDS.name and
 * https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks#Task.FIELDS.name
 * Table-tested in emulators/test/tasks/wire.test.ts ("names, pages and query parameters").
 */

const LOCATION = String.raw`projects/[^/:]+/locations/[^/:]+`;
const QUEUE = String.raw`${LOCATION}/queues/[^/:]+`;
const TASK = String.raw`${QUEUE}/tasks/[^/:]+`;
const VERSION = String.raw`(?<version>v2|v2beta3)`;

/** Route path patterns; named groups `version` plus `parent`, `queue` or `task`. */
export const paths = {
  queues: new RegExp(String.raw`^/${VERSION}/(?<parent>${LOCATION})/queues$`),
  queue: new RegExp(String.raw`^/${VERSION}/(?<queue>${QUEUE})$`),
  queueVerb: (verb: 'pause' | 'resume' | 'purge') => new RegExp(String.raw`^/${VERSION}/(?<queue>${QUEUE}):${verb}$`),
  tasks: new RegExp(String.raw`^/${VERSION}/(?<queue>${QUEUE})/tasks$`),
  task: new RegExp(String.raw`^/${VERSION}/(?<task>${TASK})$`),
  taskRun: new RegExp(String.raw`^/${VERSION}/(?<task>${TASK}):run$`),
};

export type ApiVersion = 'v2' | 'v2beta3';

/** `PROJECT_ID` may hold letters, digits, hyphens, colons and periods; `LOCATION_ID` letters, digits and hyphens. */
const PROJECT_ID = /^[A-Za-z0-9:.-]{1,100}$/;
const LOCATION_ID = /^[A-Za-z0-9-]{1,100}$/;
/** `QUEUE_ID`: letters, digits, hyphens; at most 100 characters. */
export const QUEUE_ID = /^[A-Za-z0-9-]{1,100}$/;
/** `TASK_ID`: letters, digits, hyphens, underscores; at most 500 characters. */
export const TASK_ID = /^[A-Za-z0-9_-]{1,500}$/;

export interface QueueName {
  project: string;
  location: string;
  queueId: string;
  /** `projects/P/locations/L` */
  parent: string;
}

export function parseQueueName(name: string): QueueName | undefined {
  const m = /^projects\/([^/]+)\/locations\/([^/]+)\/queues\/([^/]+)$/.exec(name);
  if (!m || !PROJECT_ID.test(m[1] ?? '') || !LOCATION_ID.test(m[2] ?? '') || !QUEUE_ID.test(m[3] ?? '')) return undefined;
  return { project: m[1] as string, location: m[2] as string, queueId: m[3] as string, parent: `projects/${m[1]}/locations/${m[2]}` };
}

export function isLocationName(name: string): boolean {
  const m = /^projects\/([^/]+)\/locations\/([^/]+)$/.exec(name);
  return !!m && PROJECT_ID.test(m[1] ?? '') && LOCATION_ID.test(m[2] ?? '');
}

/** Splits `…/queues/Q/tasks/T` into the queue name and the task ID (not validated). */
export function splitTaskName(name: string): { queue: string; taskId: string } | undefined {
  const at = name.lastIndexOf('/tasks/');
  if (at < 0) return undefined;
  return { queue: name.slice(0, at), taskId: name.slice(at + '/tasks/'.length) };
}

/** The last segment of a resource name (what `X-CloudTasks-QueueName`/`-TaskName` carry). */
export function shortName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** A task ID like the ones Cloud Tasks generates: 19–20 decimal digits. */
export function generatedTaskId(random: () => number): string {
  let id = String(1 + Math.floor(random() * 9));
  while (id.length < 20) id += String(Math.floor(random() * 10));
  return id;
}

/**
 * Query parameters every Google REST method accepts (system parameters,
 * https://cloud.google.com/apis/docs/system-parameters), besides the ones its request message binds.
 */
const SYSTEM_PARAMETERS = new Set([
  '$alt',
  'alt',
  '$fields',
  'fields',
  'key',
  'prettyPrint',
  '$prettyPrint',
  'quotaUser',
  '$.xgafv',
  'access_token',
  'oauth_token',
  'callback',
  '$callback',
  'upload_protocol',
  'uploadType',
  'userIp',
]);

/**
 * The first query parameter that neither the request message (fields given in camelCase; snake_case is
 * accepted too, as Google's transcoding does) nor the system parameters know, if any.
 */
export function unknownQueryParameter(query: URLSearchParams, fields: readonly string[]): string | undefined {
  const known = new Set(fields.flatMap((f) => [f, camelToSnake(f)]));
  for (const key of query.keys()) {
    const root = key.split('.')[0] ?? key;
    if (!SYSTEM_PARAMETERS.has(key) && !known.has(root)) return key;
  }
  return undefined;
}

export function camelToSnake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** One page of `items`: page tokens are opaque base64url offsets. Throws RangeError on a bad token/size. */
export function page<T>(
  items: readonly T[],
  pageSize: number,
  pageToken: string,
  maxPageSize: number,
): { items: T[]; nextPageToken?: string } {
  if (!Number.isInteger(pageSize) || pageSize < 0) throw new RangeError('page_size must be a non-negative integer');
  let offset = 0;
  if (pageToken) {
    const m = /^o:(\d+)$/.exec(Buffer.from(pageToken, 'base64url').toString('utf8'));
    if (!m) throw new RangeError('Invalid page token.');
    offset = Number(m[1]);
  }
  const end = offset + Math.min(pageSize === 0 ? maxPageSize : pageSize, maxPageSize);
  return {
    items: items.slice(offset, end),
    nextPageToken: end < items.length ? Buffer.from(`o:${end}`).toString('base64url') : undefined,
  };
}
