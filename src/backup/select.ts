/**
 * Which objects get backed up: pure predicates over object names.
 *
 * Glob language (matched against the WHOLE object name, case-sensitively):
 *   `*`   any run of characters without `/` (possibly empty)
 *   `**`  any run of characters including `/` (possibly empty)
 *   `**\/` (a `**` followed by `/`) zero or more whole folders, so `**\/*.tmp` also matches `x.tmp`
 *   `?`   exactly one character other than `/`
 *   anything else is literal, including regex metacharacters such as `.`, `+`, `(`, `[`, `\`.
 */

/** What `selectObject` needs from the configuration. */
export interface ObjectFilter {
  readonly includePrefixes: readonly string[];
  readonly excludeGlobs: readonly string[];
  /** CANARY_PREFIX: where `gcs-drive-backup verify` writes its canaries. */
  readonly canaryPrefix: string;
}

/**
 * The custom metadata key every canary of `verify` carries (its value: the verify run's id). A canary is an
 * object under CANARY_PREFIX that carries it; an object there without it is user data like any other.
 */
export const CANARY_METADATA_KEY = 'gcs-drive-backup-canary';

/** True for a canary of `verify`: under the canary prefix AND carrying the canary metadata. */
export function isCanary(name: string, metadata: Readonly<Record<string, string>> | undefined, canaryPrefix: string): boolean {
  return name.startsWith(canaryPrefix) && (metadata?.[CANARY_METADATA_KEY] ?? '') !== '';
}

export type Selection =
  /**
   * `canary`: a canary of `verify`, backed up whatever INCLUDE_PREFIXES and EXCLUDE_GLOBS say (it proves
   * the trigger path works: a filter must not drop it). Reconcile leaves it (src/reconcile/diff.ts): a
   * canary backed up by reconcile would prove nothing, and one an interrupted verify left behind is not
   * user data to restore.
   */
  | { readonly backup: true; readonly canary?: true }
  | {
      readonly backup: false;
      readonly reason: 'folder-placeholder' | 'not-included' | 'excluded';
      readonly detail?: string;
    };

/** Console-created "folders" are zero-byte objects whose names end with `/`; they are not files. */
export function isFolderPlaceholder(name: string): boolean {
  return name.endsWith('/');
}

const compiledGlobs = new Map<string, RegExp>();
const MAX_CACHED_GLOBS = 1000;

/** True when `name` matches `glob` (see the language above). Compiled globs are cached. */
export function matchesGlob(glob: string, name: string): boolean {
  let regex = compiledGlobs.get(glob);
  if (regex === undefined) {
    regex = compileGlob(glob);
    if (compiledGlobs.size >= MAX_CACHED_GLOBS) compiledGlobs.clear();
    compiledGlobs.set(glob, regex);
  }
  return regex.test(name);
}

function compileGlob(glob: string): RegExp {
  let source = '';
  const chars = Array.from(glob); // code points, so `?` consumes a whole astral character
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '*' && chars[i + 1] === '*') {
      if (chars[i + 2] === '/') {
        source += '(?:[^]*/)?';
        i += 2;
      } else {
        source += '[^]*';
        i += 1;
      }
    } else if (c === '*') {
      source += '[^/]*';
    } else if (c === '?') {
      source += '[^/]';
    } else {
      source += escapeRegExpChar(c);
    }
  }
  // `u` makes `[^/]` match one code point; `[^]` (any character, newlines too) needs no `s` flag.
  return new RegExp(`^${source}$`, 'u');
}

function escapeRegExpChar(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

/**
 * Decides whether an object is backed up: a canary of `verify` always, placeholders never, then include
 * prefixes, then exclude globs. `metadata` is the object's custom metadata (where a canary says it is one).
 */
export function selectObject(name: string, filter: ObjectFilter, metadata?: Readonly<Record<string, string>>): Selection {
  if (isCanary(name, metadata, filter.canaryPrefix)) return { backup: true, canary: true };
  if (isFolderPlaceholder(name)) return { backup: false, reason: 'folder-placeholder' };
  if (filter.includePrefixes.length > 0 && !filter.includePrefixes.some((p) => name.startsWith(p))) {
    return {
      backup: false,
      reason: 'not-included',
      detail: `name starts with none of INCLUDE_PREFIXES (${filter.includePrefixes.join(', ')})`,
    };
  }
  const glob = filter.excludeGlobs.find((g) => matchesGlob(g, name));
  if (glob !== undefined) return { backup: false, reason: 'excluded', detail: `matches EXCLUDE_GLOBS entry ${glob}` };
  return { backup: true };
}
