/**
 * How a Cloud Storage object maps onto Drive: the folder chain and file name mirroring its path, the
 * appProperties that tag the Drive file with its source (so reconcile and dedupe find it with one exact
 * query), and the human-readable description.
 *
 * Empty path segments (`a//b`, a leading `/`, a trailing `/`) cannot become empty Drive names, so
 * they become the folder name `∅` (U+2205 EMPTY SET). To keep the mapping collision-free, a real segment
 * made only of `∅` characters gets one more `∅`: `` → `∅`, `∅` → `∅∅`, `∅∅` → `∅∅∅`; every other
 * segment is kept verbatim (Drive names may contain any character, `.` and `..` included). Distinct
 * object names therefore always map to distinct Drive paths.
 */
import { createHash } from 'node:crypto';

export interface PlannedPath {
  /** Folder names from the backup root down to the file's parent; empty for top-level objects. */
  readonly folders: string[];
  readonly fileName: string;
}

/** What identifies a backed-up object generation. */
export interface SourceRef {
  readonly bucket: string;
  readonly name: string;
  readonly generation: string;
  readonly md5Hash?: string;
}

/** The Drive name standing for an empty path segment. */
export const EMPTY_SEGMENT_NAME = '∅';

/** Drive's limit on one appProperties entry: key plus value, UTF-8 bytes. */
export const MAX_APP_PROPERTY_BYTES = 124;

/** appProperties keys written on every backed-up file. */
export const APP_PROPERTY = {
  /** sha256(bucket + '/' + name), hex, first 40 chars: the one exact-match lookup key. Always present. */
  key: 'gdb.key',
  /** Bucket name; omitted only if it does not fit (dotted names longer than 114 bytes). */
  bucket: 'gdb.bucket',
  /** Object name, when key + value fit in 124 bytes (names up to 114 bytes). */
  object: 'gdb.object',
  /** Full hex sha256 of the object name, written instead of `gdb.object` when the name does not fit. */
  objectSha256: 'gdb.objectSha256',
  generation: 'gdb.generation',
  /** Base64 MD5 of the content, when Cloud Storage has one (not for composite objects). */
  md5: 'gdb.md5',
} as const;

/** Splits an object name into Drive folder names and a file name (see the top of the file). */
export function planObjectPath(objectName: string): PlannedPath {
  const segments = objectName.split('/').map(driveNameForSegment);
  const fileName = segments.pop() as string; // split always yields at least one element
  return { folders: segments, fileName };
}

function driveNameForSegment(segment: string): string {
  if (segment === '') return EMPTY_SEGMENT_NAME;
  if (/^∅+$/u.test(segment)) return segment + EMPTY_SEGMENT_NAME;
  return segment;
}

/** The lookup key for an object, independent of generation: 40 hex chars of sha256(bucket/name). */
export function sourceKey(bucket: string, name: string): string {
  return sha256Hex(`${bucket}/${name}`).slice(0, 40);
}

/** The appProperties identifying the source of a Drive file; every entry fits Drive's 124-byte limit. */
export function sourceAppProperties(ref: SourceRef): Record<string, string> {
  const props: Record<string, string> = { [APP_PROPERTY.key]: sourceKey(ref.bucket, ref.name) };
  if (fits(APP_PROPERTY.bucket, ref.bucket)) props[APP_PROPERTY.bucket] = ref.bucket;
  if (fits(APP_PROPERTY.object, ref.name)) props[APP_PROPERTY.object] = ref.name;
  else props[APP_PROPERTY.objectSha256] = sha256Hex(ref.name);
  props[APP_PROPERTY.generation] = ref.generation;
  if (ref.md5Hash !== undefined && ref.md5Hash !== '') props[APP_PROPERTY.md5] = ref.md5Hash;
  return props;
}

function fits(key: string, value: string): boolean {
  return Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8') <= MAX_APP_PROPERTY_BYTES;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
