/**
 * What `files.create`, `files.update` and `files.delete` do to the store, shared by the metadata routes
 * and every upload type: metadata validation (writable fields, times, parents, properties), parent
 * visibility, id reservation, Drive's structural limits (structure.ts) and revisions. Content uploaded as
 * a Google Workspace type (`application/vnd.google-apps.*`) is converted, as Drive imports it
 * (https://developers.google.com/workspace/drive/api/guides/manage-uploads#import-docs): the file then
 * has no md5Checksum, size or headRevisionId, and cannot be downloaded (resource.ts).
 */
import { Blob } from '../harness/blob.js';
import { badRequest, DriveError, invalidParameter } from './errors.js';
import { applyPropertyPatch } from './properties.js';
import { FOLDER_MIME, isFolderKind, isWorkspaceType, type Caller, type DriveStore, type StoredFile } from './store.js';
import { checkKeepForever, checkNewChild, subtreeHeight } from './structure.js';

export interface Content {
  blob: Blob;
  mimeType: string;
}

export interface WriteParams {
  supportsAllDrives: boolean;
  keepRevisionForever: boolean;
  addParents: string[];
  removeParents: string[];
}

export function writeParamsOf(query: URLSearchParams): WriteParams {
  const list = (name: string) =>
    (query.get(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return {
    supportsAllDrives: query.get('supportsAllDrives') === 'true' || query.get('supportsTeamDrives') === 'true',
    keepRevisionForever: query.get('keepRevisionForever') === 'true',
    addParents: list('addParents'),
    removeParents: list('removeParents'),
  };
}

/** Fields Drive computes; a request body setting them gets 403 fieldNotWritable. */
const READ_ONLY_FIELDS = [
  'kind',
  'size',
  'md5Checksum',
  'sha1Checksum',
  'sha256Checksum',
  'headRevisionId',
  'version',
  'owners',
  'ownedByMe',
  'quotaBytesUsed',
  'trashedTime',
  'explicitlyTrashed',
  'capabilities',
  'spaces',
  'webViewLink',
  'webContentLink',
  'iconLink',
  'fileExtension',
  'fullFileExtension',
  'driveId',
  'teamDriveId',
];

export type Metadata = Record<string, unknown>;

export function metadataObject(input: unknown): Metadata {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input))
    throw badRequest('The request body must be a JSON object (a File resource).', 'parseError');
  const md = input as Metadata;
  for (const field of READ_ONLY_FIELDS) {
    if (md[field] !== undefined) {
      throw new DriveError(403, 'The resource body includes fields which are not directly writable.', 'fieldNotWritable');
    }
  }
  return md;
}

