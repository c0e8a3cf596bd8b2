/**
 * Drive's state: users (each with a My Drive root), files and folders with their revisions, shared drives,
 * reserved ids, and what a caller may see. Scope rule: with `drive` (or a read-only full scope) a caller
 * sees every item of its user; with only `drive.file` it sees the items created by the same OAuth client
 * (plus the user's root). Quotas: stored bytes per user and uploaded bytes per user per emulated day.
 */
import { randomBytes } from 'node:crypto';
import type { Blob } from '../harness/blob.js';
import { DriveError, fileNotFound, insufficientScopes, storageQuotaExceeded, userRateLimitExceeded } from './errors.js';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';
const SCOPE = 'https://www.googleapis.com/auth/';
export const SCOPES = {
  drive: `${SCOPE}drive`,
  file: `${SCOPE}drive.file`,
  readonly: `${SCOPE}drive.readonly`,
  metadataReadonly: `${SCOPE}drive.metadata.readonly`,
  metadata: `${SCOPE}drive.metadata`,
} as const;

/** Who is calling: the access token's user, OAuth client and scopes. */
export interface Caller {
  user: string;
  clientId: string;
  scopes: readonly string[];
}

export interface StoredRevision {
  id: string;
  content: Blob;
  mimeType: string;
  modifiedTime: string;
  keepForever: boolean;
  originalFilename?: string;
}

export type ItemKind = 'file' | 'folder' | 'root' | 'sharedDrive';

export interface StoredFile {
  id: string;
  kind: ItemKind;
  name: string;
  mimeType: string;
  parents: string[];
  explicitlyTrashed: boolean;
  starred: boolean;
  /** Private properties, per OAuth client id. */
  appProperties: Map<string, Record<string, string>>;
  properties: Record<string, string>;
  description?: string;
  createdTime: string;
  modifiedTime: string;
  /** Wall-clock ms of creation, for the list lag. */
  createdAtMs: number;
  owner: string;
  createdByClient: string;
  /** Set on items inside a shared drive (and on the shared drive's root itself). */
  driveId?: string;
  revisions: StoredRevision[];
  version: number;
}

export interface UserState {
  rootId: string;
  uploadedToday: number;
}

/** Everything a DriveStore holds but its limits, as persistence saves and restores it. */
export interface DriveStoreState {
  files: StoredFile[];
  users: Array<[string, UserState]>;
  sharedDriveMembers: Array<[string, string[]]>;
  generatedIds: string[];
  usedIds: string[];
}

export interface StoreLimits {
  listLagMs: number;
  storageQuotaBytes?: number;
  dailyUploadBytes?: number;
}

const ID_SHAPE = /^[A-Za-z0-9_-]{10,128}$/;

export function newFileId(): string {
  return `1${randomBytes(24).toString('base64url')}`;
}

export function isFolderKind(file: StoredFile): boolean {
  return file.kind !== 'file';
}

export class DriveStore {
  readonly files = new Map<string, StoredFile>();
  private readonly users = new Map<string, UserState>();
  private readonly sharedDriveMembers = new Map<string, Set<string>>();
  /** Ids handed out by generateIds and not used yet. */
  private readonly generatedIds = new Set<string>();
  /** Every id ever taken (a deleted file's id is not reusable). */
  private readonly usedIds = new Set<string>();

  constructor(readonly limits: StoreLimits) {}

  clear(): void {
    this.files.clear();
    this.users.clear();
    this.sharedDriveMembers.clear();
    this.generatedIds.clear();
    this.usedIds.clear();
  }

  /** For persistence: the live objects, not copies. */
  exportState(): DriveStoreState {
    return {
      files: [...this.files.values()],
      users: [...this.users],
      sharedDriveMembers: [...this.sharedDriveMembers].map(([id, members]) => [id, [...members]]),
      generatedIds: [...this.generatedIds],
      usedIds: [...this.usedIds],
    };
  }

  /** Replaces everything but the limits (persistence restore). */
  importState(state: DriveStoreState): void {
    this.clear();
    for (const f of state.files) this.files.set(f.id, f);
    for (const [user, u] of state.users) this.users.set(user, u);
    for (const [id, members] of state.sharedDriveMembers) this.sharedDriveMembers.set(id, new Set(members));
    for (const id of state.generatedIds) this.generatedIds.add(id);
    for (const id of state.usedIds) this.usedIds.add(id);
  }

