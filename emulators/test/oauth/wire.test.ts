/** Table tests of the OAuth emulator's pure parts: body and Basic-auth parsing, PKCE, loopback redirects. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clientCredentials,
  isLoopbackRedirectUri,
  parseBasicAuth,
  parseParams,
  parsePkceMethod,
  parseScopes,
  s256Challenge,
  verifyPkce,
  withQuery,
} from '../../oauth/wire.js';

const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

describe('parseParams', () => {
  const cases: Array<[string, string, string | undefined, Record<string, string>]> = [
    [
      'form',
      'grant_type=refresh_token&refresh_token=1%2F%2Fabc',
      'application/x-www-form-urlencoded',
      { grant_type: 'refresh_token', refresh_token: '1//abc' },
    ],
    ['form without content-type', 'a=1&b=x+y', undefined, { a: '1', b: 'x y' }],
    ['json', '{"grant_type":"refresh_token","n":3,"o":{}}', 'application/json; charset=utf-8', { grant_type: 'refresh_token', n: '3' }],
    ['bad json', '{', 'application/json', {}],
    ['empty', '', 'application/x-www-form-urlencoded', {}],
  ];
  for (const [name, body, type, expected] of cases) {
    test(name, () => assert.deepEqual(parseParams(Buffer.from(body), type), expected));
  }
});

describe('parseBasicAuth / clientCredentials', () => {
  const cases: Array<[string, string | undefined, ReturnType<typeof parseBasicAuth>]> = [
    ['absent', undefined, undefined],
    ['bearer is not basic', 'Bearer abc', undefined],
    ['plain', basic('id.apps:secret'), { clientId: 'id.apps', clientSecret: 'secret' }],
    ['form-encoded parts', basic('a%3Ab:s+e%2Bc'), { clientId: 'a:b', clientSecret: 's e+c' }],
    ['colon in secret', basic('id:se:cret'), { clientId: 'id', clientSecret: 'se:cret' }],
    ['no colon', basic('idonly'), null],
    ['empty id', basic(':secret'), null],
    ['bad escape', basic('%zz:s'), null],
  ];
  for (const [name, header, expected] of cases) test(name, () => assert.deepEqual(parseBasicAuth(header), expected));

  test('Basic wins over body parameters; body used otherwise', () => {
    assert.deepEqual(clientCredentials(basic('h:hs'), { client_id: 'b', client_secret: 'bs' }), { clientId: 'h', clientSecret: 'hs' });
    assert.deepEqual(clientCredentials(undefined, { client_id: 'b', client_secret: 'bs' }), { clientId: 'b', clientSecret: 'bs' });
    assert.deepEqual(clientCredentials(undefined, { client_id: 'b' }), { clientId: 'b', clientSecret: undefined });
    assert.equal(clientCredentials(undefined, {}), undefined);
  });
});

describe('PKCE', () => {
  // RFC 7636 appendix B.
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

  test('S256 of the RFC example', () => assert.equal(s256Challenge(verifier), challenge));

  const cases: Array<[string, string, 'S256' | 'plain', string | undefined, ReturnType<typeof verifyPkce>]> = [
    ['S256 ok', challenge, 'S256', verifier, 'ok'],
    ['S256 wrong verifier', challenge, 'S256', `${verifier.slice(0, -1)}Y`, 'invalid'],
    ['plain ok', verifier, 'plain', verifier, 'ok'],
    ['plain mismatch', verifier, 'plain', `${verifier}a`, 'invalid'],
    ['missing', challenge, 'S256', undefined, 'missing'],
    ['empty', challenge, 'S256', '', 'missing'],
    ['too short', 'abc', 'plain', 'abc', 'invalid'],
    ['bad characters', `${verifier}!`, 'plain', `${verifier}!`, 'invalid'],
    ['too long', 'a'.repeat(129), 'plain', 'a'.repeat(129), 'invalid'],
  ];
  for (const [name, c, method, v, expected] of cases) test(name, () => assert.equal(verifyPkce(c, method, v), expected));

  test('method parsing: absent → plain, unknown → undefined', () => {
    assert.equal(parsePkceMethod(null), 'plain');
    assert.equal(parsePkceMethod('S256'), 'S256');
    assert.equal(parsePkceMethod('plain'), 'plain');
    assert.equal(parsePkceMethod('s256'), undefined);
  });
});

describe('isLoopbackRedirectUri', () => {
  const cases: Array<[string | undefined, boolean]> = [
    ['http://127.0.0.1:8080/cb', true],
    ['http://localhost:53682/', true],
    ['http://127.0.0.1/cb?x=1', true],
    ['http://[::1]:9000/cb', true],
    ['https://127.0.0.1:8080/cb', false],
    ['http://127.0.0.2:8080/cb', false],
    ['http://example.com/cb', false],
    ['http://localhost.evil.com/cb', false],
    ['http://127.0.0.1:8080/cb#frag', false],
    ['urn:ietf:wg:oauth:2.0:oob', false],
    ['not a url', false],
    [undefined, false],
  ];
  for (const [uri, expected] of cases) test(String(uri), () => assert.equal(isLoopbackRedirectUri(uri), expected));
});

test('withQuery appends and keeps existing parameters, skips undefined', () => {
  assert.equal(withQuery('http://127.0.0.1:1/cb?x=1', { code: 'a/b', state: undefined }), 'http://127.0.0.1:1/cb?x=1&code=a%2Fb');
});

test('parseScopes splits on whitespace and de-duplicates', () => {
  assert.deepEqual(parseScopes(' a  b\ta '), ['a', 'b']);
  assert.deepEqual(parseScopes(null), []);
});
