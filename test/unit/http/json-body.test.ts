/** Table-driven tests of reading a JSON body from what functions-framework hands the function. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readJsonBody, type RequestBodyParts } from '../../../src/http/json-body.js';

describe('readJsonBody', () => {
  const rows: [title: string, parts: RequestBodyParts, expected: { value: unknown } | RegExp][] = [
    ['raw JSON object', { rawBody: Buffer.from('{"a":1}'), body: { a: 1 } }, { value: { a: 1 } }],
    ['raw JSON with text/plain (body is a string)', { rawBody: Buffer.from('{"a":2}'), body: '{"a":2}' }, { value: { a: 2 } }],
    ['octet-stream (body is a Buffer)', { body: Buffer.from('{"a":3}') }, { value: { a: 3 } }],
    ['empty raw body is {}', { rawBody: Buffer.alloc(0), body: {} }, { value: {} }],
    ['whitespace is {}', { rawBody: Buffer.from('  \n') }, { value: {} }],
    ['no body at all is {}', {}, { value: {} }],
    ['already parsed, no raw bytes', { body: { b: true } }, { value: { b: true } }],
    ['a JSON array is returned as is (validation rejects it)', { rawBody: Buffer.from('[1]') }, { value: [1] }],
    ['malformed', { rawBody: Buffer.from('{bad') }, /^body is not valid JSON: /],
    ['truncated', { body: '{"a":' }, /^body is not valid JSON: /],
  ];
  for (const [title, parts, expected] of rows) {
    test(title, () => {
      const parsed = readJsonBody(parts);
      if (expected instanceof RegExp) {
        assert.equal(parsed.ok, false);
        assert.match((parsed as { problems: string[] }).problems[0], expected);
      } else assert.deepEqual(parsed, { ok: true, value: expected.value });
    });
  }
});
