/**
 * What a backed-up Drive file tells of the generation it holds, so that Drive alone (the state bucket or
 * the whole project gone) restores the newest generation of every object with its exact name and
 * metadata, and older generations where their revisions can be mapped back. Pure.
 *
 * Where each fact goes (Drive: 30 private appProperties per app and file, 124 bytes of key + value each,
 * https://developers.google.com/workspace/drive/api/guides/properties):
 * - appProperties, private to the app: the identity object-path.ts writes (`gdb.key`, `gdb.bucket`, the
 *   name whole or in parts, `gdb.generation`, `gdb.md5`, `gdb.contentType`), and `gdb.v` (this format),
 *   `gdb.timeCreated`, `gdb.size`, `gdb.crc32c` (always fit), each of contentEncoding,
 *   contentDisposition, contentLanguage and cacheControl as `gdb.<field>` when it fits, and the custom
 *   metadata as one JSON `gdb.metadata` when it fits.
 * - what does not fit (long headers, custom metadata past one entry — Cloud Storage allows 8 KiB —, a
 *   contentType or dotted bucket name too long): one JSON object on the description's second line, after
 *   its human line `gs://bucket/name#generation`; `gdb.more` holds its SHA-256, so a description edited
 *   in Drive's UI is noticed instead of restored as metadata. Most objects need no second line.
 * A `deleted` event adds `gdb.deletedAt` (the event's time) to the file holding the deleted generation:
 * Drive alone then leaves the object out of the newest state; a new generation's revision clears it.
 * Worst case (a 1,024-byte name in 10 parts, every optional field fitting its own entry, deleted): 26
 * entries, under 30
 * (test/unit/drive/source-facts.test.ts counts it).
 *
 * Older generations are revisions of the same file, and a revision carries no appProperties. Each upload
 * sets the file's `modifiedTime` to the object's timeCreated and its `originalFilename` to
 * `gdb.generation=N`; Drive documents both on the Revision resource ("modifiedTime", "originalFilename:
 * the original filename used to create this revision",
 * https://developers.google.com/workspace/drive/api/reference/rest/v3/revisions). That values set on a
 * files.update with new content become the new revision's is not documented: it is what we guessed, and
 * what the Drive emulator does. When a revision's originalFilename is not ours, only the head revision
 * maps (to `gdb.generation`).
 */
import { createHash } from 'node:crypto';
import { FACT_TEXT_FIELDS, type GenerationFacts } from '../core/object-ref.js';
import { APP_PROPERTY, MAX_APP_PROPERTY_BYTES, objectNameOf } from './object-path.js';

/** Drive allows this many private appProperties per app on one file. */
export const MAX_APP_PROPERTIES = 30;

/** appProperties keys this file adds to object-path.ts's. */
export const FACT_PROPERTY = {
  /** The format: present on files written with all the facts below. */
  version: 'gdb.v',
  timeCreated: 'gdb.timeCreated',
  size: 'gdb.size',
  crc32c: 'gdb.crc32c',
  contentEncoding: 'gdb.contentEncoding',
  contentDisposition: 'gdb.contentDisposition',
  contentLanguage: 'gdb.contentLanguage',
  cacheControl: 'gdb.cacheControl',
  /** The custom metadata, as JSON, when it fits one entry. */
  metadata: 'gdb.metadata',
  /** SHA-256 (hex) of the JSON on the description's second line: the facts that did not fit. */
  more: 'gdb.more',
  /** When the object (this generation) was deleted: the tombstone Drive alone keeps. */
  deletedAt: 'gdb.deletedAt',
} as const;

const FORMAT = '2';
const HEADER_FIELDS = ['contentEncoding', 'contentDisposition', 'contentLanguage', 'cacheControl'] as const;

/** Keys a revision must clear when its generation has no value for them (an update patches appProperties). */
export const PER_GENERATION_KEYS: readonly string[] = [
  APP_PROPERTY.md5,
  APP_PROPERTY.contentType,
  ...Object.values(FACT_PROPERTY).filter((key) => key !== FACT_PROPERTY.version),
];

/** The facts that did not fit appProperties, on the description's second line. */
interface MoreFacts extends Partial<Pick<GenerationFacts, (typeof FACT_TEXT_FIELDS)[number] | 'metadata'>> {
  bucket?: string;
}

export interface DriveFacts {
  /** To merge over object-path.ts's `sourceAppProperties`. */
  appProperties: Record<string, string>;
  /** The description: its human line, and the facts that did not fit on a second line. */
  description: string;
  originalFilename: string;
  modifiedTime?: string;
}

/**
 * How Drive keeps `facts` of gs://bucket/name, given the identity appProperties already written
 * (`identity`: what `sourceAppProperties` gave) and the description's human line.
 */
export function driveFacts(
  bucket: string,
  facts: GenerationFacts,
  identity: Readonly<Record<string, string>>,
  humanLine: string,
): DriveFacts {
  const props: Record<string, string> = { [FACT_PROPERTY.version]: FORMAT };
  const more: MoreFacts = {};
  if (identity[APP_PROPERTY.bucket] === undefined) more.bucket = bucket;
  if (facts.timeCreated !== '') props[FACT_PROPERTY.timeCreated] = facts.timeCreated;
  props[FACT_PROPERTY.size] = facts.size;
  if (facts.crc32c !== undefined) props[FACT_PROPERTY.crc32c] = facts.crc32c;
  if (facts.contentType !== undefined && identity[APP_PROPERTY.contentType] !== facts.contentType) more.contentType = facts.contentType;
  for (const field of HEADER_FIELDS) {
    const value = facts[field];
    if (value === undefined) continue;
    if (fits(FACT_PROPERTY[field], value)) props[FACT_PROPERTY[field]] = value;
    else more[field] = value;
  }
  if (facts.metadata !== undefined) {
    const json = JSON.stringify(facts.metadata);
    if (fits(FACT_PROPERTY.metadata, json)) props[FACT_PROPERTY.metadata] = json;
    else more.metadata = facts.metadata;
  }
  let description = humanLine;
  if (Object.keys(more).length > 0) {
    const json = JSON.stringify(more);
    props[FACT_PROPERTY.more] = sha256Hex(json);
    description = `${humanLine}\n${json}`;
  }
  return {
    appProperties: props,
    description,
    originalFilename: originalFilenameOf(facts.generation),
    ...(facts.timeCreated !== '' ? { modifiedTime: facts.timeCreated } : {}),
  };
}

