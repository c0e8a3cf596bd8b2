/** Table tests of download Range resolution and appProperties/properties patches and limits. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRange, type ResolvedRange } from '../../drive/byte-range.js';
import { applyPropertyPatch } from '../../drive/properties.js';
import { DriveError } from '../../drive/errors.js';

describe('resolveRange (size 100)', () => {
  const cases: Array<[string | undefined, ResolvedRange]> = [
    [undefined, { kind: 'full' }],
    ['bytes=0-9', { kind: 'partial', start: 0, end: 10 }],
    ['bytes=90-', { kind: 'partial', start: 90, end: 100 }],
    ['bytes=90-500', { kind: 'partial', start: 90, end: 100 }],
    ['bytes=-10', { kind: 'partial', start: 90, end: 100 }],
    ['bytes=-500', { kind: 'partial', start: 0, end: 100 }],
    ['bytes=100-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=9-3', { kind: 'full' }],
    ['items=0-1', { kind: 'full' }],
    ['bytes=0-1,5-6', { kind: 'full' }],
  ];
  for (const [header, expected] of cases) test(String(header), () => assert.deepEqual(resolveRange(header, 100), expected));
  test('empty content: any range is unsatisfiable', () => assert.deepEqual(resolveRange('bytes=0-', 0), { kind: 'unsatisfiable' }));
});

describe('applyPropertyPatch', () => {
  test('merges, and null deletes a key', () =>
    assert.deepEqual(applyPropertyPatch('appProperties', { a: '1', b: '2' }, { b: null, c: 'x' }), { a: '1', c: 'x' }));
  test('undefined patch keeps everything', () => assert.deepEqual(applyPropertyPatch('properties', { a: '1' }, undefined), { a: '1' }));
  test('numbers and booleans become strings', () =>
    assert.deepEqual(applyPropertyPatch('properties', {}, { n: 5, t: true }), { n: '5', t: 'true' }));

  const k = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
  const bad: Array<[string, Record<string, string>, unknown, RegExp]> = [
    ['31 properties', {}, k(31), /at most 30/],
    ['30 existing + 1', k(30), { extra: 'v' }, /at most 30/],
    ['key + value over 124 bytes', {}, { key: 'x'.repeat(122) }, /125 bytes/],
    ['multi-byte characters count as bytes', {}, { k: 'é'.repeat(62) }, /125 bytes/],
    ['object value', {}, { k: { nested: 1 } }, /expected a string/],
    ['not an object', {}, ['a'], /expected an object/],
    ['empty key', {}, { '': 'v' }, /must not be empty/],
  ];
  for (const [name, current, patch, message] of bad) {
    test(`400: ${name}`, () =>
      assert.throws(
        () => applyPropertyPatch('appProperties', current, patch),
        (err: unknown) => err instanceof DriveError && err.status === 400 && message.test(err.message),
      ));
  }
  test('exactly 30 properties and 124 bytes are fine', () => {
    assert.equal(Object.keys(applyPropertyPatch('appProperties', {}, k(30))).length, 30);
    assert.deepEqual(applyPropertyPatch('appProperties', {}, { key: 'x'.repeat(121) }), { key: 'x'.repeat(121) });
  });
});
