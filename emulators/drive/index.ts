/**
 * The Drive v3 emulator: metadata and upload endpoints faithful enough for `@googleapis/drive` and a
 * hand-written resumable client, authenticated through the OAuth emulator, with Google's limits (section
 * `drive` of the hub's limits, see limits.ts) and the knobs tests need (list lag, storage quota, session
 * expiry, files flagged as abusive) as an in-process API and as control routes `/_emulator/drive/...`.
 */
import type { Blob } from '../harness/blob.js';
import type { Route } from '../harness/http.js';
import type { ControlHub, ErrorRenderer } from '../harness/server.js';
import type { OAuthEmulator } from '../oauth/index.js';
import { DownloadGate } from './download-gate.js';
import { renderDriveError } from './errors.js';
import { FileReplies } from './replies.js';
import { fileView, type DriveFileView } from './resource.js';
import { createFileRoutes } from './routes-files.js';
import { createUploadRoutes } from './routes-upload.js';
import { DriveStore } from './store.js';
import { GOOGLE_DRIVE_LIMITS, parseDriveLimits } from './limits.js';
import { DriveQuotas } from './quotas.js';
import { restoreDrive, snapshotDrive } from './snapshot.js';
import type { Persistable } from '../persistence/persistable.js';
import { DEFAULT_SESSION_TTL_MS, UploadSessions } from './upload-sessions.js';

export type { DriveFileView } from './resource.js';

export interface DriveEmulatorOptions {
  /** Newly created items stay invisible to files.list for this long (Drive's search index lag). */
  listLagMs?: number;
  /** Per user: sum of stored revision bytes. */
  storageQuotaBytes?: number;
  /** Lifetime of resumable upload sessions. Default 7 days. */
  sessionTtlMs?: number;
}

export interface DriveEmulator extends Persistable {
  routes: Route[];
  renderError?: ErrorRenderer;
  /** Base URL of the Drive port, for resumable session URIs (Location). */
  setBaseUrl(url: string): void;
  /** Newly created items are invisible to files.list for `ms`. */
  setListLag(ms: number): void;
  /** Per user; 403 storageQuotaExceeded when exceeded. */
  setStorageQuota(bytes: number | undefined): void;
  /** Per user per window (limits `drive.dailyUpload`); undefined turns it off. 403 userRateLimitExceeded "User rate limit exceeded.". */
  setDailyUploadLimit(bytes: number | undefined): void;
  /** Every open resumable session answers 404 from now on. */
  expireUploadSessions(): void;
  /** A shared drive of which `user` is a member; its id is accepted as a parent with supportsAllDrives. */
  createSharedDrive(name: string, user: string): string;
  /** Test inspection (not through HTTP): every file/folder of a user (all users without one), trashed too. */
  listAll(user?: string): DriveFileView[];
  readContent(fileId: string): Blob | undefined;
  /** Each user has a My Drive root; requests may call it `root`. */
  rootFolderId(user: string): string;
  /** Flags a file as malware or spam (`alt=media` then needs `acknowledgeAbuse=true`), or clears the flag. */
  setAbusive(fileId: string, abusive?: boolean): void;
}

