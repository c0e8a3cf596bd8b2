/**
 * One option, defined once, in the style of functions-framework's `ConfigurableOption`: its command-line
 * flag (and the old names it still answers to), its environment variable when it is a setting of the
 * function, how its text becomes a value (parser and validator in one), its default, an example and a
 * help line. The settings (config/settings.ts) and every command's own options are `Option`s; the
 * function's config, the HTTP validation and the command line all read them. The value parsers here are
 * pure and answer a problem sentence ("must be …, got "x"") that the caller prefixes with the variable or
 * the flag it read.
 */
import { BUCKET_RULE, isBucketName } from '../core/names.js';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };
export type ValueParser<T> = (text: string) => ParseResult<T>;

export interface Option<T> {
  /** The command-line flag, without `--`. */
  readonly flag: string;
  /** Old flag names still accepted, each with a deprecation note. */
  readonly deprecatedFlags?: readonly string[];
  readonly short?: string;
  /** The environment variable of a function setting. */
  readonly env?: string;
  /** A boolean flag takes no value on the command line (`--dry-run`). */
  readonly boolean?: boolean;
  readonly parse: ValueParser<T>;
  /** The value when nothing is given; with neither a default nor `required`, the value is undefined. */
  readonly default?: NoInfer<T>;
  readonly required?: boolean;
  /** A good value, for problem messages and the help. */
  readonly example: string;
  /** The placeholder of the value in usage lines (`ID`, `N`, …). */
  readonly placeholder?: string;
  readonly help: string;
}

export const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const bad = (rule: string, text: string): ParseResult<never> => ({ ok: false, problem: `must be ${rule}, got "${text}"` });

export const anyText: ValueParser<string> = ok;

const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;

/** A decimal number (no sign, no exponent) that satisfies `valid`, described by `rule`. */
export function decimal(valid: (n: number) => boolean, rule: string): ValueParser<number> {
  return (text) => {
    const n = DECIMAL.test(text) ? Number(text) : Number.NaN;
    return Number.isFinite(n) && valid(n) ? ok(n) : bad(rule, text);
  };
}

export const wholeNumber = (min: number, max: number): ValueParser<number> =>
  decimal((n) => Number.isSafeInteger(n) && n >= min && n <= max, `a whole number (integer) from ${min} to ${max}`);

export function oneOf<T extends string>(allowed: readonly T[]): ValueParser<T> {
  return (text) => {
    const value = text.toLowerCase();
    return (allowed as readonly string[]).includes(value) ? ok(value as T) : bad(`one of ${allowed.join(', ')}`, text);
  };
}

export const trueOrFalse: ValueParser<boolean> = (text) => {
  const value = text.toLowerCase();
  if (['true', '1', 'yes'].includes(value)) return ok(true);
  if (['false', '0', 'no'].includes(value)) return ok(false);
  return bad('true/false/1/0/yes/no', text);
};

/** A comma list, trimmed, empty entries dropped. */
export const commaList: ValueParser<readonly string[]> = (text) =>
  ok(
    text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );

export const bucketName: ValueParser<string> = (text) => (isBucketName(text) ? ok(text) : bad(BUCKET_RULE, text));

const FOLDER_ID = /^[A-Za-z0-9_-]{10,}$/;

export const driveFolderId: ValueParser<string> = (text) =>
  FOLDER_ID.test(text)
    ? ok(text)
    : bad("a Drive folder id or shared drive id (the last part of the folder's URL: 10+ letters, digits, _ or -)", text);

const SECRET_VERSION = /^(projects\/[^/\s]+\/secrets\/[A-Za-z0-9_-]{1,255})(?:\/versions\/(latest|[1-9][0-9]*))?$/;

/** `projects/P/secrets/S[/versions/V]` → the full version name (`latest` by default). */
export const secretVersion: ValueParser<string> = (text) => {
  const m = SECRET_VERSION.exec(text);
  if (!m) return bad('projects/PROJECT/secrets/SECRET, optionally followed by /versions/latest or /versions/N', text);
  return ok(`${m[1]}/versions/${m[2] ?? 'latest'}`);
};

/**
 * `projects/P/secrets/S[/versions/V]` → `projects/P/secrets/S` (authorize adds a new version): a version
 * path, as TOKEN_SECRET and the re-authorize instructions name it, is the secret it belongs to.
 */
export const secretWithoutVersion: ValueParser<string> = (text) => {
  const m = SECRET_VERSION.exec(text);
  return m ? ok(m[1]) : bad('projects/PROJECT/secrets/SECRET (a /versions/… suffix is allowed: a new version is added)', text);
};

/** An http(s) URL or `host:port`, as `scheme://host[:port][/path]` without a trailing `/`. */
export const emulatorHost: ValueParser<string> = (text) => {
  const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text) ? text : `http://${text}`;
  let url: URL | undefined;
  try {
    url = new URL(withScheme);
  } catch {
    url = undefined;
  }
  const usable =
    url !== undefined &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.hostname !== '' &&
    url.search === '' &&
    url.hash === '' &&
    url.username === '';
  return usable && url ? ok(`${url.origin}${url.pathname.replace(/\/+$/, '')}`) : bad('an http(s) URL or host:port', text);
};

/** `projects/P/locations/L/queues/Q`: a Cloud Tasks queue's full name (Q: letters, digits, hyphens, ≤ 100). */
export const queueName: ValueParser<string> = (text) =>
  /^projects\/[a-z0-9][a-z0-9:.-]*\/locations\/[a-z0-9-]+\/queues\/[A-Za-z0-9-]{1,100}$/.test(text)
    ? ok(text)
    : bad('projects/PROJECT/locations/LOCATION/queues/QUEUE', text);

/** An absolute http(s) URL without credentials or a fragment (a task's target). */
export const httpUrl: ValueParser<string> = (text) => {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  const usable = url !== undefined && (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.hash === '';
  return usable && url ? ok(url.href) : bad('an absolute http(s) URL such as https://SERVICE-NUMBER.REGION.run.app/backup', text);
};

/** A service account's e-mail address. */
export const serviceAccountEmail: ValueParser<string> = (text) =>
  /^[a-z0-9][a-z0-9-]*@[a-z0-9][a-z0-9.-]*\.gserviceaccount\.com$/.test(text)
    ? ok(text)
    : bad('a service account e-mail (NAME@PROJECT.iam.gserviceaccount.com)', text);

/** `--flag`, then the deprecated names: every name the option answers to on a command line. */
export function flagNames(option: Option<unknown>): string[] {
  return [option.flag, ...(option.deprecatedFlags ?? [])];
}
