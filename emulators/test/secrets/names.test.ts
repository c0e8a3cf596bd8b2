/** Table tests of the Secret Manager emulator's pure parts: path patterns, rpc codes, CRC32C, paging, prefixes. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkCrc32c,
  crc32cDecimal,
  isRegional,
  isValidSecretId,
  page,
  paths,
  rpcStatusOf,
  splitVersionName,
  underPrefix,
} from '../../secrets/names.js';

describe('path patterns', () => {
  const cases: Array<[keyof typeof paths | 'access' | 'disable', string, Record<string, string> | null]> = [
    ['secrets', '/v1/projects/p/secrets', { parent: 'projects/p' }],
    ['secrets', '/v1/projects/123/locations/us-east1/secrets', { parent: 'projects/123/locations/us-east1' }],
    ['secrets', '/v1/projects/p/secrets/s', null],
    ['secret', '/v1/projects/p/secrets/s', { secret: 'projects/p/secrets/s' }],
    ['secret', '/v1/projects/p/secrets/s:addVersion', null],
    ['secret', '/v1/projects/p/locations/l/secrets/s', { secret: 'projects/p/locations/l/secrets/s' }],
    ['addVersion', '/v1/projects/p/secrets/s:addVersion', { secret: 'projects/p/secrets/s' }],
    ['versions', '/v1/projects/p/secrets/s/versions', { secret: 'projects/p/secrets/s' }],
    ['version', '/v1/projects/p/secrets/s/versions/latest', { version: 'projects/p/secrets/s/versions/latest' }],
    ['version', '/v1/projects/p/secrets/s/versions/1:access', null],
    ['access', '/v1/projects/p/secrets/s/versions/7:access', { version: 'projects/p/secrets/s/versions/7' }],
    ['access', '/v1/projects/p/secrets/s/versions/7:disable', null],
    ['disable', '/v1/projects/p/locations/l/secrets/s/versions/2:disable', { version: 'projects/p/locations/l/secrets/s/versions/2' }],
    ['secret', '/v1/folders/f/secrets/s', null],
  ];
  for (const [kind, path, expected] of cases) {
    test(`${kind} ${path}`, () => {
      const re = kind === 'access' || kind === 'disable' ? paths.versionVerb(kind) : paths[kind];
      const m = (re as RegExp).exec(path);
      if (expected === null) assert.equal(m, null);
      else {
        const groups = Object.fromEntries(Object.entries(m?.groups ?? {}).filter(([k]) => k in expected));
        assert.deepEqual(groups, expected);
      }
    });
  }
});

describe('names', () => {
  const ids: Array<[string | null, boolean]> = [
    ['drive-refresh_token', true],
    ['a'.repeat(255), true],
    ['a'.repeat(256), false],
    ['', false],
    ['has.dot', false],
    ['has/slash', false],
    [null, false],
  ];
  for (const [id, ok] of ids) test(`secret id ${String(id).slice(0, 20)}`, () => assert.equal(isValidSecretId(id), ok));

  test('splitVersionName and isRegional', () => {
    assert.deepEqual(splitVersionName('projects/p/secrets/s/versions/latest'), { secret: 'projects/p/secrets/s', versionId: 'latest' });
    assert.equal(isRegional('projects/p/locations/l/secrets/s'), true);
    assert.equal(isRegional('projects/p/secrets/locations'), false);
  });
});

describe('rpcStatusOf', () => {
  const cases: Array<[number, string, string]> = [
    [404, 'NOT_FOUND', 'NOT_FOUND'],
    [400, 'FAILED_PRECONDITION', 'FAILED_PRECONDITION'],
    [409, 'ABORTED', 'ABORTED'],
    [404, 'notFound', 'NOT_FOUND'],
    [405, 'notFound', 'UNIMPLEMENTED'],
    [400, 'parseError', 'INVALID_ARGUMENT'],
    [413, 'payloadTooLarge', 'INVALID_ARGUMENT'],
    [500, 'backendError', 'INTERNAL'],
    [418, 'teapot', 'FAILED_PRECONDITION'],
  ];
  for (const [status, reason, expected] of cases) test(`${status} ${reason}`, () => assert.equal(rpcStatusOf(status, reason), expected));
});

describe('CRC32C', () => {
  test('check value of "123456789" is 0xE3069283', () => assert.equal(crc32cDecimal(Buffer.from('123456789')), String(0xe3069283)));
  test('empty payload is 0', () => assert.equal(crc32cDecimal(Buffer.alloc(0)), '0'));
  const data = Buffer.from('123456789');
  const cases: Array<[unknown, ReturnType<typeof checkCrc32c>]> = [
    ['3808858755', 'ok'],
    [3808858755, 'ok'],
    ['03808858755', 'ok'],
    ['3808858756', 'mismatch'],
    ['-1', 'mismatch'],
    ['0x1', 'invalid'],
    ['', 'invalid'],
    [null, 'invalid'],
  ];
  for (const [given, expected] of cases) test(`given ${String(given)}`, () => assert.equal(checkCrc32c(data, given), expected));
});

describe('underPrefix', () => {
  const cases: Array<[string, string, boolean]> = [
    ['projects/p/secrets/s', 'projects/p/secrets/s', true],
    ['projects/p/secrets/s/versions/1', 'projects/p/secrets/s', true],
    ['projects/p/secrets/s', 'projects/p', true],
    ['projects/p/secrets/s', 'projects/p/', true],
    ['projects/p/secrets/s-2', 'projects/p/secrets/s', false],
    ['projects/pp/secrets/s', 'projects/p', false],
    ['projects/p', 'projects/p/secrets/s', false],
  ];
  for (const [name, prefix, expected] of cases) test(`${name} under ${prefix}`, () => assert.equal(underPrefix(name, prefix), expected));
});

describe('page', () => {
  const items = [1, 2, 3, 4, 5];
  test('pages of 2 then the rest, token round-trips', () => {
    const first = page(items, 2, '');
    assert.deepEqual(first.items, [1, 2]);
    assert.ok(first.nextPageToken);
    const second = page(items, 2, first.nextPageToken ?? '');
    assert.deepEqual(second.items, [3, 4]);
    const third = page(items, 2, second.nextPageToken ?? '');
    assert.deepEqual(third, { items: [5], nextPageToken: undefined });
  });
  test('size 0 means everything', () => assert.deepEqual(page(items, 0, ''), { items, nextPageToken: undefined }));
  test('bad token or size → RangeError', () => {
    assert.throws(() => page(items, 2, 'garbage'), RangeError);
    assert.throws(() => page(items, -1, ''), RangeError);
    assert.throws(() => page(items, 1.5, ''), RangeError);
  });
});
