/**
 * The restore planner: what to do with one object, decided from its catalog entries and the request alone.
 * First `wantedAt` picks the generation the request asks for (the newest created at or before `--at`
 * and not deleted since, or the one `--generation` names) after the name filters; then `decide` turns it,
 * with what the target bucket and Drive hold now, into one decision: `restore` (from which Drive file and
 * revision, with which metadata), `exists`, `missing-in-drive`, `revision-purged`, `deleted-before-T`
 * or `not-in-backup`. The facts are gathered by src/restore/facts.ts. Pure.
 */
import { matchesGlob } from '../backup/select.js';
import { compareGenerations } from '../core/object-ref.js';
import type { BackedUpGeneration, CatalogEntry, Tombstone } from './catalog.js';

export interface RestoreSelection {
  /** Only objects whose name starts with it. */
  readonly prefix: string;
  /** When given, only names matching one of them (the backup's glob language, src/backup/select.ts). */
  readonly include: readonly string[];
  /** Names matching one of them are left out. */
  readonly exclude: readonly string[];
  /** The bucket as it was at this instant (ms since the epoch): the newest generation created by then. */
  readonly atMs: number;
  /** One generation of the object named exactly `prefix`, whatever `atMs` and deletions say. */
  readonly generation?: string;
  /** Prepended to every object name to make its name in the target. */
  readonly targetPrefix: string;
}

/** What the request asks for of one object, before looking at the target or Drive. */
export type Wanted =
  | { readonly kind: 'generation'; readonly name: string; readonly source: BackedUpGeneration }
  | { readonly kind: 'deleted-before-T'; readonly name: string; readonly tombstone: Tombstone }
  | { readonly kind: 'not-in-backup'; readonly name: string; readonly detail: string };

/** One revision of a Drive file, as `revisions.list` gives it (oldest first, the head last). */
export interface RevisionFact {
  readonly id: string;
  readonly md5Checksum?: string;
}

/** What Drive holds of a file now: nothing (deleted, purged from the trash), or its revisions. */
export type DriveFact = 'missing' | { readonly revisions: readonly RevisionFact[] };

/** What the target holds under the object's target name now. */
export type TargetFact = { readonly exists: false } | { readonly exists: true; readonly md5Hash?: string; readonly crc32c?: string };

interface Named {
  readonly name: string;
}
interface Targeted extends Named {
  /** The object's name in the target: the target prefix, then the exact object name. */
  readonly target: string;
  readonly source: BackedUpGeneration;
}

export type Decision =
  | (Targeted & {
      readonly kind: 'restore';
      /** The revision to download; `head` true when it is the file's newest (downloaded with `files.get`). */
      readonly revisionId: string;
      readonly head: boolean;
      /** Drive's MD5 of that revision (hex), when it reports one. */
      readonly driveMd5Hex?: string;
    })
  | (Targeted & {
      readonly kind: 'exists';
      /** Same bytes as the backup (false: differs; undefined: cannot tell). */ readonly same?: boolean;
    })
  | (Targeted & { readonly kind: 'missing-in-drive' | 'revision-purged' | 'target-invalid'; readonly detail: string })
  | (Named & { readonly kind: 'deleted-before-T'; readonly deletedAt: string })
  | (Named & { readonly kind: 'not-in-backup'; readonly detail: string });

export type DecisionKind = Decision['kind'];

/** Cloud Storage's limit on an object name, in UTF-8 bytes (https://cloud.google.com/storage/docs/objects#naming). */
export const MAX_OBJECT_NAME_BYTES = 1024;

/** Whether the name passes `--prefix`, `--include` and `--exclude` (and, with `--generation`, is that one object). */
export function selected(name: string, selection: RestoreSelection): boolean {
  if (selection.generation !== undefined) return name === selection.prefix;
  if (!name.startsWith(selection.prefix)) return false;
  if (selection.include.length > 0 && !selection.include.some((glob) => matchesGlob(glob, name))) return false;
  return !selection.exclude.some((glob) => matchesGlob(glob, name));
}

const timeOf = (iso: string): number => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
};

/**
 * What the request asks for of the object whose entries these are (all of one name); undefined when the
 * object is not part of it (filtered out, or not yet created at `atMs` and never deleted before it).
 */
