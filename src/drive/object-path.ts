/**
 * How a Cloud Storage object maps onto Drive: the folder chain and file name mirroring its path, the
 * appProperties that tag the Drive file with its source (so reconcile and dedupe find it with one exact
 * query, wherever it sits), the Drive MIME type and the human-readable description.
 *
 * Empty path segments (`a//b`, a leading `/`, a trailing `/`) cannot become empty Drive names, so
 * they become the folder name `∅` (U+2205 EMPTY SET). To keep the mapping collision-free, a real segment
 * made only of `∅` characters gets one more `∅`: `` → `∅`, `∅` → `∅∅`, `∅∅` → `∅∅∅`; every other
 * segment is kept verbatim (Drive names may contain any character, `.` and `..` included). Distinct
 * object names therefore always map to distinct Drive paths.
 *
 * Drive allows 100 levels of nested folders (https://developers.google.com/workspace/drive/api/guides/limits).
 * A path with more folder segments than fit below the backup root keeps its first `maxFolders` segments
 * as folders and folds the rest into the file name, `/` included: `s1/…/s120/f.txt` with 99 levels is
 * the folders `s1` … `s99` holding the file `s100/s101/…/s120/f.txt`. A file name holds a `/` only when
 * folded, so folded and unfolded names never collide either.
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
  readonly contentType?: string;
}

/** The Drive name standing for an empty path segment. */
export const EMPTY_SEGMENT_NAME = '∅';

/** Drive's limit on one appProperties entry: key plus value, UTF-8 bytes (https://developers.google.com/workspace/drive/api/guides/properties). */
export const MAX_APP_PROPERTY_BYTES = 124;

/** Nested folder levels Drive allows, counted from the top of My Drive or of a shared drive. */
export const DRIVE_FOLDER_LEVELS = 100;

/** Folder levels below a backup root at the top level of My Drive (where `authorize` creates it). */
export const DEFAULT_FOLDER_LEVELS = DRIVE_FOLDER_LEVELS - 1;

/** Drive converts content created with one of these types into a Workspace document (which has no MD5). */
export const WORKSPACE_MIME_PREFIX = 'application/vnd.google-apps.';

/** appProperties keys written on every backed-up file. */
export const APP_PROPERTY = {
  /** sha256(bucket + '/' + name), hex, first 40 chars: the one exact-match lookup key. Always present. */
  key: 'gdb.key',
  /** Bucket name; omitted only if it does not fit (dotted names longer than 114 bytes). */
  bucket: 'gdb.bucket',
  /** Object name, when key + value fit in 124 bytes (names up to 114 bytes). */
  object: 'gdb.object',
  /**
   * Full hex sha256 of the object name, written instead of `gdb.object` when the name does not fit; the
   * name is then in parts `gdb.object.1`, `gdb.object.2`, … (see `objectNameOf`).
   */
  objectSha256: 'gdb.objectSha256',
  /** The object's contentType, when it fits: the original of a type Drive is not given (a Workspace type). */
  contentType: 'gdb.contentType',
  generation: 'gdb.generation',
  /** Base64 MD5 of the content, when Cloud Storage has one (not for composite objects). */
  md5: 'gdb.md5',
} as const;

/**
 * Splits an object name into Drive folder names and a file name (see the top of the file): at most
 * `maxFolders` folders, the deeper segments folded into the file name.
 */
export function planObjectPath(objectName: string, maxFolders = DEFAULT_FOLDER_LEVELS): PlannedPath {
  if (!Number.isInteger(maxFolders) || maxFolders < 0) throw new RangeError(`maxFolders must be an integer >= 0, got ${maxFolders}`);
  const segments = objectName.split('/').map(driveNameForSegment);
  const folders = Math.min(segments.length - 1, maxFolders); // split always yields at least one element
  return { folders: segments.slice(0, folders), fileName: segments.slice(folders).join('/') };
}

/**
 * The Drive `mimeType` for an object's contentType: never a Workspace type, which Drive would convert, and
 * never one that cannot travel in an HTTP header (a resumable upload's `X-Upload-Content-Type`, a multipart
 * upload's media part): only printable ASCII. CR, LF or NUL would split the header or be refused before
 * sending, on every retry. Such an object goes up as `application/octet-stream`; its contentType as it was
 * stays in the file's `gdb.contentType` appProperty.
 */
export function driveMimeType(contentType: string | undefined): string {
  if (!contentType || contentType.toLowerCase().startsWith(WORKSPACE_MIME_PREFIX)) return 'application/octet-stream';
  return /^[\x20-\x7e]+$/.test(contentType) ? contentType : 'application/octet-stream';
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
  else {
    props[APP_PROPERTY.objectSha256] = sha256Hex(ref.name);
    Object.assign(props, objectNameParts(ref.name));
  }
  props[APP_PROPERTY.generation] = ref.generation;
  if (ref.md5Hash !== undefined && ref.md5Hash !== '') props[APP_PROPERTY.md5] = ref.md5Hash;
  if (ref.contentType && fits(APP_PROPERTY.contentType, ref.contentType)) props[APP_PROPERTY.contentType] = ref.contentType;
  return props;
}

/** `gdb.object.1`, `gdb.object.2`, …: a name too long for one entry, cut between characters. */
function objectNameParts(name: string): Record<string, string> {
  const parts: Record<string, string> = {};
  let part = '';
  let n = 1;
  for (const char of name) {
    if (!fits(`${APP_PROPERTY.object}.${n}`, part + char)) {
      parts[`${APP_PROPERTY.object}.${n++}`] = part;
      part = '';
    }
    part += char;
  }
  parts[`${APP_PROPERTY.object}.${n}`] = part;
  return parts;
}

/** The object name a file's appProperties record, whole or from its parts; undefined when absent. */
export function objectNameOf(appProperties: Readonly<Record<string, string | null | undefined>> | null | undefined): string | undefined {
  const whole = appProperties?.[APP_PROPERTY.object];
  if (typeof whole === 'string') return whole;
  let name = '';
  for (let n = 1; typeof appProperties?.[`${APP_PROPERTY.object}.${n}`] === 'string'; n++)
    name += appProperties[`${APP_PROPERTY.object}.${n}`];
  return name === '' ? undefined : name;
}

function fits(key: string, value: string): boolean {
  return Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8') <= MAX_APP_PROPERTY_BYTES;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
