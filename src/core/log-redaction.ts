/**
 * Redaction for log lines, so secrets never reach Cloud Logging, and never at the cost of user data.
 * What is secret: the values this instance registered (refresh and access tokens, client secrets) become
 * `[REDACTED]` wherever they appear; values under credential-like keys (an `Authorization` header, the
 * token fields of an OAuth reply) too. As a second net, fragments shaped like credentials inside free text
 * (error messages, response bodies: `Bearer …`, `"access_token": "…"`, `token=…`, Google token shapes) are
 * redacted — but not inside the line's own data: a fragment that lies in an object name, bucket or prefix
 * the line is about (`verbatim`) is that name, which anyone who can write objects chooses, and stays as it
 * is. Values are also made JSON-safe: cycles cut, depth bounded, Buffers summarised.
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
/** The fields of a line naming user data (objects, folders): kept from the pattern pass. */
const VERBATIM_FIELDS = ['bucket', 'name', 'prefix', 'folder', 'overflowFolderName', 'cursor'];

/** The strings of a line's fields that name user data, for `redactString` and `sanitize`. */
export function verbatimStrings(fields: Readonly<Record<string, unknown>>): string[] {
  return VERBATIM_FIELDS.map((key) => fields[key]).filter((value): value is string => typeof value === 'string');
}

/**
 * `text` with `pattern`'s matches replaced, except a match that overlaps an occurrence of a verbatim string
 * in which the pattern itself matches (the fragment is part of that name, not a credential next to it).
 */
function redactPattern(text: string, pattern: RegExp, replacement: string, verbatim: readonly string[]): string {
  const single = new RegExp(pattern.source, pattern.flags.replace('g', ''));
  const kept: [start: number, end: number][] = [];
  for (const name of verbatim) {
    if (name === '' || !single.test(name)) continue;
    for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) kept.push([at, at + name.length]);
  }
  return text.replace(pattern, (match: string, ...rest: unknown[]) => {
    const offset = rest.find((r) => typeof r === 'number') as number;
    const inName = kept.some(([start, end]) => offset < end && offset + match.length > start);
    return inName ? match : match.replace(single, replacement);
  });
}

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
    (text: string, verbatim: readonly string[] = []): string => {
      let out = text;
      for (const secret of secrets) out = out.split(secret).join(REDACTED);
      for (const [pattern, replacement] of INLINE_PATTERNS) out = redactPattern(out, pattern, replacement, verbatim);
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

  /** `value` made loggable; strings of `verbatim` (the line's own names) are kept from the pattern pass. */
  const sanitize = (value: unknown, verbatim: readonly string[] = [], seen = new WeakSet<object>(), depth = 0): unknown => {
    if (typeof value === 'string') return redactString(value, verbatim);
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
      ? source.map((item) => sanitize(item, verbatim, seen, depth + 1))
      : Object.fromEntries(
          Object.entries(source).map(([k, v]) => {
            const hidden = isSensitiveKey(k) && v !== undefined && v !== null && v !== '';
            return [k, hidden ? REDACTED : sanitize(v, verbatim, seen, depth + 1)];
          }),
        );
    seen.delete(value);
    return out;
  };

  return { registerSecret, redactString, sanitize };
}