export function wantedAt(entries: readonly CatalogEntry[], selection: RestoreSelection): Wanted | undefined {
  const name = entries[0]?.value.name;
  if (name === undefined || !selected(name, selection)) return undefined;
  const generations = entries.flatMap((e) => (e.kind === 'generation' ? [e.value] : []));
  const tombstones = entries.flatMap((e) => (e.kind === 'tombstone' ? [e.value] : []));

  if (selection.generation !== undefined) {
    const source = generations.find((g) => g.generation === selection.generation);
    if (source) return { kind: 'generation', name, source };
    const known = generations.map((g) => g.generation).join(', ');
    return {
      kind: 'not-in-backup',
      name,
      detail: `generation ${selection.generation} is not in the backup (backed up: ${known || 'none'})`,
    };
  }

  const before = generations.filter((g) => timeOf(g.timeCreated) <= selection.atMs);
  const newest = before.reduce<BackedUpGeneration | undefined>(
    (best, g) => (best === undefined || compareGenerations(g.generation, best.generation) > 0 ? g : best),
    undefined,
  );
  // A deletion at or before T of that generation (or, when the tombstone does not say which, after it was
  // created) means the object was gone at T. An overwrite is no deletion: its tombstone is never written.
  const deletion = tombstones
    .filter((t) => timeOf(t.deletedAt) <= selection.atMs)
    .filter((t) =>
      newest === undefined
        ? true
        : t.generation !== undefined
          ? compareGenerations(t.generation, newest.generation) >= 0
          : timeOf(t.deletedAt) >= timeOf(newest.timeCreated),
    )
    .sort((a, b) => timeOf(b.deletedAt) - timeOf(a.deletedAt))[0];
  if (deletion) return { kind: 'deleted-before-T', name, tombstone: deletion };
  return newest ? { kind: 'generation', name, source: newest } : undefined;
}

/** Base64 MD5 (Cloud Storage's) as hex (Drive's). */
export const md5Base64ToHex = (md5: string): string => Buffer.from(md5, 'base64').toString('hex');

/**
 * The Drive revision that holds `source`: the one the catalog names, if Drive still lists it; without one,
 * the newest revision with the recorded MD5 (the head when no MD5 was recorded). Undefined: purged.
 */
export function revisionHolding(source: BackedUpGeneration, revisions: readonly RevisionFact[]): RevisionFact | undefined {
  if (source.driveRevisionId !== undefined) return revisions.find((r) => r.id === source.driveRevisionId);
  if (source.md5Hash === undefined) return revisions.at(-1);
  const md5Hex = md5Base64ToHex(source.md5Hash);
  return [...revisions].reverse().find((r) => r.md5Checksum === md5Hex);
}

/** The decision for a wanted generation, given what the target and Drive hold now. */
export function decide(
  wanted: Wanted,
  facts: { target: TargetFact; drive: DriveFact; overwrite: boolean; targetPrefix: string },
): Decision {
  if (wanted.kind === 'deleted-before-T') return { kind: 'deleted-before-T', name: wanted.name, deletedAt: wanted.tombstone.deletedAt };
  if (wanted.kind === 'not-in-backup') return wanted;
  const { name, source } = wanted;
  const target = facts.targetPrefix + name;
  if (Buffer.byteLength(target, 'utf8') > MAX_OBJECT_NAME_BYTES) {
    const detail = `the target name is longer than Cloud Storage's ${MAX_OBJECT_NAME_BYTES} bytes: use a shorter target prefix`;
    return { kind: 'target-invalid', name, target, source, detail };
  }
  if (facts.target.exists && !facts.overwrite) return { kind: 'exists', name, target, source, same: sameContent(source, facts.target) };
  if (facts.drive === 'missing') {
    const detail = `Drive file ${source.driveFileId} is gone (deleted, or emptied from the trash)`;
    return { kind: 'missing-in-drive', name, target, source, detail };
  }
  const revisions = facts.drive.revisions;
  const revision = revisionHolding(source, revisions);
  if (!revision) {
    const detail =
      source.driveRevisionId !== undefined
        ? `Drive no longer keeps revision ${source.driveRevisionId} of file ${source.driveFileId} (not kept forever, and past Drive's 30 days or 100 revisions)`
        : `no revision of Drive file ${source.driveFileId} holds this generation's content any more`;
    return { kind: 'revision-purged', name, target, source, detail };
  }
  return {
    kind: 'restore',
    name,
    target,
    source,
    revisionId: revision.id,
    head: revision === revisions.at(-1),
    ...(revision.md5Checksum !== undefined ? { driveMd5Hex: revision.md5Checksum } : {}),
  };
}

function sameContent(source: BackedUpGeneration, target: { md5Hash?: string; crc32c?: string }): boolean | undefined {
  if (source.md5Hash !== undefined && target.md5Hash !== undefined) return source.md5Hash === target.md5Hash;
  if (source.crc32c !== undefined && target.crc32c !== undefined) return source.crc32c === target.crc32c;
  return undefined;
}

/** `wantedAt`, then `decide`: the whole plan of one object, for callers that have the facts at hand. */
export function planObject(
  entries: readonly CatalogEntry[],
  selection: RestoreSelection,
  facts: { target: TargetFact; drive: DriveFact; overwrite: boolean },
): Decision | undefined {
  const wanted = wantedAt(entries, selection);
  return wanted && decide(wanted, { ...facts, targetPrefix: selection.targetPrefix });
}