  now(): string {
    return new Date().toISOString();
  }

  // ---- users, roots, shared drives ----

  private userState(user: string): UserState {
    let state = this.users.get(user);
    if (!state) {
      const rootId = `0A${randomBytes(12).toString('base64url')}Uk9PVA`;
      state = { rootId, uploadedToday: 0 };
      this.users.set(user, state);
      this.usedIds.add(rootId);
      const t = this.now();
      this.files.set(
        rootId,
        this.blankItem({
          id: rootId,
          kind: 'root',
          name: 'My Drive',
          mimeType: FOLDER_MIME,
          parents: [],
          owner: user,
          createdByClient: '',
          time: t,
        }),
      );
    }
    return state;
  }

  rootFolderId(user: string): string {
    return this.userState(user).rootId;
  }

  createSharedDrive(name: string, user: string): string {
    const id = `0A${randomBytes(12).toString('base64url')}Uk9PVA`;
    this.usedIds.add(id);
    this.sharedDriveMembers.set(id, new Set([user]));
    const item = this.blankItem({
      id,
      kind: 'sharedDrive',
      name,
      mimeType: FOLDER_MIME,
      parents: [],
      owner: user,
      createdByClient: '',
      time: this.now(),
    });
    item.driveId = id;
    this.files.set(id, item);
    return id;
  }

  blankItem(init: {
    id: string;
    kind: ItemKind;
    name: string;
    mimeType: string;
    parents: string[];
    owner: string;
    createdByClient: string;
    time: string;
  }): StoredFile {
    return {
      id: init.id,
      kind: init.kind,
      name: init.name,
      mimeType: init.mimeType,
      parents: init.parents,
      explicitlyTrashed: false,
      starred: false,
      appProperties: new Map(),
      properties: {},
      createdTime: init.time,
      modifiedTime: init.time,
      createdAtMs: Date.now(),
      owner: init.owner,
      createdByClient: init.createdByClient,
      revisions: [],
      version: 1,
    };
  }

  // ---- ids ----

