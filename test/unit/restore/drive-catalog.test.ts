/**
 * An older Drive revision as a catalog generation (`olderGeneration`, pure): what Drive keeps of it, the
 * MD5 turned from Drive's hex into Cloud Storage's base64.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { olderGeneration } from '../../../src/restore/drive-catalog.js';

test('olderGeneration: name from the file, generation from originalFilename, the rest from the revision', () => {
  const file = { bucket: 'b', name: 'a/x.txt', id: 'F' };
  const revision = {
    id: 'R1',
    modifiedTime: '2026-12-01T10:00:00.000Z',
    size: '11',
    md5Checksum: '5eb63bbbe01eeed093cb22bb8f5acdc3',
    mimeType: 'text/plain',
    originalFilename: 'gdb.generation=17',
  };
  assert.deepEqual(olderGeneration(file, '17', revision), {
    bucket: 'b',
    name: 'a/x.txt',
    generation: '17',
    timeCreated: '2026-12-01T10:00:00.000Z',
    size: '11',
    md5Hash: 'XrY7u+Ae7tCTyyK7j1rNww==',
    contentType: 'text/plain',
    driveFileId: 'F',
    driveRevisionId: 'R1',
  });
  assert.deepEqual(olderGeneration(file, '17', { id: 'R1' }), {
    bucket: 'b',
    name: 'a/x.txt',
    generation: '17',
    timeCreated: '',
    size: '0',
    driveFileId: 'F',
    driveRevisionId: 'R1',
  });
});
