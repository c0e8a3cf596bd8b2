/**
 * What the Cloud Tasks emulator's route and control handlers share: the store, the dispatcher, the clock
 * and randomness, plus the request checks every REST method makes first (a bearer token; no query
 * parameter the method does not bind, refused as Google's transcoder does:
 * `Invalid JSON payload received. Unknown name "x": Cannot bind query parameter.`).
 */
import type { RequestContext } from '../harness/http.js';
import type { Clock } from '../harness/clock.js';
import type { Dispatcher } from './dispatcher.js';
import { page, unknownQueryParameter, type ApiVersion } from './names.js';
import { rpcError } from './rpc.js';
import type { TaskStore } from './store.js';

export interface TasksContext {
  store: TaskStore;
  dispatcher: Dispatcher;
  clock: Clock;
  random: () => number;
}

/** Authentication and query-parameter checks; returns the API version of the path. */
export function checkRequest(ctx: RequestContext, fields: readonly string[]): ApiVersion {
  if (!/^Bearer\s+\S+/i.test(ctx.req.headers.authorization ?? '')) {
    throw rpcError(
      'UNAUTHENTICATED',
      'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    );
  }
  const unknown = unknownQueryParameter(ctx.query, fields);
  if (unknown !== undefined) {
    throw rpcError(
      'INVALID_ARGUMENT',
      `Invalid JSON payload received. Unknown name "${unknown}": Cannot bind query parameter. Field '${unknown}' could not be found in request message.`,
    );
  }
  return ctx.params.version === 'v2beta3' ? 'v2beta3' : 'v2';
}

/** `pageSize`/`pageToken` of a list request (either spelling). */
/**
 * The page of `all` a list request asks for (`pageSize`, `pageToken`, either spelling; at most `max`), as
 * its response carries it: `{ [field]: each item rendered, nextPageToken? }`. A page size that is not a
 * number or a token this emulator did not issue is INVALID_ARGUMENT. `renderer` is asked for once the page
 * is known, so a bad page is reported before a bad view or mask, as before this was shared.
 */
export function listPage<T>(
  query: URLSearchParams,
  all: readonly T[],
  max: number,
  field: string,
  renderer: () => (item: T) => unknown,
): Record<string, unknown> {
  const raw = query.get('pageSize') ?? query.get('page_size') ?? '0';
  const size = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (Number.isNaN(size)) throw rpcError('INVALID_ARGUMENT', `Invalid value at 'page_size' (TYPE_INT32), "${raw}"`);
  let listed;
  try {
    listed = page(all, size, query.get('pageToken') ?? query.get('page_token') ?? '', max);
  } catch (err) {
    throw rpcError('INVALID_ARGUMENT', (err as Error).message);
  }
  return { [field]: listed.items.map(renderer()), ...(listed.nextPageToken ? { nextPageToken: listed.nextPageToken } : {}) };
}
