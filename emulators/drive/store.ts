/**
 * Drive's state: users (each with a My Drive root), files and folders with their revisions, shared drives,
 * ids (ids.ts), and what a caller may see. Scope rule: with
 * `drive` (or a read-only full scope) a caller sees every item of its user; with only `drive.file` it sees
 * the items created by the same OAuth client (plus the user's root). Items enter, move and leave through
 * `addItem`, `setParents` and `deleteTree`, which keep the ItemIndex the limits read. Quotas and rates
 * live in quotas.ts, structural limits in structure.ts. Revisions Drive no longer keeps
 * (revision-purge.ts) are dropped, on the hub clock, whenever a file is found or given a revision.
 */
import { randomBytes } from 'node:crypto';
import type { Blob } from '../harness/blob.js';
import { systemClock, type Clock } from '../harness/clock.js';
import type { LimitSection } from '../harness/limits.js';
import { fileNotFound, insufficientScopes } from './errors.js';
import { DriveIds, type IdsState } from './ids.js';
import { ItemIndex } from './item-index.js';
import { GOOGLE_DRIVE_LIMITS, type DriveLimits } from './limits.js';
import { keptRevisions } from './revision-purge.js';

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
  /** Hub-clock ms when it was stored (what ages the revision before it); absent in older snapshots. */
  addedAtMs?: number;
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
  /** Flagged as malware or spam (control route): `alt=media` needs `acknowledgeAbuse=true` (download-gate.ts). */
  abusive?: boolean;
  revisions: StoredRevision[];
  version: number;
}

export interface UserState {
  rootId: string;
  /** Bytes uploaded in the current daily-upload window. */
  uploadedToday: number;
  /** When the current daily-upload window began (hub clock ms); unset until the first upload. */
  uploadWindowStartMs?: number;
}

/** Everything a DriveStore holds but its limits, as persistence saves and restores it. */
export interface DriveStoreState {
  files: StoredFile[];
  users: Array<[string, UserState]>;
  sharedDriveMembers: Array<[string, string[]]>;
  /** Ids generated and not used yet, with the user who asked for them (a bare id: any user, from older snapshots). */
  generatedIds: IdsState['generatedIds'];
  usedIds: string[];
}

/** The emulator's knobs that are not Google limits (persisted with the state). */
export interface StoreLimits {
  listLagMs: number;
  storageQuotaBytes?: number;
}

export function isFolderKind(file: StoredFile): boolean {
  return file.kind !== 'file';
}

/** A Google Workspace type other than a folder: content uploaded as it is converted, and has no bytes of its own. */
export function isWorkspaceType(mimeType: string): boolean {
  return mimeType.startsWith('application/vnd.google-apps.') && mimeType !== FOLDER_MIME;
}

export class DriveStore {
  readonly files = new Map<string, StoredFile>();
  readonly index = new ItemIndex();
  private readonly users = new Map<string, UserState>();
  private readonly sharedDriveMembers = new Map<string, Set<string>>();
  /** Ids generated, and ids ever taken. */
  readonly ids = new DriveIds();

  constructor(
    readonly limits: StoreLimits,
    /** Google's limits as configured (structure.ts and quotas.ts read them). */
    readonly rules: LimitSection<DriveLimits> = { get: () => GOOGLE_DRIVE_LIMITS },
    /** The hub's clock: what revision purging reads. */
    readonly clock: Clock = systemClock,
  ) {}

  clear(): void {
    this.files.clear();
    this.index.clear();
    this.users.clear();
    this.sharedDriveMembers.clear();
    this.ids.clear();
  }

  /** For persistence: the live objects, not copies. */
  exportState(): DriveStoreState {
    return {
      files: [...this.files.values()],
      users: [...this.users],
      sharedDriveMembers: [...this.sharedDriveMembers].map(([id, members]) => [id, [...members]]),
      ...this.ids.exportState(),
    };
  }

  /** Replaces everything but the limits (persistence restore). */
  importState(state: DriveStoreState): void {
    this.clear();
    for (const f of state.files) this.addItem(f);
    for (const [user, u] of state.users) this.users.set(user, u);
    for (const [id, members] of state.sharedDriveMembers) this.sharedDriveMembers.set(id, new Set(members));
    this.ids.importState(state);
  }

  now(): string {
    return new Date().toISOString();
  }

  // ---- users, roots, shared drives ----

  /** A user's state (root id, upload counters), created with the user's root on first use. */
  userState(user: string): UserState {
    let state = this.users.get(user);
    if (!state) {
      const rootId = `0A${randomBytes(12).toString('base64url')}Uk9PVA`;
      state = { rootId, uploadedToday: 0 };
      this.users.set(user, state);
      this.ids.markUsed(rootId);
      const t = this.now();
      this.addItem(
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
    this.ids.markUsed(id);
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
    this.addItem(item);
    return id;
  }

  /** Puts a new item in the store (and its indexes). */
  addItem(file: StoredFile): void {
    this.files.set(file.id, file);
    this.index.add(file);
  }

  /** Moves an item to other parents. */
  setParents(file: StoredFile, parents: string[]): void {
    this.index.move(file, file.parents, parents);
    file.parents = parents;
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
    this.purgeRevisions(file);
    return file;
  }

  /** Drops the revisions Drive would have purged by now (revision-purge.ts); blob files only. */
  purgeRevisions(file: StoredFile): void {
    if (file.kind !== 'file' || isWorkspaceType(file.mimeType)) return;
    const kept = keptRevisions(file.revisions, this.clock.now(), this.rules.get());
    if (kept !== file.revisions) file.revisions = kept;
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
      for (const childId of this.index.childIds(parent)) {
        const f = this.files.get(childId);
        if (!f) continue;
        out.push(f);
        queue.push(f.id);
      }
    }
    return out;
  }

  /** True when `candidate` is `folderId` or inside it (moving a folder into itself is refused). */
  isWithin(candidateId: string, folderId: string): boolean {
    return candidateId === folderId || this.descendantsOf(folderId).some((f) => f.id === candidateId);
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
      addedAtMs: this.clock.now(),
    };
    file.revisions.push(revision);
    this.purgeRevisions(file);
    return revision;
  }

  deleteTree(file: StoredFile): void {
    for (const d of [...this.descendantsOf(file.id), file]) {
      this.index.remove(d);
      this.files.delete(d.id);
    }
  }
}
