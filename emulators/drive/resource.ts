/**
 * The JSON shapes Drive returns: the `drive#file` resource as a given caller sees it (its own app's
 * appProperties, ownedByMe, ...), `drive#revision`, the test-inspection view, and the field schemas the
 * `fields` parameter is checked against.
 */
import type { FieldSchema } from './fields.js';
import { isFolderKind, isWorkspaceType, type Caller, type DriveStore, type StoredFile, type StoredRevision } from './store.js';

export const DEFAULT_FILE_FIELDS = 'kind,id,name,mimeType';
export const DEFAULT_LIST_FIELDS = 'kind,nextPageToken,incompleteSearch,files(kind,id,name,mimeType)';
export const DEFAULT_REVISION_FIELDS = 'kind,id,mimeType,modifiedTime';
export const DEFAULT_REVISION_LIST_FIELDS = 'kind,nextPageToken,revisions(kind,id,mimeType,modifiedTime)';

const FILE_FIELD_NAMES = [
  'kind',
  'id',
  'name',
  'mimeType',
  'description',
  'starred',
  'trashed',
  'explicitlyTrashed',
  'trashedTime',
  'trashingUser',
  'parents',
  'properties',
  'appProperties',
  'spaces',
  'version',
  'webContentLink',
  'webViewLink',
  'iconLink',
  'hasThumbnail',
  'thumbnailLink',
  'thumbnailVersion',
  'viewedByMe',
  'viewedByMeTime',
  'createdTime',
  'modifiedTime',
  'modifiedByMeTime',
  'modifiedByMe',
  'sharedWithMeTime',
  'sharingUser',
  'owners',
  'driveId',
  'teamDriveId',
  'lastModifyingUser',
  'shared',
  'ownedByMe',
  'capabilities',
  'viewersCanCopyContent',
  'copyRequiresWriterPermission',
  'writersCanShare',
  'permissions',
  'permissionIds',
  'hasAugmentedPermissions',
  'folderColorRgb',
  'originalFilename',
  'fullFileExtension',
  'fileExtension',
  'md5Checksum',
  'sha1Checksum',
  'sha256Checksum',
  'size',
  'quotaBytesUsed',
  'headRevisionId',
  'contentHints',
  'imageMediaMetadata',
  'videoMediaMetadata',
  'isAppAuthorized',
  'exportLinks',
  'shortcutDetails',
  'contentRestrictions',
  'resourceKey',
  'linkShareMetadata',
  'labelInfo',
  'downloadRestrictions',
  'inheritedPermissionsDisabled',
];

export const FILE_SCHEMA: FieldSchema = Object.fromEntries(FILE_FIELD_NAMES.map((n) => [n, true]));
export const FILE_LIST_SCHEMA: FieldSchema = { kind: true, nextPageToken: true, incompleteSearch: true, files: FILE_SCHEMA };
const REVISION_FIELD_NAMES = [
  'kind',
  'id',
  'mimeType',
  'modifiedTime',
  'keepForever',
  'published',
  'publishedLink',
  'publishAuto',
  'publishedOutsideDomain',
  'lastModifyingUser',
  'originalFilename',
  'md5Checksum',
  'size',
  'exportLinks',
];
export const REVISION_SCHEMA: FieldSchema = Object.fromEntries(REVISION_FIELD_NAMES.map((n) => [n, true]));
export const REVISION_LIST_SCHEMA: FieldSchema = { kind: true, nextPageToken: true, revisions: REVISION_SCHEMA };
export const ABOUT_SCHEMA: FieldSchema = {
  kind: true,
  user: true,
  storageQuota: true,
  maxUploadSize: true,
  appInstalled: true,
  canCreateDrives: true,
  importFormats: true,
  exportFormats: true,
  maxImportSizes: true,
  folderColorPalette: true,
  driveThemes: true,
  canCreateTeamDrives: true,
  teamDriveThemes: true,
};

export function userResource(email: string, me: boolean): Record<string, unknown> {
  return {
    kind: 'drive#user',
    displayName: email.split('@')[0] ?? email,
    emailAddress: email,
    me,
    permissionId: Buffer.from(email).toString('hex').slice(0, 20),
  };
}

function extensionOf(name: string): { fileExtension?: string; fullFileExtension?: string } {
  const dot = name.indexOf('.', 1);
  if (dot < 0) return {};
  return { fileExtension: name.slice(name.lastIndexOf('.') + 1), fullFileExtension: name.slice(dot + 1) };
}

