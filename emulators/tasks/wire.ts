/**
 * Proto3 JSON as Cloud Tasks' REST surface reads and writes it (https://protobuf.dev/programming-guides/json/):
 * field names in lowerCamelCase or the proto's snake_case, Durations as `"1.5s"`, Timestamps in RFC 3339,
 * enums by name or number (google-gax sends numbers and asks for them back with
 * `$alt=json;enum-encoding=int`; gcloud uses names), int64 as strings. Bad input is refused with the
 * messages Google's JSON transcoder uses: `Invalid value at 'queue.retry_config.min_backoff' (…), "x"` and
 * `Invalid JSON payload received. Unknown name "x" at 'queue': Cannot find field.`
 */
import { rpcError } from './rpc.js';
import { camelToSnake } from './names.js';

export const ENUMS = {
  State: ['STATE_UNSPECIFIED', 'RUNNING', 'PAUSED', 'DISABLED'],
  HttpMethod: ['HTTP_METHOD_UNSPECIFIED', 'POST', 'GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
  View: ['VIEW_UNSPECIFIED', 'BASIC', 'FULL'],
  Type: ['TYPE_UNSPECIFIED', 'PULL', 'PUSH'],
} as const;
export type EnumName = keyof typeof ENUMS;

/** Whether the caller asked for enums as numbers (`$alt=json;enum-encoding=int`). */
export function wantsIntEnums(query: URLSearchParams): boolean {
  return /enum-encoding=int/.test(query.get('$alt') ?? query.get('alt') ?? '');
}

export function enumOut(kind: EnumName, value: string, asInt: boolean): string | number {
  return asInt ? (ENUMS[kind] as readonly string[]).indexOf(value) : value;
}

function invalid(path: string, type: string, value: unknown): never {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  throw rpcError('INVALID_ARGUMENT', `Invalid value at '${path}' (${type}), ${JSON.stringify(shown)}`);
}

/** Parses an enum given by name or number; `undefined`/`null` stay undefined. */
export function parseEnum(kind: EnumName, value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const names = ENUMS[kind] as readonly string[];
  if (typeof value === 'number' && Number.isInteger(value) && names[value]) return names[value];
  if (typeof value === 'string' && names.includes(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value) && names[Number(value)]) return names[Number(value)];
  return invalid(path, `type.googleapis.com/google.cloud.tasks.v2.${kind === 'State' || kind === 'Type' ? `Queue.${kind}` : kind}`, value);
}

/** `"3.5s"` → 3500 (milliseconds, fractional below 1 ms kept). */
export function parseDuration(value: unknown, path: string): number {
  const m = typeof value === 'string' ? /^(-?)(\d{1,12})(?:\.(\d{1,9}))?s$/.exec(value) : null;
  if (!m) return invalid(path, 'type.googleapis.com/google.protobuf.Duration', value);
  const ms = Number(m[2]) * 1000 + Number(`0.${m[3] ?? '0'}`) * 1000;
  return m[1] ? -ms : ms;
}

/** 100 → `"0.100s"`, 3_600_000 → `"3600s"` (0, 3, 6 or 9 fractional digits, as proto3 JSON prints). */
export function formatDuration(ms: number): string {
  const nanos = Math.round(ms * 1e6);
  const seconds = Math.trunc(nanos / 1e9);
  const frac = Math.abs(nanos % 1e9);
  if (frac === 0) return `${seconds}s`;
  let digits = String(frac).padStart(9, '0');
  if (digits.endsWith('000000')) digits = digits.slice(0, 3);
  else if (digits.endsWith('000')) digits = digits.slice(0, 6);
  return `${nanos < 0 && seconds === 0 ? '-' : ''}${seconds}.${digits}s`;
}

/** RFC 3339 (`2024-01-01T00:00:00.5Z`, offsets allowed) → epoch milliseconds. */
export function parseTimestamp(value: unknown, path: string): number {
  const ok = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(value);
  const ms = ok ? Date.parse(value.replace(/(\.\d{3})\d+/, '$1')) : NaN;
  if (Number.isNaN(ms)) return invalid(path, 'type.googleapis.com/google.protobuf.Timestamp', value);
  return ms;
}

/** Epoch ms → RFC 3339 in UTC, without a `.000` fraction. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Reads one JSON object of a proto message: known fields only, both name spellings. */
export class Message {
  private constructor(
    private readonly obj: Record<string, unknown>,
    readonly path: string,
  ) {}

  /**
   * `value` as message `path` with these (camelCase) fields; throws on a non-object or an unknown field.
   * `path` '' is the request itself (body "*").
   */
  static of(value: unknown, path: string, fields: readonly string[]): Message {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw rpcError('INVALID_ARGUMENT', `Invalid JSON payload received. Expected an object${path ? ` at '${path}'` : ''}.`);
    }
    const known = new Set(fields.flatMap((f) => [f, camelToSnake(f)]));
    for (const key of Object.keys(value)) {
      if (!known.has(key)) {
        throw rpcError(
          'INVALID_ARGUMENT',
          `Invalid JSON payload received. Unknown name "${key}"${path ? ` at '${path}'` : ''}: Cannot find field.`,
        );
      }
    }
    return new Message(value as Record<string, unknown>, path);
  }

  /** The field's value (null counts as absent, as in proto3 JSON). */
  get(field: string): unknown {
    const v = this.obj[field] ?? this.obj[camelToSnake(field)];
    return v === null ? undefined : v;
  }

  has(field: string): boolean {
    return this.get(field) !== undefined;
  }

  pathOf(field: string): string {
    return this.path ? `${this.path}.${camelToSnake(field)}` : camelToSnake(field);
  }

  message(field: string, fields: readonly string[]): Message | undefined {
    const v = this.get(field);
    return v === undefined ? undefined : Message.of(v, this.pathOf(field), fields);
  }

  string(field: string): string | undefined {
    const v = this.get(field);
    if (v === undefined) return undefined;
    return typeof v === 'string' ? v : invalid(this.pathOf(field), 'TYPE_STRING', v);
  }

  double(field: string): number | undefined {
    const v = this.get(field);
    if (v === undefined) return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return Number.isFinite(n) ? n : invalid(this.pathOf(field), 'TYPE_DOUBLE', v);
  }

  int32(field: string): number | undefined {
    const v = this.get(field);
    if (v === undefined) return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
    return Number.isInteger(n) && Math.abs(n) < 2 ** 31 ? n : invalid(this.pathOf(field), 'TYPE_INT32', v);
  }

  duration(field: string): number | undefined {
    const v = this.get(field);
    return v === undefined ? undefined : parseDuration(v, this.pathOf(field));
  }

  timestamp(field: string): number | undefined {
    const v = this.get(field);
    return v === undefined ? undefined : parseTimestamp(v, this.pathOf(field));
  }

  enum(field: string, kind: EnumName): string | undefined {
    return parseEnum(kind, this.get(field), this.pathOf(field));
  }

  /** base64 (standard or URL-safe alphabet) → bytes. */
  bytes(field: string): Buffer | undefined {
    const v = this.get(field);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) return invalid(this.pathOf(field), 'TYPE_BYTES', v);
    return Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  }

  /** A `map<string, string>` (keys kept as given). */
  stringMap(field: string): Record<string, string> | undefined {
    const v = this.get(field);
    if (v === undefined) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) return invalid(this.pathOf(field), 'TYPE_MESSAGE', v);
    const out: Record<string, string> = {};
    for (const [k, value] of Object.entries(v as Record<string, unknown>)) {
      if (typeof value !== 'string') invalid(`${this.pathOf(field)}[${k}]`, 'TYPE_STRING', value);
      out[k] = value as string;
    }
    return out;
  }
}
