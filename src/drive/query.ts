/**
 * Safe builders for Drive v3 `q` search strings. Every user-controlled value goes through
 * `quoteQueryString`, so names with quotes, backslashes or anything else cannot change the
 * query's structure.
 *
 * Drive's `name =` may not be exactly the byte-for-byte, case-sensitive comparison one expects,
 * so callers that need an exact match must re-check `file.name === name` on the results.
 */

export const FOLDER_MIME_TYPE = 'application/vnd.google-apps.folder';

/** Escapes a value for use inside a single-quoted Drive query literal: `\` → `\\`, `'` → `\'`. */
export function escapeQueryString(value: string): string {
  return value.replace(/[\\']/g, (c) => `\\${c}`);
}

/** The value as a complete single-quoted Drive query literal. */
export function quoteQueryString(value: string): string {
  return `'${escapeQueryString(value)}'`;
}

function combine(operator: 'and' | 'or', clauses: readonly string[]): string {
  if (clauses.length === 0) throw new Error(`q.${operator}() needs at least one clause`);
  return clauses.length === 1 ? clauses[0] : clauses.map((clause) => `(${clause})`).join(` ${operator} `);
}

/** Combinators; each operand is parenthesised, so precedence never depends on the operands. */
export const q = {
  and: (...clauses: string[]): string => combine('and', clauses),
  or: (...clauses: string[]): string => combine('or', clauses),
  not: (clause: string): string => `not (${clause})`,
};

export const notTrashed = 'trashed = false';

export function inParents(parentId: string): string {
  return `${quoteQueryString(parentId)} in parents`;
}

export function nameIs(name: string): string {
  return `name = ${quoteQueryString(name)}`;
}

/** Untrashed children of `parentId` named `name`; `folder` true/false restricts to folders/non-folders. */
export function childrenNamed(parentId: string, name: string, options: { folder?: boolean } = {}): string {
  const clauses = [inParents(parentId), nameIs(name), notTrashed];
  if (options.folder !== undefined) {
    clauses.push(`mimeType ${options.folder ? '=' : '!='} ${quoteQueryString(FOLDER_MIME_TYPE)}`);
  }
  return q.and(...clauses);
}

/** Untrashed folders directly under `parentId`. */
export function childFoldersOf(parentId: string): string {
  return q.and(inParents(parentId), `mimeType = ${quoteQueryString(FOLDER_MIME_TYPE)}`, notTrashed);
}

/** Files (trashed or not: combine with `notTrashed` if needed) whose appProperties[key] is `value`. */
export function byAppProperty(key: string, value: string): string {
  return `appProperties has { key=${quoteQueryString(key)} and value=${quoteQueryString(value)} }`;
}
