/**
 * The Drive side of the folder resolver (folders.ts), each call through the Drive gateway: is a folder
 * there, find a folder this tool made before its state was lost, create a folder with its pre-generated
 * id, and where a folder beside the backup root would go. Drive's refusals come back as they are; the
 * resolver reads them (`driveLimitOf`) and finds the way on.
 */
import { isConflict, isNotFound } from '../../core/error-shapes.js';
import type { CallScope } from '../../core/gateway.js';
import type { DriveGateway } from '../../drive/gateway.js';
import { byAppProperty, childFoldersOf, FOLDER_MIME_TYPE, q } from '../../drive/query.js';

export const FOLDER_KEY_PROPERTY = 'gdb.folder';

export class FolderDrive {
  constructor(private readonly drive: Pick<DriveGateway, 'call'>) {}

  /** The folder is there and not in the trash. */
  usable(id: string, what: string, scope?: CallScope): Promise<boolean> {
    return this.drive.call(
      what,
      async ({ api }) => {
        try {
          const res = await api.files.get({ fileId: id, fields: 'id,trashed', supportsAllDrives: true });
          return res.data.trashed !== true;
        } catch (err) {
          if (isNotFound(err)) return false;
          throw err;
        }
      },
      scope,
    );
  }

  /** A folder under `parentId` carrying `gdb.folder` = `key`, made by this tool before its state was lost. */
  adopt(key: string, parentId: string, scope?: CallScope): Promise<string | undefined> {
    return this.drive.call(
      'files.list (folder to adopt)',
      async ({ api }) => {
        const res = await api.files.list({
          q: q.and(childFoldersOf(parentId), byAppProperty(FOLDER_KEY_PROPERTY, key)),
          fields: 'files(id)',
          pageSize: 10,
          supportsAllDrives: true,
          includeItemsFromAllDrives: true,
        });
        return res.data.files?.[0]?.id ?? undefined;
      },
      scope,
    );
  }

  /** Creates the folder with its pre-generated id; a 409 means it exists already (made by anyone with this id). */
  create(folder: { id: string; name: string; parentId: string; key: string }, scope?: CallScope): Promise<void> {
    return this.drive.call(
      'files.create (folder)',
      async ({ api }) => {
        try {
          await api.files.create({
            requestBody: {
              id: folder.id,
              name: folder.name,
              mimeType: FOLDER_MIME_TYPE,
              parents: [folder.parentId],
              appProperties: { [FOLDER_KEY_PROPERTY]: folder.key },
            },
            fields: 'id',
            supportsAllDrives: true,
          });
        } catch (err) {
          if (!isConflict(err)) throw err; // 409: another instance (or our own lost reply) created it with this very id
        }
      },
      scope,
    );
  }

  /** The backup root's name and the folder it sits in (none for a shared drive, or a parent not shown). */
  rootPlace(rootId: string, scope?: CallScope): Promise<{ name: string; parentId?: string }> {
    return this.drive.call(
      'files.get (root folder parent)',
      async ({ api }) => {
        const res = await api.files.get({ fileId: rootId, fields: 'id,name,parents', supportsAllDrives: true });
        return { name: res.data.name ?? rootId, parentId: res.data.parents?.[0] ?? undefined };
      },
      scope,
    );
  }
}
