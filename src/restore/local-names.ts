/**
 * Where an object lands in a local directory (`restore --to-dir DIR`): its name as a relative path when
 * every part of it is a plain file name the filesystem takes, else a mapped name under `.restore-mapped/`
 * (the SHA-256 of the object name), listed with the object name in `restore-names.tsv` beside the files.
 * A name is never allowed out of DIR: empty parts (a leading `/`, `//`), `.` and `..`, NUL and other
 * control characters, parts longer than a file name may be and very long paths are all mapped, as are
 * the names this tool keeps for itself. Pure.
 */
import { createHash } from 'node:crypto';

/** The list of mapped names, beside the restored files. */
export const NAMES_FILE = 'restore-names.tsv';
/** Where objects whose names cannot be paths go. */
export const MAPPED_DIR = '.restore-mapped';
/** Where a file is written before it is verified and put in place. */
export const PARTIAL_DIR = '.restore-partial';

/** Bytes in one path component on Linux filesystems (NAME_MAX). */
export const NAME_MAX_BYTES = 255;
/** Bytes in the relative path: well under PATH_MAX (4096) so DIR's own path fits before it. */
export const RELATIVE_PATH_MAX_BYTES = 3072;

export interface LocalName {
  /** Relative to DIR, parts separated by `/`. */
  readonly path: string;
  /** Why the object name could not be used as it is; absent when it is used. */
  readonly mappedBecause?: string;
}

// C0 controls, DEL and C1 controls: legal in Linux file names, but they break every listing and script.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Why `name` cannot be used as a relative path under DIR; undefined when it can. */
export function unusableBecause(name: string): string | undefined {
  if (bytes(name) > RELATIVE_PATH_MAX_BYTES) return `longer than ${RELATIVE_PATH_MAX_BYTES} bytes`;
  if (CONTROL.test(name)) return 'holds a control character (NUL, newline, ...)';
  const parts = name.split('/');
  if (parts.some((p) => p === '')) return 'has an empty part (a leading, trailing or doubled /)';
  if (parts.some((p) => p === '.' || p === '..')) return 'has a . or .. part';
  if (parts.some((p) => bytes(p) > NAME_MAX_BYTES)) return `has a part longer than ${NAME_MAX_BYTES} bytes`;
  if (parts[0] === MAPPED_DIR || parts[0] === PARTIAL_DIR || name === NAMES_FILE) return 'is a name restore keeps for itself';
  return undefined;
}

/** The mapped path of an object name: the same name always maps to the same path. */
export function mappedPath(name: string): string {
  return `${MAPPED_DIR}/${createHash('sha256').update(name, 'utf8').digest('hex')}`;
}

/** Where the object named `name` is written, relative to DIR. */
export function localNameOf(name: string): LocalName {
  const why = unusableBecause(name);
  return why === undefined ? { path: name } : { path: mappedPath(name), mappedBecause: why };
}

/** An object name as one TSV field: backslash, tab, newline, carriage return and other controls escaped. */
export function tsvField(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\\\u0000-\u001f\u007f-\u009f]/g,
    (c) =>
      c === '\\'
        ? '\\\\'
        : c === '\t'
          ? '\\t'
          : c === '\n'
            ? '\\n'
            : c === '\r'
              ? '\\r'
              : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

export const NAMES_HEADER = '# path\tobject name (escaped: \\\\ \\t \\n \\r \\xHH)';

/** The text of `restore-names.tsv`: the header, then one line per mapped path (path → escaped name), sorted. */
export function namesFile(entries: ReadonlyMap<string, string>): string {
  const lines = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, field]) => `${path}\t${field}`);
  return `${[NAMES_HEADER, ...lines].join('\n')}\n`;
}

/** The entries of an existing `restore-names.tsv`, escaped names as they are (merged back unchanged). */
export function parseNamesFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const tab = line.indexOf('\t');
    if (tab > 0) out.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return out;
}
