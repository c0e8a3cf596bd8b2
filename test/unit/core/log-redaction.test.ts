/** Redaction for log lines: registered secrets (longest first), credential-like keys, inline token patterns. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRedactor, REDACTED } from '../../../src/core/log-redaction.js';

const describeError = (err: Error) => ({ name: err.name, message: err.message });

describe('createRedactor', () => {
  test('a secret containing another goes whole', () => {
    const r = createRedactor(describeError);
    r.registerSecret('secret-one');
    r.registerSecret('secret-one-longer');
    assert.equal(r.redactString('secret-one-longer / secret-one'), `${REDACTED} / ${REDACTED}`);
  });

  test('short values are not secrets', () => {
    const r = createRedactor(describeError);
    r.registerSecret('abc');
    assert.equal(r.redactString('abc'), 'abc');
  });

  test('a secret is found as JSON escapes it', () => {
    const r = createRedactor(describeError);
    r.registerSecret('quote"secret');
    assert.equal(r.redactString.inJson(JSON.stringify({ x: 'a quote"secret b' })), `{"x":"a ${REDACTED} b"}`);
  });

  const rows: [name: string, value: unknown, expected: unknown][] = [
    [
      'a credential-like key',
      { refresh_token: 'x', accessToken: 'y', other: 'z' },
      { refresh_token: REDACTED, accessToken: REDACTED, other: 'z' },
    ],
    ['an empty credential stays empty', { token: '' }, { token: '' }],
    ['a bearer token in text', 'Authorization: Bearer abc.def', `Authorization: Bearer ${REDACTED}`],
    ['a query parameter', 'https://x/?access_token=abc&y=1', `https://x/?access_token=${REDACTED}&y=1`],
    ['a Buffer', Buffer.from('hello'), '<5 bytes>'],
    ['an Error', new Error('boom'), { name: 'Error', message: 'boom' }],
    ['a bigint', 10n, '10'],
  ];
  for (const [name, value, expected] of rows) {
    test(name, () => assert.deepEqual(createRedactor(describeError).sanitize(value), expected));
  }

  test('a cycle is cut', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    assert.deepEqual(createRedactor(describeError).sanitize(a), { name: 'a', self: '[Circular]' });
  });
});

describe('names are data, not credentials', () => {
  // [title, text, the line's own names, expected]
  const rows: [title: string, text: string, verbatim: string[], expected: string][] = [
    [
      'token= inside an object name, with its #generation',
      'uploaded gs://b/reports/token=abc123456789.txt#1700000000000001 (5 ms)',
      ['reports/token=abc123456789.txt'],
      'uploaded gs://b/reports/token=abc123456789.txt#1700000000000001 (5 ms)',
    ],
    [
      'a Google token shape as a name',
      'uploaded gs://b/ya29.notatoken-really.txt#2',
      ['ya29.notatoken-really.txt'],
      'uploaded gs://b/ya29.notatoken-really.txt#2',
    ],
    ['Bearer in a name', 'gs://b/Bearer abcdef.txt#3', ['Bearer abcdef.txt'], 'gs://b/Bearer abcdef.txt#3'],
    [
      'a credential next to a name is still redacted',
      'failed gs://b/token=abc.txt#4: PUT https://x/?access_token=ya29.realtoken failed',
      ['token=abc.txt'],
      `failed gs://b/token=abc.txt#4: PUT https://x/?access_token=${REDACTED} failed`,
    ],
    ['a short name protects nothing', 'a: Authorization: Bearer abc.def', ['a'], `a: Authorization: Bearer ${REDACTED}`],
    ['without names, the patterns apply', 'got ya29.a0AfB_byC-xyz', [], `got ${REDACTED}`],
  ];
  for (const [title, text, verbatim, expected] of rows) {
    test(title, () => assert.equal(createRedactor(describeError).redactString(text, verbatim), expected));
  }

  test('a registered secret is redacted even inside a name', () => {
    const r = createRedactor(describeError);
    r.registerSecret('1//0realRefreshToken');
    assert.equal(r.redactString('gs://b/1//0realRefreshToken.txt', ['1//0realRefreshToken.txt']), `gs://b/${REDACTED}.txt`);
  });

  test('sanitize keeps name fields and redacts credential keys', () => {
    const r = createRedactor(describeError);
    const fields = { name: 'reports/token=abc123456789.txt', error: { message: 'token=abc123456789.txt&x Bearer zzzzzz' }, token: 'x' };
    assert.deepEqual(r.sanitize(fields, ['reports/token=abc123456789.txt']), {
      name: 'reports/token=abc123456789.txt',
      error: { message: `token=${REDACTED}&x Bearer ${REDACTED}` },
      token: REDACTED,
    });
  });
});