/** The appProperties patch for a new revision: every per-generation key it does not set is cleared. */
export function revisionAppProperties(props: Readonly<Record<string, string>>): Record<string, string | null> {
  const patch: Record<string, string | null> = {};
  for (const key of PER_GENERATION_KEYS) if (!(key in props)) patch[key] = null;
  return { ...patch, ...props };
}

export function originalFilenameOf(generation: string): string {
  return `${APP_PROPERTY.generation}=${generation}`;
}

/** The generation a revision's originalFilename names, when it is one of ours. */
export function generationOfOriginalFilename(originalFilename: string | null | undefined): string | undefined {
  const match = /^gdb\.generation=([0-9]{1,19})$/.exec(originalFilename ?? '');
  return match?.[1];
}

/** A Drive file as listed, with what `readDriveFacts` needs. */
export interface ListedBackupFile {
  appProperties?: Readonly<Record<string, string | null | undefined>> | null;
  description?: string | null;
  modifiedTime?: string | null;
  size?: string | null;
  mimeType?: string | null;
}

export interface ReadFacts {
  bucket: string;
  name: string;
  facts: GenerationFacts;
  /**
   * Why the facts may not be the object's exactly: `older-format` (backed up before the facts were all
   * recorded: timeCreated is the file's modifiedTime, headers and custom metadata unknown),
   * `description-changed` (the facts that did not fit appProperties are gone or altered).
   */
  problem?: 'older-format' | 'description-changed';
  /** The object was deleted then (`gdb.deletedAt`). */
  deletedAt?: string;
}

/** The generation a backed-up file holds, with its facts; undefined for a file that is not a backup. */
export function readDriveFacts(file: ListedBackupFile): ReadFacts | undefined {
  const props = file.appProperties ?? {};
  const get = (key: string): string | undefined => props[key] ?? undefined;
  const name = objectNameOf(props);
  const generation = get(APP_PROPERTY.generation);
  if (name === undefined || generation === undefined) return undefined;
  const md5Hash = get(APP_PROPERTY.md5);
  if (get(FACT_PROPERTY.version) === undefined) {
    const bucket = get(APP_PROPERTY.bucket);
    if (bucket === undefined) return undefined;
    const contentType =
      get(APP_PROPERTY.contentType) ?? (file.mimeType && file.mimeType !== 'application/octet-stream' ? file.mimeType : undefined);
    const facts: GenerationFacts = { generation, timeCreated: file.modifiedTime ?? '', size: file.size ?? '0' };
    if (md5Hash !== undefined) facts.md5Hash = md5Hash;
    if (contentType !== undefined) facts.contentType = contentType;
    return { bucket, name, facts, problem: 'older-format', ...deletion(get(FACT_PROPERTY.deletedAt)) };
  }
  const expected = get(FACT_PROPERTY.more);
  const more = expected === undefined ? {} : moreFacts(file.description, expected);
  const bucket = get(APP_PROPERTY.bucket) ?? more?.bucket;
  if (bucket === undefined) return undefined;
  const facts: GenerationFacts = {
    generation,
    timeCreated: get(FACT_PROPERTY.timeCreated) ?? '',
    size: get(FACT_PROPERTY.size) ?? file.size ?? '0',
  };
  const text: Partial<Record<(typeof FACT_TEXT_FIELDS)[number], string | undefined>> = {
    md5Hash,
    crc32c: get(FACT_PROPERTY.crc32c),
    contentType: get(APP_PROPERTY.contentType) ?? more?.contentType,
  };
  for (const field of HEADER_FIELDS) text[field] = get(FACT_PROPERTY[field]) ?? more?.[field];
  for (const field of FACT_TEXT_FIELDS) if (text[field] !== undefined) facts[field] = text[field];
  const metadata = parseMetadata(get(FACT_PROPERTY.metadata)) ?? more?.metadata;
  if (metadata !== undefined) facts.metadata = metadata;
  return {
    bucket,
    name,
    facts,
    ...(more === undefined ? { problem: 'description-changed' as const } : {}),
    ...deletion(get(FACT_PROPERTY.deletedAt)),
  };
}

const deletion = (deletedAt: string | undefined): { deletedAt?: string } => (deletedAt !== undefined ? { deletedAt } : {});

/** The description's second line when its hash is the one recorded; undefined when it is not. */
function moreFacts(description: string | null | undefined, expectedSha256: string): MoreFacts | undefined {
  const newline = (description ?? '').indexOf('\n');
  if (newline < 0) return undefined;
  const json = (description ?? '').slice(newline + 1);
  if (sha256Hex(json) !== expectedSha256) return undefined;
  try {
    const parsed = JSON.parse(json) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function parseMetadata(json: string | undefined): Record<string, string> | undefined {
  if (json === undefined) return undefined;
  try {
    const parsed = JSON.parse(json) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return undefined;
  }
}

function fits(key: string, value: string): boolean {
  return Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8') <= MAX_APP_PROPERTY_BYTES;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
