/**
 * Drive v3 metadata endpoints: about.get, files.generateIds / list / create (metadata only) / get
 * (and `alt=media` download with Range) / update (metadata) / delete / emptyTrash, and the revisions
 * routes (routes-revisions.ts). Route names follow `drive.<resource>.<verb>`.
 */
import { drain, readJson, sendJson, type RequestContext, type Route } from '../harness/http.js';
import type { OAuthEmulator } from '../oauth/index.js';
import { authenticate } from './auth.js';
import type { DownloadGate } from './download-gate.js';
import { DriveError, invalidParameter } from './errors.js';
import { createFile, deleteFile, metadataObject, updateFile, writeParamsOf } from './file-ops.js';
import { notDownloadable, sendContent } from './media.js';
import { decodePageToken, ListParameterError, pageOf, parseOrderBy, type SortableFile } from './list-order.js';
import { DriveQuerySyntaxError, matchesDriveQuery, parseDriveQuery, type DriveQuery } from './query.js';
import { checkSelector, selectOrThrow, type FileReplies } from './replies.js';
import { ABOUT_SCHEMA, DEFAULT_LIST_FIELDS, FILE_LIST_SCHEMA, fileResource, userResource } from './resource.js';
import type { DriveQuotas } from './quotas.js';
import { revisionRoutes } from './routes-revisions.js';
import { isFolderKind, type Caller, type DriveStore, type StoredFile } from './store.js';

export interface FileRouteDeps {
  store: DriveStore;
  quotas: DriveQuotas;
  oauth: Pick<OAuthEmulator, 'verifyAccessToken'>;
  replies: FileReplies;
  downloads: DownloadGate;
}

const FILE_PATH = /^\/drive\/v3\/files\/(?<fileId>[^/]+)$/;
const isDownload = (url: URL) => url.searchParams.get('alt') === 'media';

function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw invalidParameter(name, `Invalid value '${raw}'. Values must be within the range: [${min}, ${max}]`);
  }
  return n;
}

function listError(err: unknown): unknown {
  if (err instanceof ListParameterError) return invalidParameter(err.parameter, err.message);
  if (err instanceof DriveQuerySyntaxError) return invalidParameter('q', 'Invalid Value');
  return err;
}

