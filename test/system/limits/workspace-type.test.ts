/**
 * Google Workspace MIME types end to end: an object whose contentType is `application/vnd.google-apps.*`
 * is never sent with that Drive mimeType (Drive would convert it into a document without an MD5, which
 * used to fail verification and loop for 24 h): it lands byte-exact as a binary file, at the first
 * delivery, with the original contentType in its appProperties — small (multipart) and large (resumable).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { testBytes } from '../../support/world.js';
import { LimitsHarness } from './support.js';

const MiB = 1024 * 1024;
let h: LimitsHarness;
let url: string;

before(async () => {
  h = await LimitsHarness.start();
  url = await h.instance({ UPLOAD_CHUNK_MIB: '1', MULTIPART_MAX_MIB: '1' });
});
after(() => h?.stop());

const rows: Array<[title: string, name: string, contentType: string, content: Buffer]> = [
  ['a Google Docs type, small', 'docs/notes.gdoc', 'application/vnd.google-apps.document', Buffer.from('{"doc":"not really a doc"}')],
  ['a Google Sheets type, resumable', 'docs/big.gsheet', 'application/vnd.google-apps.spreadsheet', testBytes(2 * MiB + 7, 'sheet')],
  ['the folder type', 'docs/odd-folder', 'application/vnd.google-apps.folder', Buffer.from('bytes, not a folder')],
];

for (const [title, name, contentType, content] of rows) {
  test(`${title}: ${contentType} is kept in appProperties, the bytes land as they are`, async () => {
    const object = await h.write(name, content, contentType);
    assert.equal(object.contentType, contentType);
    assert.deepEqual(await h.deliver(url, object), [204], 'backed up at the first delivery');
    h.assertEachOnce([{ name, content }]);
    const [file] = h.backupsOf(name);
    assert.equal(file.mimeType, 'application/octet-stream', 'never a Workspace type');
    assert.equal(file.appProperties['gdb.contentType'], contentType);
    assert.equal(h.world.emulators.drive.readContent(file.id)?.size, content.length);
  });
}

test('nothing for the operator, nothing failed', () => {
  assert.deepEqual(h.operatorLines(), []);
  assert.deepEqual(
    h.lines('objectOutcome').filter((l) => l.outcome === 'failed'),
    [],
  );
});
