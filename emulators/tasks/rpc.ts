/**
 * Errors of the Cloud Tasks emulator as Google's REST surface returns them: a google.rpc.Status body
 * `{error: {code: HTTP, message, status: "NOT_FOUND"}}` that google-gax (REST fallback) turns into an
 * error with the gRPC code (5 NOT_FOUND, 6 ALREADY_EXISTS, 3 INVALID_ARGUMENT, 9 FAILED_PRECONDITION…),
 * and the mapping of a target's HTTP answer to the google.rpc code Cloud Tasks records in
 * `Attempt.responseStatus`. Codes and HTTP statuses: https://github.com/googleapis/googleapis/blob/master/google/rpc/code.proto
 */
import { HttpError, sendJson } from '../harness/http.js';
import type { ErrorRenderer } from '../harness/server.js';

export type RpcStatus =
  | 'CANCELLED'
  | 'UNKNOWN'
  | 'INVALID_ARGUMENT'
  | 'DEADLINE_EXCEEDED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'UNAUTHENTICATED';

/** google.rpc.Code: [number, HTTP status]. */
export const RPC: Record<RpcStatus, readonly [number, number]> = {
  CANCELLED: [1, 499],
  UNKNOWN: [2, 500],
  INVALID_ARGUMENT: [3, 400],
  DEADLINE_EXCEEDED: [4, 504],
  NOT_FOUND: [5, 404],
  ALREADY_EXISTS: [6, 409],
  PERMISSION_DENIED: [7, 403],
  RESOURCE_EXHAUSTED: [8, 429],
  FAILED_PRECONDITION: [9, 400],
  ABORTED: [10, 409],
  UNIMPLEMENTED: [12, 501],
  INTERNAL: [13, 500],
  UNAVAILABLE: [14, 503],
  UNAUTHENTICATED: [16, 401],
};

export function rpcError(status: RpcStatus, message: string): HttpError {
  return new HttpError(RPC[status][1], message, status);
}

/** The canonical status of an error: its reason when canonical, else derived from the HTTP status. */
export function statusOfError(httpStatus: number, reason: string): RpcStatus {
  if (reason in RPC) return reason as RpcStatus;
  return statusOfHttp(httpStatus);
}

/** The google.rpc status for an HTTP status (a worker's answer, an unmatched route, a fault). */
export function statusOfHttp(httpStatus: number): RpcStatus {
  const byHttp: Record<number, RpcStatus> = {
    400: 'INVALID_ARGUMENT',
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
    405: 'UNIMPLEMENTED',
    409: 'ABORTED',
    413: 'INVALID_ARGUMENT',
    429: 'RESOURCE_EXHAUSTED',
    499: 'CANCELLED',
    501: 'UNIMPLEMENTED',
    503: 'UNAVAILABLE',
    504: 'DEADLINE_EXCEEDED',
  };
  if (byHttp[httpStatus]) return byHttp[httpStatus];
  if (httpStatus >= 500) return 'INTERNAL';
  if (httpStatus >= 400) return 'FAILED_PRECONDITION';
  return 'UNKNOWN';
}

export const renderRpcError: ErrorRenderer = (res, err) => {
  const status = statusOfError(err.status, err.reason);
  sendJson(res, err.status, { error: { code: err.status, message: err.message, status } }, err.headers);
};