function stringField(md: Metadata, field: string): string | undefined {
  const v = md[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidParameter(field, `Invalid value for ${field}: expected a string.`);
  return v;
}

function timeField(md: Metadata, field: string): string | undefined {
  const v = stringField(md, field);
  if (v === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) throw invalidParameter(field, `Invalid value for: ${field}: ${v} is not an RFC 3339 date-time.`);
  return new Date(ms).toISOString();
}

function boolField(md: Metadata, field: string): boolean | undefined {
  const v = md[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidParameter(field, `Invalid value for ${field}: expected a boolean.`);
  return v;
}

function parentsField(md: Metadata): string[] | undefined {
  const v = md.parents;
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((p) => typeof p === 'string' && p))
    throw invalidParameter('parents', 'Invalid value for parents: expected an array of ids.');
  if (v.length > 1) throw new DriveError(403, 'Increasing the number of parents is not allowed.', 'cannotAddParent');
  return v as string[];
}

/** A visible folder the caller may add children to, else 404 / 400. */
function parentFolder(store: DriveStore, caller: Caller, id: string, params: WriteParams): StoredFile {
  const parent = store.find(caller, id, { supportsAllDrives: params.supportsAllDrives, access: 'write' });
  if (!isFolderKind(parent)) throw badRequest(`The specified parent is not a folder: ${id}.`, 'invalidParent');
  return parent;
}

/**
 * Checks what can be checked before content arrives (resumable initiation): scope, metadata shape,
 * parent, id not taken. `createFile` re-checks everything at completion.
 */
export function precheckCreate(store: DriveStore, caller: Caller, md: Metadata, params: WriteParams): void {
  store.requireScope(caller, 'write');
  const parent = parentFolder(store, caller, parentsField(md)?.[0] ?? 'root', params);
  for (const f of ['name', 'mimeType', 'description', 'originalFilename']) stringField(md, f);
  for (const f of ['modifiedTime', 'createdTime']) timeField(md, f);
  applyPropertyPatch('appProperties', {}, md.appProperties);
  applyPropertyPatch('properties', {}, md.properties);
  store.ids.check(md.id, caller.user);
  checkNewChild(store, parent, { folder: md.mimeType === FOLDER_MIME });
}

export function createFile(
  store: DriveStore,
  caller: Caller,
  md: Metadata,
  params: WriteParams,
  content?: Content,
  originalFilename?: string,
): StoredFile {
  store.requireScope(caller, 'write');
  const parent = parentFolder(store, caller, parentsField(md)?.[0] ?? 'root', params);
  const mimeType = stringField(md, 'mimeType') ?? content?.mimeType ?? 'application/octet-stream';
  const folder = mimeType === FOLDER_MIME;
  if (folder && content && content.blob.size > 0) throw badRequest('A folder cannot have content.', 'badContent');
  const appProperties = applyPropertyPatch('appProperties', {}, md.appProperties);
  const properties = applyPropertyPatch('properties', {}, md.properties);
  const name = stringField(md, 'name') ?? 'Untitled';
  const description = stringField(md, 'description');
  const now = store.now();
  const createdTime = timeField(md, 'createdTime') ?? now;
  const modifiedTime = timeField(md, 'modifiedTime') ?? now;
  const starred = boolField(md, 'starred') ?? false;
  const trashed = boolField(md, 'trashed') ?? false;
  store.ids.check(md.id, caller.user);
  checkNewChild(store, parent, { folder });
  const id = store.ids.take(md.id, caller.user);
  const converted = isWorkspaceType(mimeType);

  const file = store.blankItem({
    id,
    kind: folder ? 'folder' : 'file',
    name,
    mimeType,
    parents: [parent.id],
    owner: caller.user,
    createdByClient: caller.clientId,
    time: now,
  });
  Object.assign(file, { createdTime, modifiedTime, starred, explicitlyTrashed: trashed, properties });
  if (Object.keys(appProperties).length) file.appProperties.set(caller.clientId, appProperties);
  if (description !== undefined) file.description = description;
  if (parent.driveId) file.driveId = parent.driveId;
  if (!folder) {
    const blob = content?.blob;
    store.addRevision(file, blob ?? Blob.empty(), converted ? mimeType : (content?.mimeType ?? mimeType), {
      keepForever: params.keepRevisionForever && !converted,
      originalFilename: stringField(md, 'originalFilename') ?? originalFilename ?? (content ? name : undefined),
    });
    file.revisions[0]!.modifiedTime = modifiedTime;
  }
  store.addItem(file);
  return file;
}

export function updateFile(
  store: DriveStore,
  caller: Caller,
  id: string,
  md: Metadata,
  params: WriteParams,
  content?: Content,
): StoredFile {
  store.requireScope(caller, 'write');
  const file = store.find(caller, id, { supportsAllDrives: params.supportsAllDrives, access: 'write' });
  if (md.parents !== undefined) {
    throw new DriveError(
      403,
      'The parents field is not directly writable in update requests. Use the addParents and removeParents parameters instead.',
      'fieldNotWritable',
    );
  }
  if (md.id !== undefined && md.id !== file.id) {
    throw new DriveError(403, 'The resource body includes fields which are not directly writable.', 'fieldNotWritable');
  }
  if (file.kind === 'root' || file.kind === 'sharedDrive') {
    if (content || params.addParents.length || params.removeParents.length || md.trashed !== undefined) {
      throw new DriveError(403, 'The user does not have sufficient permissions for this file.', 'insufficientFilePermissions');
    }
  }
  if (content && isFolderKind(file)) throw badRequest('A folder cannot have content.', 'badContent');

  // Validate everything before changing anything.
  const name = stringField(md, 'name');
  const mimeType = stringField(md, 'mimeType');
  const modifiedTime = timeField(md, 'modifiedTime');
  const originalFilename = stringField(md, 'originalFilename');
  const starred = boolField(md, 'starred');
  const trashed = boolField(md, 'trashed');
  const appProperties =
    md.appProperties !== undefined
      ? applyPropertyPatch('appProperties', file.appProperties.get(caller.clientId) ?? {}, md.appProperties)
      : undefined;
  const properties = md.properties !== undefined ? applyPropertyPatch('properties', file.properties, md.properties) : undefined;
  if (mimeType !== undefined && (mimeType === FOLDER_MIME) !== isFolderKind(file)) {
    throw badRequest('The mimeType of a file cannot be changed to or from a folder.', 'invalid');
  }
  let parents = file.parents;
  if (params.addParents.length || params.removeParents.length) {
    parents = file.parents.filter(
      (p) => !params.removeParents.includes(p) && !(params.removeParents.includes('root') && p === store.rootFolderId(caller.user)),
    );
    for (const add of params.addParents) {
      const target = parentFolder(store, caller, add, params);
      if (store.isWithin(target.id, file.id)) throw badRequest('A folder cannot be moved into itself or its descendants.', 'invalidParent');
      if (parents.includes(target.id)) continue;
      const folder = file.kind === 'folder';
      checkNewChild(store, target, {
        folder,
        height: folder ? subtreeHeight(store, file) : 0,
        newToDrive: target.driveId !== file.driveId,
      });
      parents = [...parents, target.id];
    }
    if (parents.length > 1) throw new DriveError(403, 'Increasing the number of parents is not allowed.', 'cannotAddParent');
  }
  const converted = isWorkspaceType(file.mimeType);
  if (content && params.keepRevisionForever && !converted) checkKeepForever(store, file);

  if (name !== undefined) file.name = name;
  if (mimeType !== undefined) file.mimeType = mimeType;
  if (md.description !== undefined) {
    if (md.description === null) delete file.description;
    else file.description = stringField(md, 'description');
  }
  if (starred !== undefined) file.starred = starred;
  if (trashed !== undefined) file.explicitlyTrashed = trashed;
  if (appProperties) file.appProperties.set(caller.clientId, appProperties);
  if (properties) file.properties = properties;
  if (parents !== file.parents) store.setParents(file, parents);
  const now = store.now();
  const head = file.revisions[file.revisions.length - 1];
  if (content) {
    // The new revision takes what this upload set: its bytes (md5Checksum, size), the media's mimeType,
    // `modifiedTime` and `originalFilename` (the Revision resource has these fields:
    // https://developers.google.com/workspace/drive/api/reference/rest/v3/revisions). Guess: Drive does
    // not document whether an `originalFilename` set on an update reaches the new revision; the emulator
    // says it does, and an update that sets none carries the file's current one (else its name) over.
    store.addRevision(file, content.blob, converted ? file.mimeType : content.mimeType, {
      keepForever: params.keepRevisionForever && !converted,
      originalFilename: originalFilename ?? head?.originalFilename ?? file.name,
    }).modifiedTime = modifiedTime ?? now;
  } else if (originalFilename !== undefined && head && !isFolderKind(file)) {
    // A metadata-only update of originalFilename (a writable File field) renames the head revision's
    // original filename, where the emulator keeps the file's (a guess: Drive keeps it per file).
    head.originalFilename = originalFilename;
  }
  file.modifiedTime = modifiedTime ?? now;
  file.version++;
  return file;
}

export function deleteFile(store: DriveStore, caller: Caller, id: string, params: WriteParams): void {
  store.requireScope(caller, 'write');
  const file = store.find(caller, id, { supportsAllDrives: params.supportsAllDrives, access: 'write' });
  if (file.kind === 'root' || file.kind === 'sharedDrive') {
    throw new DriveError(403, 'The user does not have sufficient permissions for this file.', 'insufficientFilePermissions');
  }
  store.deleteTree(file);
}
