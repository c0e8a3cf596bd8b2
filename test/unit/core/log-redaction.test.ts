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
