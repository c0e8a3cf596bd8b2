/**
 * The folder resolver's own failures (folders.ts), each knowing what it means: the backup root cannot
 * be used, the root is full with no way beside it (Drive gives no way on), a folder deeper than Drive allows.
 */
import type { ClassifiedError, Failure } from '../../core/failure.js';

/** DRIVE_FOLDER_ID is missing, trashed or invisible to this app: only the operator can fix it. */
export class RootFolderError extends Error implements ClassifiedError {
  readonly failure: Failure;
  constructor(rootId: string, cause: unknown) {
    super(`the backup root folder DRIVE_FOLDER_ID=${rootId} cannot be used`, { cause });
    this.failure = {
      kind: 'operator',
      service: 'drive',
      reason: `Drive replied 404 for DRIVE_FOLDER_ID=${rootId} (not found, trashed, or not visible to this app)`,
      problemCode: 'drive-root-missing',
      action:
        'DRIVE_FOLDER_ID names a folder not found or not visible to this app; with the drive.file scope the app sees only folders it created: run authorize to create the folder',
    };
  }
}

/** The backup root holds Drive's maximum of items and no folder can be made beside it: Drive gives no way on. */
export class RootFolderFullError extends Error implements ClassifiedError {
  readonly failure: Failure;
  constructor(rootId: string, cause: unknown) {
    super(`the backup root folder DRIVE_FOLDER_ID=${rootId} is full`, { cause });
    this.failure = {
      kind: 'operator',
      service: 'drive',
      reason: `the backup root folder DRIVE_FOLDER_ID=${rootId} holds Drive's maximum of 500,000 items (trashed ones count), and it has no parent folder this app may create an overflow folder in`,
      problemCode: 'folder-item-cap',
      action:
        'move items out of the DRIVE_FOLDER_ID folder (or empty its trash), or point DRIVE_FOLDER_ID at a new folder (run authorize); events are retried for 24 h, then run reconcile',
    };
  }
}

/** Drive refused a folder at `level` (1: directly under the root) as deeper than its 100 levels. */
export class FolderTooDeepError extends Error implements ClassifiedError {
  readonly failure: Failure;
  constructor(
    readonly level: number,
    cause: unknown,
  ) {
    super(`Drive refused a folder ${level} levels below DRIVE_FOLDER_ID as too deep`, { cause });
    const action = `DRIVE_FOLDER_ID is nested too deep for Drive's limit of 100 folder levels: move it nearer the top of My Drive`;
    this.failure = { kind: 'operator', service: 'drive', reason: this.message, problemCode: 'folder-depth-limit', action };
  }
}
