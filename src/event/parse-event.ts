/**
 * Turns a CloudEvent, as functions-framework hands it to a `cloudEvent` handler, into a typed
 * `StorageEvent`. Structured and binary content modes both arrive as `{ type, id, source, subject, time,
 * data, traceparent? }`; `data` may be an object, a JSON string, a Buffer, or (structured mode with
 * binary data) absent with `data_base64` set. int64 fields arrive as decimal strings or sometimes numbers
 * and are normalised to canonical decimal strings; the custom `metadata` map keeps its string entries. Every
 * problem is collected before throwing.
 */

import { customMetadata, normaliseInt64, OBJECT_TEXT_FIELDS, type ObjectRef } from '../core/object-ref.js';
import { describeValue, isRecord } from '../core/text.js';

export const FINALIZED_TYPE = 'google.cloud.storage.object.v1.finalized';
export const DELETED_TYPE = 'google.cloud.storage.object.v1.deleted';

export type StorageEvent =
  | {
      readonly kind: 'finalized' | 'deleted';
      readonly id: string;
      readonly object: ObjectRef;
      /** The CloudEvent's `time` (when the change happened), when it is a valid timestamp: a deletion's time. */
      readonly time?: string;
      readonly traceparent?: string;
    }
  | { readonly kind: 'ignored'; readonly type: string; readonly id: string };

/** The event cannot be processed, ever; retrying would not help. `problems` lists everything wrong. */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
  constructor(
    readonly problems: readonly string[],
    readonly eventId?: string,
  ) {
    super(`malformed storage event${eventId ? ` ${eventId}` : ''}: ${problems.join('; ')}`);
  }
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Parses a CloudEvent; throws `MalformedEventError` listing every problem found. */
export function parseStorageEvent(event: unknown): StorageEvent {
  if (!isRecord(event)) throw new MalformedEventError([`event is ${describe(event)}, not an object`]);
  const problems: string[] = [];
  const id = nonEmptyString(event.id);
  const type = nonEmptyString(event.type);
  if (id === undefined) problems.push(`id is ${describe(event.id)}, expected a non-empty string`);
  if (type === undefined) problems.push(`type is ${describe(event.type)}, expected a non-empty string`);
  if (type !== undefined && type !== FINALIZED_TYPE && type !== DELETED_TYPE) {
    if (problems.length > 0) throw new MalformedEventError(problems);
    return { kind: 'ignored', type, id: id as string };
  }
  const data = decodeData(event, problems);
  const object = data === undefined ? undefined : parseObjectRef(data, problems);
  if (problems.length > 0 || object === undefined) throw new MalformedEventError(problems, id);
  const traceparent = typeof event.traceparent === 'string' ? event.traceparent.trim().toLowerCase() : '';
  const time = typeof event.time === 'string' && !Number.isNaN(Date.parse(event.time)) ? new Date(event.time).toISOString() : undefined;
  return {
    kind: type === FINALIZED_TYPE ? 'finalized' : 'deleted',
    id: id as string,
    object,
    ...(time !== undefined ? { time } : {}),
    ...(TRACEPARENT.test(traceparent) ? { traceparent } : {}),
  };
}

function decodeData(event: Record<string, unknown>, problems: string[]): Record<string, unknown> | undefined {
  let data = event.data;
  if (data === undefined || data === null) {
    if (typeof event.data_base64 !== 'string') {
      problems.push('data is missing');
      return undefined;
    }
    data = Buffer.from(event.data_base64, 'base64');
  }
  if (Buffer.isBuffer(data) || data instanceof Uint8Array) data = Buffer.from(data).toString('utf8');
  if (typeof data === 'string') {
    const text = data;
    try {
      data = JSON.parse(text) as unknown;
    } catch (err) {
      problems.push(`data is not valid JSON (${(err as Error).message}): ${JSON.stringify(text.slice(0, 80))}`);
      return undefined;
    }
  }
  if (!isRecord(data)) {
    problems.push(`data is ${describe(data)}, expected a JSON object`);
    return undefined;
  }
  return data;
}

function parseObjectRef(data: Record<string, unknown>, problems: string[]): ObjectRef | undefined {
  const before = problems.length;
  const bucket = data.bucket;
  if (typeof bucket !== 'string' || bucket === '') {
    problems.push(`data.bucket is ${describe(bucket)}, expected a non-empty string`);
  }
  const name = data.name;
  if (typeof name !== 'string' || name === '') {
    problems.push(`data.name is ${describe(name)}, expected a non-empty string`);
  }
  const generation = int64Field(data, 'generation', true, problems);
  const optional: Record<string, string> = {};
  for (const field of ['metageneration', 'size'] as const) {
    const value = int64Field(data, field, false, problems);
    if (value !== undefined) optional[field] = value;
  }
  for (const field of OBJECT_TEXT_FIELDS) {
    const value = data[field];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') optional[field] = value;
    else problems.push(`data.${field} is ${describe(value)}, expected a string`);
  }
  const metadata = data.metadata;
  if (metadata !== undefined && metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata))) {
    problems.push(`data.metadata is ${describe(metadata)}, expected an object`);
  }
  if (problems.length > before) return undefined;
  const custom = customMetadata(metadata);
  return {
    bucket: bucket as string,
    name: name as string,
    generation: generation as string,
    ...optional,
    ...(custom ? { metadata: custom } : {}),
  };
}

function int64Field(data: Record<string, unknown>, field: string, required: boolean, problems: string[]): string | undefined {
  const value = data[field];
  if (value === undefined || value === null) {
    if (required) problems.push(`data.${field} is missing`);
    return undefined;
  }
  const normalised = normaliseInt64(value);
  if (normalised === undefined) {
    problems.push(`data.${field} is ${describe(value)}, expected a non-negative integer (decimal string or number)`);
  }
  return normalised;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function describe(value: unknown): string {
  return describeValue(value, 40);
}
