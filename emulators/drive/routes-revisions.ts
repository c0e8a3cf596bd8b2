/**
 * Drive v3 revisions endpoints (https://developers.google.com/workspace/drive/api/reference/rest/v3/revisions):
 * list (pages of `pageSize`: "If unspecified, at most 200 revisions will be returned. The maximum value is
 * 1000; values above 1000 will be coerced to 1000", revisions.list reference; below 1 is refused here, a
 * guess), get (and `alt=media`, with `Range` and `acknowledgeAbuse`, media.ts and download-gate.ts), update (keepForever: at most `keepForeverRevisions` per file, 200 at
 * Google; a revision kept forever cannot be set back to false, 400 illegalKeepForeverModification, as the
 * Resolve errors guide documents) and delete (how a revision kept forever is let go; the last remaining
 * revision of a file and Google Workspace documents' revisions cannot be deleted).
 */
import { drain, readJson, sendJson, type RequestContext, type Route } from '../harness/http.js';
import type { DownloadGate } from './download-gate.js';
import { badRequest, DriveError, invalidParameter } from './errors.js';
import { metadataObject } from './file-ops.js';
import { illegalKeepForeverModification } from './limits.js';
import { notDownloadable, sendContent } from './media.js';
import { checkSelector, selectOrThrow } from './replies.js';
import {
  DEFAULT_REVISION_FIELDS,
  DEFAULT_REVISION_LIST_FIELDS,
  REVISION_LIST_SCHEMA,
  REVISION_SCHEMA,
  revisionResource,
} from './resource.js';
import { isFolderKind, isWorkspaceType, type Caller, type DriveStore, type StoredFile, type StoredRevision } from './store.js';
import { checkKeepForever } from './structure.js';

export interface RevisionRouteDeps {
  store: DriveStore;
  caller: (ctx: RequestContext, access: 'read' | 'write') => Caller;
  downloads: DownloadGate;
}

const DEFAULT_PAGE_SIZE = 200;
const MAX_PAGE_SIZE = 1000;

function pageSizeOf(query: URLSearchParams): number {
  const raw = query.get('pageSize');
  if (raw === null || raw === '') return DEFAULT_PAGE_SIZE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw invalidParameter('pageSize', `Invalid value '${raw}'. Values must be within the range: [1, ${MAX_PAGE_SIZE}]`);
  return Math.min(n, MAX_PAGE_SIZE);
}

/** Page tokens carry the offset of the next revision (the file's list may change between pages, as Google warns). */
function offsetOf(query: URLSearchParams): number {
  const token = query.get('pageToken');
  if (!token) return 0;
  const m = /^rev:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  if (!m) throw invalidParameter('pageToken', 'Invalid Value');
  return Number(m[1]);
}

const REVISIONS = /^\/drive\/v3\/files\/(?<fileId>[^/]+)\/revisions$/;
const REVISION = /^\/drive\/v3\/files\/(?<fileId>[^/]+)\/revisions\/(?<revisionId>[^/]+)$/;

export function revisionRoutes({ store, caller, downloads }: RevisionRouteDeps): Route[] {
  function revisionOf(file: StoredFile, revisionId: string): StoredRevision {
    const rev = revisionId === 'head' ? file.revisions[file.revisions.length - 1] : file.revisions.find((r) => r.id === revisionId);
    if (!rev)
      throw new DriveError(404, `Revision not found: ${revisionId}.`, 'notFound', { location: 'revisionId', locationType: 'parameter' });
    return rev;
  }

  function fileWithRevisions(ctx: RequestContext, c: Caller, access: 'read' | 'write' = 'read'): StoredFile {
    const file = store.find(c, ctx.params.fileId!, { supportsAllDrives: true, access });
    if (isFolderKind(file)) throw new DriveError(403, 'The file does not support revisions.', 'revisionsNotSupported');
    return file;
  }

  const reply = (ctx: RequestContext, rev: StoredRevision) =>
    sendJson(ctx.res, 200, selectOrThrow(revisionResource(rev), ctx.query.get('fields'), DEFAULT_REVISION_FIELDS, REVISION_SCHEMA));

  return [
    {
      method: 'GET',
      path: REVISIONS,
      name: 'drive.revisions.list',
      handle: (ctx) => {
        const c = caller(ctx, 'read');
        checkSelector(ctx.query.get('fields'), REVISION_LIST_SCHEMA);
        const size = pageSizeOf(ctx.query);
        const offset = offsetOf(ctx.query);
        const file = fileWithRevisions(ctx, c);
        const page = file.revisions.slice(offset, offset + size);
        const body: Record<string, unknown> = { kind: 'drive#revisionList', revisions: page.map(revisionResource) };
        if (offset + size < file.revisions.length) body.nextPageToken = Buffer.from(`rev:${offset + size}`).toString('base64url');
        sendJson(ctx.res, 200, selectOrThrow(body, ctx.query.get('fields'), DEFAULT_REVISION_LIST_FIELDS, REVISION_LIST_SCHEMA));
      },
    },
    {
      method: 'GET',
      path: REVISION,
      name: 'drive.revisions.get',
      handle: async (ctx) => {
        const c = caller(ctx, 'read');
        const file = fileWithRevisions(ctx, c);
        const rev = revisionOf(file, ctx.params.revisionId!);
        if (ctx.url.searchParams.get('alt') === 'media') {
          if (isWorkspaceType(file.mimeType)) throw notDownloadable();
          downloads.admit(file, ctx.query);
          return sendContent(ctx, rev, (bytes) => downloads.count(file.id, bytes));
        }
        reply(ctx, rev);
      },
    },
    {
      method: 'PATCH',
      path: REVISION,
      name: 'drive.revisions.update',
      handle: async (ctx) => {
        const c = caller(ctx, 'write');
        const body = metadataObject(await readJson(ctx.body));
        const file = fileWithRevisions(ctx, c, 'write');
        const rev = revisionOf(file, ctx.params.revisionId!);
        if (body.keepForever !== undefined) {
          if (typeof body.keepForever !== 'boolean') throw invalidParameter('keepForever');
          if (rev.keepForever && !body.keepForever) throw illegalKeepForeverModification();
          if (!rev.keepForever && body.keepForever) {
            if (isWorkspaceType(file.mimeType)) throw badRequest('keepForever can only be set on files with binary content in Drive.');
            checkKeepForever(store, file);
          }
          rev.keepForever = body.keepForever;
        }
        reply(ctx, rev);
      },
    },
    {
      method: 'DELETE',
      path: REVISION,
      name: 'drive.revisions.delete',
      handle: async (ctx) => {
        const c = caller(ctx, 'write');
        await drain(ctx.body);
        const file = fileWithRevisions(ctx, c, 'write');
        const rev = revisionOf(file, ctx.params.revisionId!);
        if (isWorkspaceType(file.mimeType)) throw badRequest('Revisions of Google Docs Editors files cannot be deleted.');
        if (file.revisions.length === 1) throw badRequest('The last remaining revision of a file cannot be deleted.');
        file.revisions = file.revisions.filter((r) => r !== rev);
        file.version++;
        ctx.res.writeHead(204).end();
      },
    },
  ];
}
