/**
 * Tables for the shared text helpers: byte counts for people, and how a value is named in a problem
 * sentence.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeValue, formatBytes, isRecord } from '../../../src/core/text.js';

describe('formatBytes', () => {
  const cases: Array<[number | undefined, string]> = [
    [undefined, 'unknown'],
    [0, '0 bytes'],
    [1023, '1023 bytes'],
    [1536, '1.5 KiB'],
    [15 * 1024 ** 3, '15.0 GiB'],
  ];
  for (const [bytes, expected] of cases) test(`${bytes} → ${expected}`, () => assert.equal(formatBytes(bytes), expected));
});

describe('describeValue', () => {
  const rows: [unknown, string][] = [
    [undefined, 'missing'],
    [null, 'null'],
    [[1], 'an array'],
    ['', 'an empty string'],
    ['hello', 'the string "hello"'],
    ['x'.repeat(70), `the string "${'x'.repeat(60)}"`],
    [{ a: 1 }, 'an object'],
    [7, 'the number 7'],
    [false, 'the boolean false'],
  ];
  for (const [value, expected] of rows) test(expected, () => assert.equal(describeValue(value), expected));
  test('a shorter cut', () => assert.equal(describeValue('abcdef', 3), 'the string "abc"'));
});

describe('isRecord', () => {
  const rows: [unknown, boolean][] = [
    [{}, true],
    [{ a: 1 }, true],
    [null, false],
    [[], false],
    [Buffer.from('x'), false],
    ['x', false],
  ];
  for (const [value, expected] of rows) test(`${describeValue(value)} → ${expected}`, () => assert.equal(isRecord(value), expected));
});
