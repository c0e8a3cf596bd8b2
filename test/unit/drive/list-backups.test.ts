/**
 * The paged listing of a bucket's backups (list-backups.ts) against a fake `files.list`: every page is
 * followed through its token with the same query, the corpus decides the search's scope, and a page
 * Drive marks incomplete is thrown as the caller's error instead of being used.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { drive_v3 } from '@googleapis/drive';
import type { Retry } from '../../../src/core/gateway.js';
import type { DriveClient } from '../../../src/drive/gateway.js';
import { listBackupFiles, type BackupCorpus, type BackupListing } from '../../../src/drive/list-backups.js';

type Page = { files: { id: string }[]; nextPageToken?: string; incompleteSearch?: boolean };

/** A Drive whose `files.list` answers `pages` in turn, keyed by page token; every request's params kept. */
function fakeDrive(pages: Record<string, Page>) {
  const requests: Record<string, unknown>[] = [];
  const api = {
    files: {
      list: async (params: Record<string, unknown> & { pageToken?: string }) => {
        requests.push(params);
        return { data: pages[params.pageToken ?? ''] };
      },
    },
  } as unknown as drive_v3.Drive;
  const calls: string[] = [];
  const drive: Retry<DriveClient> = (what, operation) => {
    calls.push(what);
    return operation({ api } as DriveClient, 1);
  };
  return { drive, requests, calls };
}

const listing = (corpus: BackupCorpus): BackupListing => ({
  what: 'list backups',
  query: "appProperties has { key='gdb.bucket' and value='b' }",
  fileFields: 'id',
  pageSize: 2,
  corpus,
  incomplete: () => new Error('incomplete'),
});

async function all(files: AsyncIterable<drive_v3.Schema$File>): Promise<string[]> {
  const ids: string[] = [];
  for await (const file of files) ids.push(String(file.id));
  return ids;
}

describe('listBackupFiles', () => {
  test('every page, followed by its token, with the same query, in the user corpus', async () => {
    const w = fakeDrive({ '': { files: [{ id: 'a' }, { id: 'b' }], nextPageToken: 't2' }, t2: { files: [{ id: 'c' }] } });
    assert.deepEqual(await all(listBackupFiles(w.drive, listing({ corpora: 'user' }))), ['a', 'b', 'c']);
    assert.deepEqual(w.calls, ['list backups', 'list backups']);
    const common = {
      q: "appProperties has { key='gdb.bucket' and value='b' }",
      fields: 'nextPageToken,incompleteSearch,files(id)',
      pageSize: 2,
      corpora: 'user',
      supportsAllDrives: true,
      spaces: 'drive',
    };
    assert.deepEqual(w.requests, [common, { ...common, pageToken: 't2' }]);
  });

  test('a shared drive: that drive only, its items included', async () => {
    const w = fakeDrive({ '': { files: [{ id: 'a' }] } });
    await all(listBackupFiles(w.drive, listing({ corpora: 'drive', driveId: 'd' })));
    const [request] = w.requests;
    assert.deepEqual([request?.corpora, request?.driveId, request?.includeItemsFromAllDrives], ['drive', 'd', true]);
  });

  test('an incomplete page is thrown as the caller error, its files never used', async () => {
    const w = fakeDrive({ '': { files: [{ id: 'a' }], nextPageToken: 't2' }, t2: { files: [{ id: 'b' }], incompleteSearch: true } });
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const file of listBackupFiles(w.drive, listing({ corpora: 'user' }))) seen.push(String(file.id));
    }, /incomplete/);
    assert.deepEqual(seen, ['a']);
  });
});
