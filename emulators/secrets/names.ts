/**
 * Pure helpers of the Secret Manager emulator: resource-name patterns of the v1 REST surface (global
 * `projects/P/secrets/S` and regional `projects/P/locations/L/secrets/S`), canonical google.rpc codes and
 * their HTTP statuses, CRC32C (int64-as-string) checks, page tokens and deny-prefix matching.
 * Table-tested in emulators/test/secrets/names.test.ts.
 */
import { CRC32C } from '@google-cloud/storage';

/** `projects/P` or `projects/P/locations/L` (P: project id or number, kept as given). */
const PARENT = String.raw`projects/[^/:]+(?:/locations/[^/:]+)?`;
const SECRET = String.raw`${PARENT}/secrets/[^/:]+`;
const VERSION = String.raw`${SECRET}/versions/[^/:]+`;

/** Route path patterns; named groups `parent`, `secret`, `version`. */
export const paths = {
  secrets: new RegExp(String.raw`^/v1/(?<parent>${PARENT})/secrets$`),
  secret: new RegExp(String.raw`^/v1/(?<secret>${SECRET})$`),
  addVersion: new RegExp(String.raw`^/v1/(?<secret>${SECRET}):addVersion$`),
  versions: new RegExp(String.raw`^/v1/(?<secret>${SECRET})/versions$`),
  version: new RegExp(String.raw`^/v1/(?<version>${VERSION})$`),
  versionVerb: (verb: 'access' | 'disable' | 'enable' | 'destroy') => new RegExp(String.raw`^/v1/(?<version>${VERSION}):${verb}$`),
};

/** RFC: secret ids are 1..255 of letters, digits, `-` and `_`. */
export function isValidSecretId(id: string | null | undefined): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9_-]{1,255}$/.test(id);
}

/** Splits `…/secrets/S/versions/V` into the secret name and the version id (`latest`, a number, …). */
export function splitVersionName(name: string): { secret: string; versionId: string } {
  const at = name.lastIndexOf('/versions/');
  return { secret: name.slice(0, at), versionId: name.slice(at + '/versions/'.length) };
}

/** Whether the name of a secret is regional (`…/locations/L/secrets/S`). */
export function isRegional(name: string): boolean {
  return /^projects\/[^/]+\/locations\//.test(name);
}

export type RpcStatus =
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'ABORTED'
  | 'RESOURCE_EXHAUSTED'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'UNAVAILABLE';

/** google.rpc.Code → HTTP status, as in google/rpc/code.proto. */
export const HTTP_STATUS: Record<RpcStatus, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

/** The rpc status of an error reply: its reason when canonical, else derived from the HTTP status. */
export function rpcStatusOf(httpStatus: number, reason: string): RpcStatus {
  if (reason in HTTP_STATUS) return reason as RpcStatus;
  const byHttp: Record<number, RpcStatus> = {
    400: 'INVALID_ARGUMENT',
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
    405: 'UNIMPLEMENTED',
    409: 'ALREADY_EXISTS',
    413: 'INVALID_ARGUMENT',
    429: 'RESOURCE_EXHAUSTED',
    501: 'UNIMPLEMENTED',
    503: 'UNAVAILABLE',
  };
  return byHttp[httpStatus] ?? (httpStatus >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
}

/** CRC32C of the payload as the unsigned decimal string proto3 JSON uses for int64. */
export function crc32cDecimal(data: Buffer): string {
  const crc = new CRC32C();
  crc.update(data);
  return String(crc.valueOf() >>> 0);
}

/** `ok`, `mismatch`, or `invalid` (not an int64 decimal) for a client-supplied `dataCrc32c`. */
export function checkCrc32c(data: Buffer, given: unknown): 'ok' | 'mismatch' | 'invalid' {
  const text = typeof given === 'number' ? String(given) : given;
  if (typeof text !== 'string' || !/^-?\d{1,20}$/.test(text)) return 'invalid';
  return BigInt(text) === BigInt(crc32cDecimal(data)) ? 'ok' : 'mismatch';
}

/** Whether `name` is `prefix` itself or lies under it (segment-wise: `a/b` covers `a/b/c` and `a/b:x`, not `a/bc`). */
export function underPrefix(name: string, prefix: string): boolean {
  const p = prefix.replace(/\/+$/, '');
  return name === p || name.startsWith(`${p}/`) || name.startsWith(`${p}:`);
}

export const MAX_PAGE_SIZE = 25000;

/** One page of `items`: page tokens are opaque base64url offsets. Throws RangeError on a bad token/size. */
export function page<T>(items: readonly T[], pageSize: number, pageToken: string): { items: T[]; nextPageToken?: string } {
  if (!Number.isInteger(pageSize) || pageSize < 0) throw new RangeError('pageSize must be a non-negative integer');
  let offset = 0;
  if (pageToken) {
    const decoded = Buffer.from(pageToken, 'base64url').toString('utf8');
    const m = /^o:(\d+)$/.exec(decoded);
    if (!m) throw new RangeError('invalid page token');
    offset = Number(m[1]);
  }
  const size = Math.min(pageSize === 0 ? MAX_PAGE_SIZE : pageSize, MAX_PAGE_SIZE);
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    nextPageToken: end < items.length ? Buffer.from(`o:${end}`).toString('base64url') : undefined,
  };
}
