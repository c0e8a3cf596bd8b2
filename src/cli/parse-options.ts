/**
 * `node:util` parseArgs for CLI commands, with its errors turned into `UsageError` (exit code 2) and
 * helpers for the option shapes the commands share. Pure.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `argv` against `options`; no positional arguments are allowed. */
export function parseCommandOptions<T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** A whole number in [min, max] given as text, or a UsageError naming the option. */
export function integerOption(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

const SECRET = /^projects\/[^/\s]+\/secrets\/[A-Za-z0-9_-]{1,255}$/;
const SECRET_VERSION = /^(projects\/[^/\s]+\/secrets\/[A-Za-z0-9_-]{1,255})(?:\/versions\/(latest|[1-9][0-9]*))?$/;

/** `projects/P/secrets/S` (no version: authorize adds one). */
export function secretNameOption(value: string | undefined): string {
  if (value === undefined) throw new UsageError('--secret is required, for example --secret projects/my-project/secrets/drive-token');
  if (!SECRET.test(value)) {
    const hint = /\/versions\//.test(value) ? ' (without /versions/…: a new version is added)' : '';
    throw new UsageError(`--secret must be projects/PROJECT/secrets/SECRET${hint}, got "${value}"`);
  }
  return value;
}

/** `projects/P/secrets/S[/versions/V]` → the full version name (`latest` by default). */
export function secretVersionOption(value: string | undefined): string {
  if (value === undefined) throw new UsageError('--secret is required, for example --secret projects/my-project/secrets/drive-token');
  const m = SECRET_VERSION.exec(value);
  if (!m) throw new UsageError(`--secret must be projects/PROJECT/secrets/SECRET[/versions/latest|N], got "${value}"`);
  return `${m[1]}/versions/${m[2] ?? 'latest'}`;
}

const FOLDER_ID = /^[A-Za-z0-9_-]{10,}$/;

export function folderIdOption(value: string | undefined, source = '--folder-id'): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!FOLDER_ID.test(value.trim())) {
    throw new UsageError(
      `${source} must be a Drive folder id (the last part of the folder's URL: 10+ letters, digits, _ or -), got "${value}"`,
    );
  }
  return value.trim();
}
