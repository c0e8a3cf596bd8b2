/**
 * Cloud Storage's naming rules as the product applies them, one definition for every place a name comes
 * in: the configuration (bucket settings), the HTTP bodies and the command line (`gs://` arguments).
 * Each rule returns the problems found, as sentences naming the field; empty when the value is fine. Pure.
 */
import { describeValue } from './text.js';

const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
// C0 controls, DEL and C1 controls: never part of a name anyone means to type.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_NAME_BYTES = 1024;

/** What a bucket name must be, for problem sentences. */
export const BUCKET_RULE = 'a bucket name (3-63 lowercase letters, digits, -, _ and ., up to 222 with dots; no gs:// prefix)';

/** Whether `value` is a bucket name: 3-222 characters, dot-separated parts of at most 63, no `..`. */
export function isBucketName(value: string): boolean {
  if (!BUCKET.test(value) || value.includes('..')) return false;
  const parts = value.split('.');
  return parts.every((p) => p.length > 0 && p.length <= 63) && (parts.length > 1 || value.length <= 63);
}

/** Why `bucket` is not a usable bucket name; empty when it is. */
export function bucketNameProblems(bucket: unknown, field = 'bucket'): string[] {
  if (typeof bucket !== 'string') return [`${field} must be a string, got ${describeValue(bucket)}`];
  return isBucketName(bucket) ? [] : [`${field} must be ${BUCKET_RULE}, got ${JSON.stringify(bucket)}`];
}

/**
 * Why `name` is not an object name we accept: empty, over 1024 UTF-8 bytes, control characters (NUL
 * included), or a `.`/`..` path segment (they would mean something else to every path-minded reader).
 * With `allowEmpty` (a prefix) the empty string is fine.
 */
export function objectNameProblems(name: unknown, field = 'name', allowEmpty = false): string[] {
  if (typeof name !== 'string') return [`${field} must be a string, got ${describeValue(name)}`];
  const problems: string[] = [];
  if (name === '' && !allowEmpty) problems.push(`${field} must not be empty`);
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) problems.push(`${field} is longer than ${MAX_NAME_BYTES} UTF-8 bytes`);
  if (CONTROL.test(name)) problems.push(`${field} must not contain control characters (NUL, newline, ...)`);
  if (name.split('/').some((segment) => segment === '..' || segment === '.')) {
    problems.push(`${field} must not contain "." or ".." path segments`);
  }
  return problems;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** `gs://bucket/name` → its parts; `requireName` for commands that need an object, not a prefix. */
export function parseGsUrl(url: string, requireName: boolean): Parsed<{ bucket: string; name: string }> {
  const match = /^gs:\/\/([^/]*)(?:\/(.*))?$/s.exec(url);
  if (!match) return { ok: false, problems: [`expected gs://BUCKET${requireName ? '/NAME' : '[/PREFIX]'}, got ${JSON.stringify(url)}`] };
  const bucket = match[1];
  const name = match[2] ?? '';
  const problems = [...bucketNameProblems(bucket), ...objectNameProblems(name, requireName ? 'name' : 'prefix', !requireName)];
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: { bucket, name } };
}