  generateIds(count: number): string[] {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = newFileId();
      this.generatedIds.add(id);
      ids.push(id);
    }
    return ids;
  }

  /**
   * Takes an id for a new item: a fresh one, or the caller's (generated by generateIds, or any unused id
   * of a valid shape). An id in use → 409 `fileIdInUse` "A file already exists with the provided ID."
   * (the reason Drive uses for a taken id; clients should key on the 409); a malformed one → 400
   * `fileIdNotUsable`.
   */
  takeId(requested: unknown): string {
    if (requested === undefined || requested === null || requested === '') {
      const id = newFileId();
      this.usedIds.add(id);
      return id;
    }
    if (typeof requested !== 'string' || !ID_SHAPE.test(requested)) {
      throw new DriveError(400, 'The provided file ID is not usable.', 'fileIdNotUsable', {
        location: 'file.id',
        locationType: 'parameter',
      });
    }
    if (this.usedIds.has(requested)) {
      throw new DriveError(409, 'A file already exists with the provided ID.', 'fileIdInUse');
    }
    this.generatedIds.delete(requested);
    this.usedIds.add(requested);
    return requested;
  }

  // ---- visibility ----

  /** 403 unless the token carries a Drive scope that allows this kind of access. */
  requireScope(caller: Caller, access: 'read' | 'write'): void {
    const s = caller.scopes;
    const ok =
      s.includes(SCOPES.drive) ||
      s.includes(SCOPES.file) ||
      (access === 'read' && (s.includes(SCOPES.readonly) || s.includes(SCOPES.metadataReadonly) || s.includes(SCOPES.metadata)));
    if (!ok) throw insufficientScopes();
  }

  private seesEverything(caller: Caller, access: 'read' | 'write'): boolean {
    const s = caller.scopes;
    if (s.includes(SCOPES.drive)) return true;
    return access === 'read' && (s.includes(SCOPES.readonly) || s.includes(SCOPES.metadataReadonly) || s.includes(SCOPES.metadata));
  }

  isSharedDriveMember(driveId: string, user: string): boolean {
    return this.sharedDriveMembers.get(driveId)?.has(user) ?? false;
  }

  canSee(caller: Caller, file: StoredFile, access: 'read' | 'write' = 'read'): boolean {
    if (file.driveId) {
      if (!this.isSharedDriveMember(file.driveId, caller.user)) return false;
    } else if (file.owner !== caller.user) return false;
    if (file.kind === 'root' || file.kind === 'sharedDrive') return true;
    if (this.seesEverything(caller, access)) return true;
    return caller.scopes.includes(SCOPES.file) && file.createdByClient === caller.clientId;
  }

  /** Resolves `root` and an id to an item the caller may see, else 404 notFound. */
  find(caller: Caller, id: string, opts: { supportsAllDrives?: boolean; access?: 'read' | 'write' } = {}): StoredFile {
    const realId = id === 'root' ? this.rootFolderId(caller.user) : id;
    const file = this.files.get(realId);
    if (!file || !this.canSee(caller, file, opts.access ?? 'read')) throw fileNotFound(id);
    if (file.driveId && !opts.supportsAllDrives) throw fileNotFound(id);
    return file;
  }

  /** Trashed explicitly or through an ancestor folder. */
  isTrashed(file: StoredFile): boolean {
    const seen = new Set<string>();
    let current: StoredFile | undefined = file;
    while (current && !seen.has(current.id)) {
      if (current.explicitlyTrashed) return true;
      seen.add(current.id);
      current = current.parents[0] ? this.files.get(current.parents[0]) : undefined;
    }
    return false;
  }

  descendantsOf(id: string): StoredFile[] {
    const out: StoredFile[] = [];
    const queue = [id];
    while (queue.length) {
      const parent = queue.shift()!;
      for (const f of this.files.values()) {
        if (f.parents.includes(parent)) {
          out.push(f);
          queue.push(f.id);
        }
      }
    }
    return out;
  }

  /** True when `candidate` is `folderId` or inside it (moving a folder into itself is refused). */
  isWithin(candidateId: string, folderId: string): boolean {
    return candidateId === folderId || this.descendantsOf(folderId).some((f) => f.id === candidateId);
  }

  // ---- quotas ----

  usage(user: string): { total: number; trash: number } {
    let total = 0;
    let trash = 0;
    for (const f of this.files.values()) {
      if (f.owner !== user || f.driveId) continue;
      const bytes = f.revisions.reduce((n, r) => n + r.content.size, 0);
      total += bytes;
      if (this.isTrashed(f)) trash += bytes;
    }
    return { total, trash };
  }

  /** Before accepting `bytes` more (upload start with a known length, or completion). */
  checkStorage(user: string, bytes: number): void {
    const limit = this.limits.storageQuotaBytes;
    if (limit !== undefined && this.usage(user).total + bytes > limit) throw storageQuotaExceeded();
  }

  /**
   * Daily upload budget: an upload may start while the user is under the limit (and the file alone fits);
   * uploads in progress complete, as Drive documents for its 750 GB/day limit.
   */
  checkDailyUpload(user: string, bytes = 0): void {
    const limit = this.limits.dailyUploadBytes;
    if (limit === undefined) return;
    if (this.userState(user).uploadedToday >= limit || bytes > limit) throw userRateLimitExceeded();
  }

  countUpload(user: string, bytes: number): void {
    this.userState(user).uploadedToday += bytes;
  }

  // ---- content ----

  addRevision(
    file: StoredFile,
    content: Blob,
    mimeType: string,
    opts: { keepForever?: boolean; originalFilename?: string } = {},
  ): StoredRevision {
    const revision: StoredRevision = {
      id: `0B${randomBytes(18).toString('base64url')}`,
      content,
      mimeType,
      modifiedTime: this.now(),
      keepForever: opts.keepForever ?? false,
      originalFilename: opts.originalFilename,
    };
    file.revisions.push(revision);
    return revision;
  }

  deleteTree(file: StoredFile): void {
    for (const d of this.descendantsOf(file.id)) this.files.delete(d.id);
    this.files.delete(file.id);
  }
}
