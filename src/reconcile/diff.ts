/**
 * The reconcile decision for one listed object, pure: given the live generation in Cloud Storage and what
 * the Drive index holds for its key, upload it, revise the existing file, or leave it — honouring the
 * include/exclude filters and ON_NEW_GENERATION exactly as the event path does:
 *   revision → a newer generation revises the file; copy → every generation is its own file (missing =
 *   this generation has no file); skip → an existing file is left as it is. A canary of `verify` is always
 *   left: only the event path may back it up.
 */
import type { OnNewGeneration } from '../config/config.js';
import { compareGenerations } from '../core/object-ref.js';
import { selectObject, type ObjectFilter } from '../backup/select.js';
import type { DriveIndex } from './drive-index.js';

export type LeaveReason = 'up-to-date' | 'exists' | 'folder-placeholder' | 'not-included' | 'excluded' | 'canary';

export type ObjectPlan = { action: 'upload' } | { action: 'revise'; from: string } | { action: 'leave'; reason: LeaveReason };

export interface DiffSettings extends ObjectFilter {
  readonly onNewGeneration: OnNewGeneration;
}

/** What to do with object `name` at `generation`, whose source key is `key`. */
export function planObject(
  object: { name: string; generation: string; metadata?: Readonly<Record<string, string>> },
  key: string,
  index: Pick<DriveIndex, 'holds' | 'newestGeneration'>,
  settings: DiffSettings,
): ObjectPlan {
  const selection = selectObject(object.name, settings, object.metadata);
  if (!selection.backup) return { action: 'leave', reason: selection.reason };
  // A canary of `verify` proves the trigger path only if reconcile never backs it up (src/backup/select.ts).
  if (selection.canary) return { action: 'leave', reason: 'canary' };
  if (index.holds(key, object.generation)) return { action: 'leave', reason: 'up-to-date' };
  const newest = index.newestGeneration(key);
  if (newest === undefined) return { action: 'upload' };
  switch (settings.onNewGeneration) {
    case 'copy':
      return { action: 'upload' };
    case 'skip':
      return { action: 'leave', reason: 'exists' };
    case 'revision':
      // Drive newer than the live object: an old listing page or a deleted-and-rewritten race; nothing to do.
      return compareGenerations(newest, object.generation) < 0
        ? { action: 'revise', from: newest }
        : { action: 'leave', reason: 'up-to-date' };
  }
}
