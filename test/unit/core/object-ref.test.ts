/**
 * Tables for the object generation every folder talks about: its description, int64 normalisation, and
 * generation order (beyond 2^53 too).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareGenerations, describeRef, normaliseInt64 } from '../../../src/core/object-ref.js';

describe('describeRef', () => {
  const rows: [Parameters<typeof describeRef>[0], string][] = [
    [{ bucket: 'b', name: 'a/c.txt' }, 'gs://b/a/c.txt'],
    [{ bucket: 'b', name: 'a/c.txt', generation: '12' }, 'gs://b/a/c.txt#12'],
    [{ bucket: 'b', name: 'dir/#hash?.txt', generation: '3' }, 'gs://b/dir/#hash?.txt#3'],
    [{ bucket: 'b', name: 'ü 😀', generation: '3' }, 'gs://b/ü 😀#3'],
  ];
  for (const [ref, expected] of rows) {
    test(expected, () => assert.equal(describeRef(ref), expected));
  }
});

describe('normaliseInt64', () => {
  const rows: [unknown, string | undefined][] = [
    ['0', '0'],
    ['42', '42'],
    ['0042', '42'],
    [42, '42'],
    [0, '0'],
    ['9223372036854775807', '9223372036854775807'],
    ['9223372036854775808', undefined],
    ['00000000000000000001', undefined],
    ['-1', undefined],
    ['1e3', undefined],
    [' 1', undefined],
    ['', undefined],
    [-1, undefined],
    [1.5, undefined],
    [Number.MAX_SAFE_INTEGER + 1, undefined],
    [Number.NaN, undefined],
    [true, undefined],
    [10n, undefined],
  ];
  for (const [input, expected] of rows) {
    test(`${typeof input} ${String(input)} → ${expected}`, () => assert.equal(normaliseInt64(input), expected));
  }
});

describe('compareGenerations', () => {
  const rows: Array<[string, string, number]> = [
    ['1', '2', -1],
    ['2', '1', 1],
    ['1795685514838000', '1795685514838000', 0],
    ['9007199254740993', '9007199254740992', 1], // beyond 2^53: compared exactly
  ];
  for (const [a, b, expected] of rows) test(`${a} vs ${b}`, () => assert.equal(compareGenerations(a, b), expected));
});