export function createFileRoutes(deps: FileRouteDeps): Route[] {
  const { store, quotas, oauth, replies, downloads } = deps;

  function caller(ctx: RequestContext, access: 'read' | 'write'): Caller {
    const c = authenticate(oauth, ctx.req);
    store.requireScope(c, access);
    return c;
  }

  function queryableOf(file: StoredFile, c: Caller, rootId: string) {
    const parents = file.parents.includes(rootId) ? [...file.parents, 'root'] : file.parents;
    return {
      name: file.name,
      mimeType: file.mimeType,
      parents,
      trashed: store.isTrashed(file),
      starred: file.starred,
      appProperties: file.appProperties.get(c.clientId) ?? {},
      properties: file.properties,
      createdTime: file.createdTime,
      modifiedTime: file.modifiedTime,
    };
  }

  async function list(ctx: RequestContext): Promise<void> {
    const c = caller(ctx, 'read');
    const q = ctx.query;
    checkSelector(q.get('fields'), FILE_LIST_SCHEMA);
    const pageSize = intParam(q, 'pageSize', 100, 1, 1000);
    let query: DriveQuery | undefined;
    let order;
    let after;
    try {
      const text = q.get('q');
      query = text && text.trim() ? parseDriveQuery(text) : undefined;
      order = parseOrderBy(q.get('orderBy'));
      const token = q.get('pageToken');
      after = token ? decodePageToken(token, order) : undefined;
    } catch (err) {
      throw listError(err);
    }
    const corpora = q.get('corpora') ?? 'user';
    const driveId = q.get('driveId') ?? q.get('teamDriveId');
    const allDrives =
      (q.get('includeItemsFromAllDrives') ?? q.get('includeTeamDriveItems')) === 'true' && writeParamsOf(q).supportsAllDrives;
    if ((corpora === 'drive') !== !!driveId) {
      throw invalidParameter('corpora', 'The driveId parameter must be specified if and only if corpora is set to drive.');
    }
    if (driveId && !store.isSharedDriveMember(driveId, c.user)) {
      throw new DriveError(404, `Shared drive not found: ${driveId}`, 'notFound', { location: 'driveId', locationType: 'parameter' });
    }
    // A corpora=allDrives search may be incomplete ("all corpora couldn't be searched",
    // https://developers.google.com/workspace/drive/api/reference/rest/v3/files/list): with the limit
    // `incompleteSearch: 'allDrives'` it says so and leaves the shared drives' items out.
    const incomplete = corpora === 'allDrives' && store.rules.get().incompleteSearch === 'allDrives';
    const spaces = (q.get('spaces') ?? 'drive').split(',').map((s) => s.trim());
    const rootId = store.rootFolderId(c.user);
    const lagMs = store.limits.listLagMs;
    const now = Date.now();
    const matches: Array<SortableFile & { file: StoredFile }> = [];
    if (spaces.includes('drive')) {
      for (const file of store.files.values()) {
        if (file.kind === 'root' || file.kind === 'sharedDrive') continue;
        if (now - file.createdAtMs < lagMs) continue;
        if (!store.canSee(c, file)) continue;
        if (file.driveId) {
          if (!allDrives || incomplete || (corpora === 'drive' && file.driveId !== driveId) || corpora === 'user') continue;
        } else if (corpora === 'drive') continue;
        if (query && !matchesDriveQuery(query, queryableOf(file, c, rootId))) continue;
        matches.push({
          file,
          id: file.id,
          name: file.name,
          isFolder: isFolderKind(file),
          createdTime: file.createdTime,
          modifiedTime: file.modifiedTime,
          starred: file.starred,
          quotaBytesUsed: file.revisions.reduce((n, r) => n + r.content.size, 0),
        });
      }
    }
    const page = pageOf(matches, order, pageSize, after);
    const body: Record<string, unknown> = {
      kind: 'drive#fileList',
      incompleteSearch: incomplete,
      files: page.items.map((item) => fileResource(store, item.file, c)),
    };
    if (page.nextPageToken) body.nextPageToken = page.nextPageToken;
    sendJson(ctx.res, 200, selectOrThrow(body, q.get('fields'), DEFAULT_LIST_FIELDS, FILE_LIST_SCHEMA));
  }

  return [
    {
      method: 'GET',
      path: /^\/drive\/v3\/about$/,
      name: 'drive.about.get',
      handle: (ctx) => {
        const c = caller(ctx, 'read');
        const fields = ctx.query.get('fields');
        if (!fields) {
          throw new DriveError(400, "The 'fields' parameter is required for this method.", 'required', {
            location: 'fields',
            locationType: 'parameter',
          });
        }
        const usage = quotas.usage(c.user);
        const storageQuota: Record<string, string> = {
          usage: String(usage.total),
          usageInDrive: String(usage.total),
          usageInDriveTrash: String(usage.trash),
        };
        if (store.limits.storageQuotaBytes !== undefined) storageQuota.limit = String(store.limits.storageQuotaBytes);
        const about = {
          kind: 'drive#about',
          user: userResource(c.user, true),
          storageQuota,
          maxUploadSize: String(5 * 1024 ** 4),
          appInstalled: false,
          canCreateDrives: true,
        };
        sendJson(ctx.res, 200, selectOrThrow(about, fields, 'kind', ABOUT_SCHEMA));
      },
    },
    {
      method: 'GET',
      path: /^\/drive\/v3\/files\/generateIds$/,
      name: 'drive.files.generateIds',
      handle: (ctx) => {
        const c = caller(ctx, 'write');
        const count = intParam(ctx.query, 'count', 10, 1, 1000);
        const space = ctx.query.get('space') ?? 'drive';
        if (space !== 'drive' && space !== 'appDataFolder') throw invalidParameter('space');
        const type = ctx.query.get('type') ?? 'files';
        if (type !== 'files' && type !== 'shortcuts') throw invalidParameter('type');
        sendJson(ctx.res, 200, { kind: 'drive#generatedIds', space, ids: store.ids.generate(count, c.user) });
      },
    },
    {
      method: 'DELETE',
      path: /^\/drive\/v3\/files\/trash$/,
      name: 'drive.files.emptyTrash',
      handle: async (ctx) => {
        const c = caller(ctx, 'write');
        await drain(ctx.body);
        const driveId = ctx.query.get('driveId');
        for (const file of [...store.files.values()]) {
          if (!store.files.has(file.id) || !file.explicitlyTrashed || !store.canSee(c, file, 'write')) continue;
          if ((file.driveId ?? null) !== driveId) continue;
          store.deleteTree(file);
        }
        ctx.res.writeHead(204).end();
      },
    },
    { method: 'GET', path: /^\/drive\/v3\/files$/, name: 'drive.files.list', handle: list },
    {
      method: 'POST',
      path: /^\/drive\/v3\/files$/,
      name: 'drive.files.create',
      handle: async (ctx) => {
        const c = caller(ctx, 'write');
        quotas.chargeCreate(c.user);
        replies.checkFileFields(ctx.query.get('fields'));
        const md = metadataObject(await readJson(ctx.body));
        const file = createFile(store, c, md, writeParamsOf(ctx.query));
        replies.sendFile(ctx, file, c, ctx.query.get('fields'));
      },
    },
    {
      method: 'GET',
      path: FILE_PATH,
      name: 'drive.files.download',
      when: isDownload,
      handle: async (ctx) => {
        const c = caller(ctx, 'read');
        const file = store.find(c, ctx.params.fileId!, writeParamsOf(ctx.query));
        const head = file.revisions[file.revisions.length - 1];
        if (isFolderKind(file) || !head || file.mimeType.startsWith('application/vnd.google-apps.')) throw notDownloadable();
        downloads.admit(file, ctx.query);
        await sendContent(ctx, head, (bytes) => downloads.count(file.id, bytes));
      },
    },
    {
      method: 'GET',
      path: FILE_PATH,
      name: 'drive.files.get',
      handle: (ctx) => {
        const c = caller(ctx, 'read');
        replies.checkFileFields(ctx.query.get('fields'));
        const file = store.find(c, ctx.params.fileId!, writeParamsOf(ctx.query));
        replies.sendFile(ctx, file, c, ctx.query.get('fields'));
      },
    },
    {
      method: 'PATCH',
      path: FILE_PATH,
      name: 'drive.files.update',
      handle: async (ctx) => {
        const c = caller(ctx, 'write');
        replies.checkFileFields(ctx.query.get('fields'));
        const md = metadataObject(await readJson(ctx.body));
        const file = updateFile(store, c, ctx.params.fileId!, md, writeParamsOf(ctx.query));
        replies.sendFile(ctx, file, c, ctx.query.get('fields'));
      },
    },
    {
      method: 'DELETE',
      path: FILE_PATH,
      name: 'drive.files.delete',
      handle: async (ctx) => {
        const c = caller(ctx, 'write');
        await drain(ctx.body);
        deleteFile(store, c, ctx.params.fileId!, writeParamsOf(ctx.query));
        ctx.res.writeHead(204).end();
      },
    },
    ...revisionRoutes({ store, caller, downloads }),
  ];
}
