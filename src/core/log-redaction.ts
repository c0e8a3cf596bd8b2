/**
 * Redaction for log lines, so secrets never reach Cloud Logging: registered secrets (refresh and access
 * tokens, client secrets) become `[REDACTED]` wherever they appear, as do values under credential-like
 * keys, `Bearer …` tokens and `token=…` / `"access_token": "…"` fragments inside strings (error messages,
 * response bodies). Values are also made JSON-safe: cycles cut, depth bounded, Buffers summarised.
 */

export const REDACTED = '[REDACTED]';
const MIN_SECRET_LENGTH = 6;
const SENSITIVE_KEYS = new Set([
  'refreshtoken',
  'accesstoken',
  'idtoken',
  'token',
  'clientsecret',
  'authorization',
  'proxyauthorization',
  'password',
  'apikey',
  'cookie',
  'setcookie',
]);
const KEY_WORDS = 'refresh_token|access_token|id_token|client_secret|token|authorization|password|api_key';
const INLINE_PATTERNS: readonly [RegExp, string][] = [
  [new RegExp(`("(?:${KEY_WORDS})"\\s*:\\s*")(?:[^"\\\\]|\\\\.)*"`, 'gi'), `$1${REDACTED}"`],
  [new RegExp(`\\b(${KEY_WORDS})=[^&\\s"']+`, 'gi'), `$1=${REDACTED}`],
  [/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/g, `Bearer ${REDACTED}`],
  [/\bya29\.[A-Za-z0-9_\-.]+/g, REDACTED], // Google OAuth access tokens
  [/\b1\/\/0[A-Za-z0-9_-]{20,}/g, REDACTED], // Google OAuth refresh tokens
];
const MAX_DEPTH = 8;

function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEYS.has(key.toLowerCase().replace(/[^a-z]/g, ''));
}

/** A redactor with its own registered secrets; `describeError` picks the loggable parts of an Error. */
export function createRedactor(describeError: (err: Error) => Record<string, unknown>) {
  const secrets: string[] = [];

  /** Every later string has `value` replaced. Values under 6 characters are ignored. */
  const registerSecret = (value: string): void => {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || secrets.includes(value)) return;
    secrets.push(value);
    secrets.sort((a, b) => b.length - a.length); // longest first, so a secret containing another goes whole
  };

  const redactString = Object.assign(
    (text: string): string => {
      let out = text;
      for (const secret of secrets) out = out.split(secret).join(REDACTED);
      for (const [pattern, replacement] of INLINE_PATTERNS) out = out.replace(pattern, replacement);
      return out;
    },
    {
      /** A finished JSON line, with secrets as JSON escapes them. */
      inJson: (line: string): string => {
        let out = line;
        for (const secret of secrets) out = out.split(JSON.stringify(secret).slice(1, -1)).join(REDACTED);
        return out;
      },
    },
  );

  const sanitize = (value: unknown, seen = new WeakSet<object>(), depth = 0): unknown => {
    if (typeof value === 'string') return redactString(value);
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'function' || typeof value === 'symbol') return undefined;
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[Circular]';
    if (depth >= MAX_DEPTH) return '[Truncated]';
    if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    seen.add(value);
    const source = value instanceof Error ? describeError(value) : value;
    const out = Array.isArray(source)
      ? source.map((item) => sanitize(item, seen, depth + 1))
      : Object.fromEntries(
          Object.entries(source).map(([k, v]) => {
            const hidden = isSensitiveKey(k) && v !== undefined && v !== null && v !== '';
            return [k, hidden ? REDACTED : sanitize(v, seen, depth + 1)];
          }),
        );
    seen.delete(value);
    return out;
  };

  return { registerSecret, redactString, sanitize };
}