function optionalBytes(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number >= 0 or null`);
  return value;
}

export function createDriveEmulator(hub: ControlHub, oauth: OAuthEmulator, options: DriveEmulatorOptions = {}): DriveEmulator {
  const initialLimits = () => ({
    listLagMs: options.listLagMs ?? 0,
    storageQuotaBytes: options.storageQuotaBytes,
  });
  const rules = hub.limits.register('drive', GOOGLE_DRIVE_LIMITS, parseDriveLimits);
  const store = new DriveStore(initialLimits(), rules, hub.clock);
  const quotas = new DriveQuotas(store, hub.clock);
  const downloads = new DownloadGate(rules, hub.clock);
  const sessions = new UploadSessions(options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS, hub.clock);
  const replies = new FileReplies(store);
  let baseUrl = '';

  hub.onReset(() => {
    store.clear();
    quotas.clear();
    downloads.clear();
    Object.assign(store.limits, initialLimits());
    sessions.expireAll();
  });

  const emulator: DriveEmulator = {
    routes: [
      ...createUploadRoutes({ store, quotas, sessions, oauth, replies, baseUrl: () => baseUrl }),
      ...createFileRoutes({ store, quotas, oauth, replies, downloads }),
    ],
    renderError: renderDriveError,
    setBaseUrl(url) {
      baseUrl = url.replace(/\/+$/, '');
    },
    setListLag(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error('list lag must be >= 0');
      store.limits.listLagMs = ms;
    },
    setStorageQuota(bytes) {
      store.limits.storageQuotaBytes = optionalBytes(bytes, 'storageQuotaBytes');
    },
    setDailyUploadLimit(bytes) {
      const checked = optionalBytes(bytes, 'dailyUploadBytes');
      const resetAfterMs = rules.get().dailyUpload?.resetAfterMs ?? GOOGLE_DRIVE_LIMITS.dailyUpload!.resetAfterMs;
      hub.limits.set({ drive: { dailyUpload: checked === undefined ? null : { bytes: checked, resetAfterMs } } });
    },
    expireUploadSessions: () => sessions.expireAll(),
    createSharedDrive: (name, user) => store.createSharedDrive(name, user),
    listAll(user) {
      return [...store.files.values()]
        .filter((f) => f.kind !== 'root' && f.kind !== 'sharedDrive')
        .filter((f) => user === undefined || f.owner === user)
        .map((f) => fileView(store, f));
    },
    readContent(fileId) {
      const file = store.files.get(fileId);
      return file?.revisions[file.revisions.length - 1]?.content;
    },
    rootFolderId: (user) => store.rootFolderId(user),
    setAbusive(fileId, abusive = true) {
      const file = store.files.get(fileId);
      if (!file || file.kind !== 'file') throw new Error(`no file ${fileId}`);
      if (abusive) file.abusive = true;
      else delete file.abusive;
    },
    snapshot: (blobs) => snapshotDrive(store, blobs),
    restore: (data, blobs) =>
      restoreDrive(store, data, blobs, {
        listLagMs: options.listLagMs,
        storageQuotaBytes: options.storageQuotaBytes,
      }),
  };

  hub.addControl({
    method: 'POST',
    path: 'drive/list-lag',
    handle: (body) => {
      emulator.setListLag(Number(body.ms));
      return { listLagMs: store.limits.listLagMs };
    },
  });
  hub.addControl({
    method: 'POST',
    path: 'drive/quota',
    handle: (body) => {
      if ('storageQuotaBytes' in body) emulator.setStorageQuota(optionalBytes(body.storageQuotaBytes, 'storageQuotaBytes'));
      if ('dailyUploadBytes' in body) emulator.setDailyUploadLimit(optionalBytes(body.dailyUploadBytes, 'dailyUploadBytes'));
      return { storageQuotaBytes: store.limits.storageQuotaBytes ?? null, dailyUploadBytes: rules.get().dailyUpload?.bytes ?? null };
    },
  });
  hub.addControl({
    method: 'POST',
    path: 'drive/expire-sessions',
    handle: () => {
      emulator.expireUploadSessions();
      return {};
    },
  });
  hub.addControl({
    method: 'POST',
    path: 'drive/abuse',
    handle: (body) => {
      if (typeof body.fileId !== 'string') throw new Error('body must be {"fileId": "...", "abusive"?: true|false}');
      if (body.abusive !== undefined && typeof body.abusive !== 'boolean') throw new Error('abusive must be true or false');
      emulator.setAbusive(body.fileId, body.abusive ?? true);
      return { fileId: body.fileId, abusive: body.abusive ?? true };
    },
  });
  hub.addControl({
    method: 'GET',
    path: 'drive/files',
    handle: (_body, url) => ({ files: emulator.listAll(url.searchParams.get('user') ?? undefined) }),
  });

  return emulator;
}
