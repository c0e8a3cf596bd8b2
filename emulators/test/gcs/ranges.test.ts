/** Table tests of the GCS emulator's Range / Content-Range parsing. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  contentRangeValue,
  parseRangeHeader,
  parseUploadContentRange,
  persistedRangeValue,
  type ByteRange,
  type UploadContentRange,
} from '../../gcs/ranges.js';

describe('parseRangeHeader', () => {
  const cases: Array<[string | undefined, number, ByteRange]> = [
    [undefined, 10, { kind: 'full' }],
    ['bytes=0-9', 10, { kind: 'partial', start: 0, end: 10 }],
    ['bytes=0-0', 10, { kind: 'partial', start: 0, end: 1 }],
    ['bytes=2-5', 10, { kind: 'partial', start: 2, end: 6 }],
    ['bytes=2-100', 10, { kind: 'partial', start: 2, end: 10 }],
    ['bytes=3-', 10, { kind: 'partial', start: 3, end: 10 }],
    ['bytes=9-', 10, { kind: 'partial', start: 9, end: 10 }],
    ['bytes=10-', 10, { kind: 'unsatisfiable' }],
    ['bytes=10-20', 10, { kind: 'unsatisfiable' }],
    ['bytes=-3', 10, { kind: 'partial', start: 7, end: 10 }],
    ['bytes=-30', 10, { kind: 'partial', start: 0, end: 10 }],
    ['bytes=-0', 10, { kind: 'unsatisfiable' }],
    ['bytes=5-2', 10, { kind: 'full' }],
    ['bytes=-', 10, { kind: 'full' }],
    ['bytes=0-1,3-4', 10, { kind: 'full' }],
    ['items=0-1', 10, { kind: 'full' }],
    ['BYTES = 1 - 2', 10, { kind: 'partial', start: 1, end: 3 }],
    ['bytes=0-', 0, { kind: 'full' }],
    ['bytes=-5', 0, { kind: 'full' }],
  ];
  for (const [header, size, expected] of cases) {
    test(`${JSON.stringify(header)} of ${size} bytes`, () => assert.deepEqual(parseRangeHeader(header, size), expected));
  }
});

describe('contentRangeValue / persistedRangeValue', () => {
  test('inclusive end in Content-Range', () => assert.equal(contentRangeValue(2, 6, 10), 'bytes 2-5/10'));
  test('308 Range after 0 bytes is absent', () => assert.equal(persistedRangeValue(0), undefined));
  test('308 Range after 262144 bytes', () => assert.equal(persistedRangeValue(262144), 'bytes=0-262143'));
});

describe('parseUploadContentRange', () => {
  const cases: Array<[string | undefined, UploadContentRange | undefined]> = [
    [undefined, undefined],
    ['bytes 0-262143/*', { first: 0, last: 262143 }],
    ['bytes 0-262143/524288', { first: 0, last: 262143, total: 524288 }],
    ['bytes 262144-524287/524288', { first: 262144, last: 524287, total: 524288 }],
    ['bytes */*', {}],
    ['bytes */1000', { total: 1000 }],
    ['bytes */0', { total: 0 }],
    ['bytes 0-*/*', { first: 0 }],
    ['bytes 5-*/100', { first: 5, total: 100 }],
    ['bytes 5-4/100', undefined],
    ['bytes=0-1/2', undefined],
    ['garbage', undefined],
  ];
  for (const [header, expected] of cases) {
    test(JSON.stringify(header), () => assert.deepEqual(parseUploadContentRange(header), expected));
  }
});
