/**
 * The Cloud Storage object generation every folder talks about (`ObjectRef`), and the rules for its int64
 * fields: they arrive as decimal strings (sometimes numbers) and are compared as big integers. Pure.
 */

/** The parts of a Cloud Storage object the product uses; int64 values are canonical decimal strings. */
export interface ObjectRef {
  readonly bucket: string;
  readonly name: string;
  readonly generation: string;
  readonly metageneration?: string;
  readonly size?: string;
  readonly md5Hash?: string;
  readonly crc32c?: string;
  readonly contentType?: string;
  readonly updated?: string;
  readonly timeCreated?: string;
  /** The HTTP headers Cloud Storage serves the object with: restore gives them back. */
  readonly contentEncoding?: string;
  readonly contentDisposition?: string;
  readonly contentLanguage?: string;
  readonly cacheControl?: string;
  /** The object's custom metadata (`x-goog-meta-*`): how a `verify` canary is told from user data. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The string fields of an object resource restore gives back besides its content (ObjectRef's optional ones). */
export const OBJECT_TEXT_FIELDS = [
  'md5Hash',
  'crc32c',
  'contentType',
  'updated',
  'timeCreated',
  'contentEncoding',
  'contentDisposition',
  'contentLanguage',
  'cacheControl',
] as const;

/** The string entries of a custom-metadata map as Cloud Storage hands it over; undefined when there are none. */
export function customMetadata(value: unknown): Readonly<Record<string, string>> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/**
 * What restore needs of one backed-up generation besides its bytes and where Drive holds them: the fields
 * Cloud Storage gives back on a write (int64 values as decimal strings).
 */
export interface GenerationFacts {
  generation: string;
  timeCreated: string;
  size: string;
  md5Hash?: string;
  crc32c?: string;
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  metadata?: Record<string, string>;
}

/** The optional text fields of `GenerationFacts`, in the order they are recorded. */
export const FACT_TEXT_FIELDS = [
  'md5Hash',
  'crc32c',
  'contentType',
  'contentEncoding',
  'contentDisposition',
  'contentLanguage',
  'cacheControl',
] as const;

/**
 * The facts of a generation as an event, a listing or a metadata read handed them over. An object
 * resource always has `timeCreated` and `size`; a ref built without them (a test's) falls back to
 * `updated` and 0.
 */
export function generationFacts(ref: ObjectRef): GenerationFacts {
  const facts: GenerationFacts = { generation: ref.generation, timeCreated: ref.timeCreated ?? ref.updated ?? '', size: ref.size ?? '0' };
  for (const field of FACT_TEXT_FIELDS) {
    const value = ref[field];
    if (value !== undefined) facts[field] = value;
  }
  if (ref.metadata !== undefined && Object.keys(ref.metadata).length > 0) facts.metadata = { ...ref.metadata };
  return facts;
}

const INT64_MAX = 9223372036854775807n;

/** `gs://bucket/name#generation`, or `gs://bucket/name` when the generation is not known. */
export function describeRef(ref: { bucket: string; name: string; generation?: string }): string {
  return `gs://${ref.bucket}/${ref.name}${ref.generation !== undefined ? `#${ref.generation}` : ''}`;
}

/** Canonical decimal string for a non-negative int64 given as digits or a safe integer; else undefined. */
export function normaliseInt64(value: unknown): string | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  }
  if (typeof value !== 'string' || !/^[0-9]{1,19}$/.test(value)) return undefined;
  const n = BigInt(value);
  return n <= INT64_MAX ? n.toString() : undefined;
}

/** Orders two generations (decimal strings): negative, 0 or positive. */
export function compareGenerations(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x === y ? 0 : x < y ? -1 : 1;
}
