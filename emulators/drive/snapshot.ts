/**
 * The Drive emulator's state as JSON for persistence: files, folders, roots and shared drives with their
 * revisions (content by blob reference) and appProperties, users (root id, bytes uploaded today), ids
 * generated or ever used (with the user each generated id belongs to), and the knobs (list lag, storage
 * quota). Google's limits (hub limits) and open resumable upload sessions are not part of it. Knobs given
 * explicitly as emulator options win over the saved ones on restore.
 */
import type { BlobLookup, BlobRef, BlobRefs } from '../persistence/persistable.js';
import type { DriveStore, DriveStoreState, StoreLimits, StoredFile, StoredRevision } from './store.js';

type RevisionSnapshot = Omit<StoredRevision, 'content'> & { content: BlobRef };
type FileSnapshot = Omit<StoredFile, 'appProperties' | 'revisions'> & {
  appProperties: Record<string, Record<string, string>>;
  revisions: RevisionSnapshot[];
};

export interface DriveSnapshot extends Omit<DriveStoreState, 'files'> {
  files: FileSnapshot[];
  limits: StoreLimits;
}

export function snapshotDrive(store: DriveStore, blobs: BlobRefs): DriveSnapshot {
  const state = store.exportState();
  return {
    ...state,
    files: state.files.map((f) => ({
      ...f,
      appProperties: Object.fromEntries(f.appProperties),
      revisions: f.revisions.map((r) => ({ ...r, content: blobs.ref(r.content) })),
    })),
    limits: { ...store.limits },
  };
}

/** `explicitLimits`: the limits the emulator was started with explicitly (they override the saved ones). */
export function restoreDrive(store: DriveStore, data: unknown, blobs: BlobLookup, explicitLimits: Partial<StoreLimits>): void {
  const snap = data as DriveSnapshot;
  store.importState({
    ...snap,
    files: snap.files.map((f) => ({
      ...f,
      appProperties: new Map(Object.entries(f.appProperties)),
      revisions: f.revisions.map((r) => ({ ...r, content: blobs.get(r.content) })),
    })),
  });
  const limits: StoreLimits = { listLagMs: snap.limits.listLagMs ?? 0 };
  if (snap.limits.storageQuotaBytes !== undefined) limits.storageQuotaBytes = snap.limits.storageQuotaBytes;
  for (const [key, value] of Object.entries(explicitLimits)) {
    if (value !== undefined) limits[key as keyof StoreLimits] = value;
  }
  store.limits.listLagMs = limits.listLagMs;
  store.limits.storageQuotaBytes = limits.storageQuotaBytes;
}
