/** `/healthz`'s version: package.json's, read once per instance, from two levels above the module. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { productVersion } from '../../../src/http/version.js';

test('reads package.json once, then answers from memory', () => {
  const paths: string[] = [];
  const read = (path: string) => {
    paths.push(path);
    return JSON.stringify({ name: 'gcs-drive-backup', version: '9.8.7' });
  };
  assert.equal(productVersion(read), '9.8.7');
  assert.equal(productVersion(read), '9.8.7');
  assert.equal(paths.length, 1);
  assert.match(paths[0], /[/\\]package\.json$/);
  assert.doesNotMatch(paths[0], /[/\\]src[/\\]package\.json$/);
});