/** The full `drive#file` resource as `caller` sees it (before `fields` pruning). */
export function fileResource(store: DriveStore, file: StoredFile, caller: Caller): Record<string, unknown> {
  const folder = isFolderKind(file);
  const head = file.revisions[file.revisions.length - 1];
  const appProperties = file.appProperties.get(caller.clientId) ?? {};
  // A Google Workspace document has no bytes of its own: no md5Checksum, size or headRevisionId, and it
  // uses no quota (https://developers.google.com/workspace/drive/api/reference/rest/v3/files).
  const workspace = isWorkspaceType(file.mimeType);
  const quotaBytesUsed = workspace ? 0 : file.revisions.reduce((n, r) => n + r.content.size, 0);
  const trashed = store.isTrashed(file);
  const out: Record<string, unknown> = {
    kind: 'drive#file',
    id: file.id,
    name: file.name,
    mimeType: file.mimeType,
    starred: file.starred,
    trashed,
    explicitlyTrashed: file.explicitlyTrashed,
    spaces: ['drive'],
    version: String(file.version),
    createdTime: file.createdTime,
    modifiedTime: file.modifiedTime,
    viewedByMe: true,
    modifiedByMe: true,
    ownedByMe: !file.driveId && file.owner === caller.user,
    shared: false,
    isAppAuthorized: file.createdByClient === caller.clientId,
    quotaBytesUsed: String(quotaBytesUsed),
    webViewLink: folder
      ? `https://drive.google.com/drive/folders/${file.id}`
      : `https://drive.google.com/file/d/${file.id}/view?usp=drivesdk`,
    iconLink: `https://drive-thirdparty.googleusercontent.com/16/type/${file.mimeType}`,
    hasThumbnail: false,
    capabilities: {
      canEdit: true,
      canDelete: true,
      canTrash: true,
      canAddChildren: folder,
      canDownload: !folder,
      canRename: true,
    },
  };
  if (file.kind !== 'root' && file.kind !== 'sharedDrive') out.parents = [...file.parents];
  if (Object.keys(appProperties).length) out.appProperties = { ...appProperties };
  if (Object.keys(file.properties).length) out.properties = { ...file.properties };
  if (file.description !== undefined) out.description = file.description;
  if (file.driveId) {
    out.driveId = file.driveId;
    out.teamDriveId = file.driveId;
  } else out.owners = [userResource(file.owner, file.owner === caller.user)];
  if (!folder && head && !workspace) {
    out.md5Checksum = head.content.md5Hex;
    out.size = String(head.content.size);
    out.headRevisionId = head.id;
    out.webContentLink = `https://drive.google.com/uc?id=${file.id}&export=download`;
    Object.assign(out, extensionOf(file.name));
  }
  if (!folder && head?.originalFilename !== undefined) out.originalFilename = head.originalFilename;
  return out;
}

export function revisionResource(revision: StoredRevision): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: 'drive#revision',
    id: revision.id,
    mimeType: revision.mimeType,
    modifiedTime: revision.modifiedTime,
    keepForever: revision.keepForever,
    published: false,
  };
  if (!isWorkspaceType(revision.mimeType)) {
    out.md5Checksum = revision.content.md5Hex;
    out.size = String(revision.content.size);
  }
  if (revision.originalFilename !== undefined) out.originalFilename = revision.originalFilename;
  return out;
}

/** What `listAll` returns for tests: every field that matters, no caller perspective. */
export interface DriveFileView {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
  size?: number;
  md5Checksum?: string;
  /** Private properties of every app, merged (tests rarely use more than one app per file). */
  appProperties: Record<string, string>;
  properties: Record<string, string>;
  description?: string;
  createdTime: string;
  modifiedTime: string;
  revisions: number;
  createdByClient: string;
  owner: string;
  driveId?: string;
}

export function fileView(store: DriveStore, file: StoredFile): DriveFileView {
  const head = file.revisions[file.revisions.length - 1];
  const appProperties: Record<string, string> = {};
  for (const props of file.appProperties.values()) Object.assign(appProperties, props);
  const view: DriveFileView = {
    id: file.id,
    name: file.name,
    mimeType: file.mimeType,
    parents: [...file.parents],
    trashed: store.isTrashed(file),
    appProperties,
    properties: { ...file.properties },
    createdTime: file.createdTime,
    modifiedTime: file.modifiedTime,
    revisions: file.revisions.length,
    createdByClient: file.createdByClient,
    owner: file.owner,
  };
  if (head && !isFolderKind(file) && !isWorkspaceType(file.mimeType)) {
    view.size = head.content.size;
    view.md5Checksum = head.content.md5Hex;
  }
  if (file.description !== undefined) view.description = file.description;
  if (file.driveId) view.driveId = file.driveId;
  return view;
}
