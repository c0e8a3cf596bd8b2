/**
 * Tables for Cloud Storage's naming rules as every entry applies them (settings, HTTP bodies, the
 * command line): bucket names, object names and prefixes, `gs://` URLs.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketNameProblems, isBucketName, objectNameProblems, parseGsUrl } from '../../../src/core/names.js';

describe('isBucketName', () => {
  const rows: [name: string, ok: boolean][] = [
    ['my-bucket', true],
    ['a_b.c-d', true],
    ['abc', true],
    ['ab', false],
    ['My-Bucket', false],
    ['gs://b', false],
    ['-abc', false],
    ['a..b', false],
    ['x'.repeat(63), true],
    ['x'.repeat(64), false],
    [`${'x'.repeat(63)}.${'y'.repeat(63)}`, true],
    [`${'x'.repeat(64)}.y`, false],
    ['x'.repeat(223), false],
  ];
  for (const [name, ok] of rows) test(`${name.slice(0, 40)} → ${ok}`, () => assert.equal(isBucketName(name), ok));
});

describe('bucketNameProblems', () => {
  test('a good name has none', () => assert.deepEqual(bucketNameProblems('b-1'), []));
  test('a bad name says the rule and the field', () =>
    assert.match(bucketNameProblems('gs://b', 'source')[0], /^source must be a bucket name .*no gs:\/\/ prefix.*got "gs:\/\/b"$/));
  test('a number is not a string', () => assert.deepEqual(bucketNameProblems(7), ['bucket must be a string, got the number 7']));
});

describe('objectNameProblems', () => {
  const rows: [name: string, allowEmpty: boolean, ok: boolean][] = [
    ['a/b/c.txt', false, true],
    ['a..b/c', false, true],
    ['...', false, true],
    ['a//b', false, true],
    ['', true, true],
    ['', false, false],
    ['a/..', false, false],
    ['a\u007f', false, false],
    ['a\u0085', false, false],
  ];
  for (const [name, allowEmpty, ok] of rows) {
    test(`${JSON.stringify(name)} allowEmpty=${allowEmpty} → ${ok ? 'ok' : 'rejected'}`, () => {
      assert.equal(objectNameProblems(name, 'name', allowEmpty).length === 0, ok);
    });
  }
});

describe('parseGsUrl', () => {
  const rows: [url: string, requireName: boolean, expected: { bucket: string; name: string } | RegExp][] = [
    ['gs://b-1/a/b.txt', true, { bucket: 'b-1', name: 'a/b.txt' }],
    ['gs://b-1/a b\u00e9', true, { bucket: 'b-1', name: 'a b\u00e9' }],
    ['gs://b-1', false, { bucket: 'b-1', name: '' }],
    ['gs://b-1/logs/', false, { bucket: 'b-1', name: 'logs/' }],
    ['gs://b-1', true, /name must not be empty/],
    ['b-1/x', true, /expected gs:\/\/BUCKET\/NAME/],
    ['gs://B/x', true, /bucket must be a bucket name/],
    ['gs://b-1/../x', true, /path segments/],
  ];
  for (const [url, requireName, expected] of rows) {
    test(`${url} (requireName=${requireName})`, () => {
      const parsed = parseGsUrl(url, requireName);
      if (expected instanceof RegExp) {
        assert.equal(parsed.ok, false);
        assert.match((parsed as { problems: string[] }).problems.join('; '), expected);
      } else assert.deepEqual(parsed, { ok: true, value: expected });
    });
  }
});
