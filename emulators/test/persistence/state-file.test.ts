/** The envelope of `state.json`: composed text parses back; damaged or foreign files are refused clearly. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { composeStateFile, parseStateFile, STATE_FORMAT } from '../../persistence/state-file.js';

const ID = 'a'.repeat(64);

describe('state.json envelope', () => {
  test('compose → parse round trip', () => {
    const text = composeStateFile([ID, ID.replace(/a/g, 'b')], JSON.stringify({ gcs: { x: 1 }, oauth: [] }));
    assert.deepEqual(parseStateFile(text), { blobs: [ID, 'b'.repeat(64)], parts: { gcs: { x: 1 }, oauth: [] } });
    assert.equal(JSON.parse(text).format, STATE_FORMAT);
  });

  const refused: Array<[string, string, RegExp]> = [
    ['not JSON', '{"format":1,', /not valid JSON/],
    ['an array', '[]', /not a JSON object/],
    ['null', 'null', /not a JSON object/],
    ['another format', JSON.stringify({ format: 2, blobs: [], parts: {} }), /format 2; this emulator reads format 1/],
    ['no format', JSON.stringify({ blobs: [], parts: {} }), /format undefined/],
    ['blobs not an array', JSON.stringify({ format: 1, blobs: {}, parts: {} }), /"blobs" must be an array/],
    ['a blob id not hex sha256', JSON.stringify({ format: 1, blobs: ['../etc/passwd'], parts: {} }), /"blobs" must be an array/],
    ['an uppercase blob id', JSON.stringify({ format: 1, blobs: [ID.toUpperCase()], parts: {} }), /"blobs" must be an array/],
    ['parts missing', JSON.stringify({ format: 1, blobs: [] }), /"parts" must be an object/],
    ['parts an array', JSON.stringify({ format: 1, blobs: [], parts: [] }), /"parts" must be an object/],
  ];
  for (const [what, text, message] of refused) {
    test(`refuses ${what}`, () => {
      assert.throws(() => parseStateFile(text), message);
    });
  }
});
