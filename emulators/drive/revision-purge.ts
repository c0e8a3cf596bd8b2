/**
 * Which revisions of a file Drive still keeps, on the hub clock. Manage file revisions
 * (https://developers.google.com/workspace/drive/api/guides/manage-revisions): the head revision is never
 * purged; a revision kept forever is never purged; any other revision is "typically preserved for 30
 * days" (counted here from when a newer revision arrived, as the Revision resource's keepForever says:
 * "purged 30 days after newer content is uploaded"), "but can be purged earlier if a file has 100
 * revisions that aren't designated as Keep Forever and a new revision is uploaded". Pure.
 *
 * Guesses: "typically" is taken as exactly `purgeAfterMs`; the 100 counts the head revision too (it is not
 * kept forever); the oldest purgeable revisions go first. Google purges in the background; the emulator
 * purges lazily whenever a file is read, listed or written, which a client cannot tell apart.
 */

export interface PurgeRules {
  /** null: never purged by age. */
  revisionPurgeAfterMs: number | null;
  /** null: no cap on the count. */
  purgeableRevisions: number | null;
}

export interface PurgeableRevision {
  keepForever: boolean;
  /** Hub-clock ms when the revision was stored; absent (older snapshots): the next revision does not age this one. */
  addedAtMs?: number;
}

/** The revisions kept at `nowMs`, in their order (the same array when nothing goes). */
export function keptRevisions<R extends PurgeableRevision>(revisions: R[], nowMs: number, rules: PurgeRules): R[] {
  const last = revisions.length - 1;
  if (last < 1) return revisions;
  const drop = new Set<number>();
  const after = rules.revisionPurgeAfterMs;
  if (after !== null) {
    for (let i = 0; i < last; i++) {
      const newerAt = revisions[i + 1]!.addedAtMs;
      if (!revisions[i]!.keepForever && newerAt !== undefined && nowMs - newerAt >= after) drop.add(i);
    }
  }
  const cap = rules.purgeableRevisions;
  if (cap !== null) {
    let purgeable = revisions.filter((r, i) => !r.keepForever && !drop.has(i)).length;
    for (let i = 0; i < last && purgeable > cap; i++) {
      if (revisions[i]!.keepForever || drop.has(i)) continue;
      drop.add(i);
      purgeable--;
    }
  }
  return drop.size ? revisions.filter((_, i) => !drop.has(i)) : revisions;
}
