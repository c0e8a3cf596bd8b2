/**
 * Drive v3 revisions endpoints (https://developers.google.com/workspace/drive/api/reference/rest/v3/revisions):
 * list, get (and `alt=media`), update (keepForever: at most `keepForeverRevisions` per file, 200 at
 * Google; a revision kept forever cannot be set back to false, 400 illegalKeepForeverModification, as the
 * Resolve errors guide documents) and delete (how a revision kept forever is let go; the last remaining
 * revision of a file and Google Workspace documents' revisions cannot be deleted).
 */
import { drain, readJson, sendJson, type RequestContext, type Route } from '../harness/http.js';
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
}

const REVISIONS = /^\/drive\/v3\/files\/(?<fileId>[^/]+)\/revisions$/;
const REVISION = /^\/drive\/v3\/files\/(?<fileId>[^/]+)\/revisions\/(?<revisionId>[^/]+)$/;

export function revisionRoutes({ store, caller }: RevisionRouteDeps): Route[] {
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
        const file = fileWithRevisions(ctx, c);
        const body = { kind: 'drive#revisionList', revisions: file.revisions.map(revisionResource) };
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
          return sendContent(ctx, rev);
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
