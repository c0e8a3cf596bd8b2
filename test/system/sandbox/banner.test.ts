/** sandbox/banner.ts: the banner's lines, read back by parseBannerVariables; the upload command. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBannerVariables, renderBanner, uploadCommand } from '../../../sandbox/banner.js';

test('the NAME=value lines round-trip; the page URL and Ctrl-C are there', () => {
  const variables = { STORAGE_EMULATOR_HOST: 'http://127.0.0.1:1', DRIVE_FOLDER_ID: 'abc', TOKEN_SECRET: 'projects/p/secrets/s' };
  const text = renderBanner({ pageUrl: 'http://127.0.0.1:8080/', uploadCommand: 'curl x', variables });
  assert.deepEqual(parseBannerVariables(text), variables);
  assert.match(text, /see the result: +http:\/\/127\.0\.0\.1:8080\//);
  assert.match(text, /stop: +Ctrl-C/);
  assert.match(text, /--data-dir \.sandbox/);
  assert.match(renderBanner({ pageUrl: 'u', uploadCommand: 'c', variables: {}, dataDir: '/d' }), /state kept in: +\/d/);
});

test('uploadCommand names the bucket and object, URL-encoded', () => {
  assert.equal(
    uploadCommand('http://127.0.0.1:9', 'sandbox-bucket', 'a.txt', 'dir/a b.txt'),
    `curl -X POST --data-binary @a.txt -H 'content-type: text/plain' 'http://127.0.0.1:9/upload/storage/v1/b/sandbox-bucket/o?uploadType=media&name=dir%2Fa%20b.txt'`,
  );
});
