/**
 * Reading errors by their shape: HTTP status, gRPC code, API reason, OAuth error, Retry-After, network
 * code. Errors come from several libraries (and three gaxios versions), so they are read by shape, not
 * by class. errors.ts classifies on top of these.
 */
type Loose = Record<string, unknown> & { response?: Loose; data?: Loose; headers?: unknown; cause?: unknown };

const asObject = (value: unknown): Loose | undefined => (value !== null && typeof value === 'object' ? (value as Loose) : undefined);

/** The HTTP status of a GaxiosError (6/7), storage ApiError or DriveHttpError; undefined for gRPC codes. */
export function httpStatusOf(err: unknown): number | undefined {
  const e = asObject(err);
  if (!e) return undefined;
  const candidates = [e.response?.status, e.status, e.code];
  for (const c of candidates) if (typeof c === 'number' && c >= 100 && c <= 599) return c;
  return undefined;
}

/** The gRPC status code of a google-gax GoogleError (numbers below 100; a DOMException's legacy `code` is not one). */
export function grpcCodeOf(err: unknown): number | undefined {
  if (err instanceof DOMException) return undefined;
  const code = asObject(err)?.code;
  return typeof code === 'number' && code >= 0 && code < 100 ? code : undefined;
}

/** `errors[0]` of a Google JSON API error, wherever the client put it (DriveHttpError keeps the raw body). */
function firstApiError(err: unknown): Loose | undefined {
  const e = asObject(err);
  if (!e) return undefined;
  let body = asObject(e.response?.data?.error);
  if (!body && typeof e.body === 'string' && e.body.startsWith('{')) {
    try {
      body = asObject(asObject(JSON.parse(e.body))?.error);
    } catch {
      body = undefined;
    }
  }
  for (const list of [body?.errors, e.errors]) if (Array.isArray(list) && asObject(list[0])) return asObject(list[0]);
  return undefined;
}

export function apiReasonOf(err: unknown): string | undefined {
  const own = asObject(err)?.reason;
  const reason = typeof own === 'string' && own ? own : firstApiError(err)?.reason;
  return typeof reason === 'string' ? reason : undefined;
}

export const apiMessageOf = (err: unknown): string | undefined => {
  const message = firstApiError(err)?.message;
  return typeof message === 'string' ? message : undefined;
};

/** The OAuth 2.0 error code (`invalid_grant` …) of a token endpoint reply. */
export function oauthErrorOf(err: unknown): string | undefined {
  const data = asObject(err)?.response?.data;
  if (typeof data?.error === 'string') return data.error;
  const message = err instanceof Error ? err.message : undefined;
  return message && /^(invalid_grant|invalid_client|unauthorized_client)\b/.test(message) ? message.split(/\W/)[0] : undefined;
}

/** Seconds (`120`) or an HTTP-date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

export function retryAfterOf(err: unknown): number | undefined {
  const e = asObject(err);
  if (typeof e?.retryAfterMs === 'number') return e.retryAfterMs;
  const headers = asObject(e?.response?.headers);
  if (!headers) return undefined;
  const raw =
    typeof headers.get === 'function'
      ? (headers.get as (name: string) => string | null)('retry-after')
      : Object.entries(headers).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
  return parseRetryAfter(typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : undefined);
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'AbortError',
  'TimeoutError',
  'CONTENT_DOWNLOAD_MISMATCH',
]);

/** The network failure code in an error or its `cause` chain (`fetch failed` wraps the socket error). */
export function networkCodeOf(err: unknown): string | undefined {
  const chain: Loose[] = [];
  for (let e = asObject(err); e && chain.length < 5; e = asObject(e.cause ?? e.error)) chain.push(e);
  for (const e of chain) for (const c of [e.code, e.name]) if (typeof c === 'string' && NETWORK_CODES.has(c)) return c;
  const message = chain.map((e) => (typeof e.message === 'string' ? e.message : '')).join(' ');
  return /socket hang up|fetch failed|other side closed/i.exec(message)?.[0];
}

/** Removes anything that could be a credential or a capability URL from text bound for a log line. */
export function redact(text: string): string {
  return text
    .replace(/\bBearer\s+[\w.~+/=-]+/gi, 'Bearer [redacted]')
    .replace(/\bya29\.[\w.~+/=-]+/g, '[redacted]')
    .replace(/\b1\/\/[\w.~+/=-]+/g, '[redacted]')
    .replace(/((?:access_token|refresh_token|client_secret|upload_id|code)=)[^&\s"']+/gi, '$1[redacted]');
}

export const isNotFound = (err: unknown): boolean => httpStatusOf(err) === 404 || grpcCodeOf(err) === 5;
export const isConflict = (err: unknown): boolean => httpStatusOf(err) === 409 || grpcCodeOf(err) === 6;
export const isPreconditionFailed = (err: unknown): boolean => httpStatusOf(err) === 412;
