/** Table tests of the resumable protocol's pure parts: Content-Range parsing, chunk plans, interruptions. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHUNK_GRANULARITY as G,
  parseContentRange,
  persistedAfterInterruption,
  persistedRangeHeader,
  planChunk,
  ResumableProtocolError,
  type ChunkPlan,
  type ContentRange,
} from '../../drive/resumable.js';

describe('parseContentRange', () => {
  const ok: Array<[string | undefined, number, ContentRange]> = [
    ['bytes 0-262143/1000000', G, { kind: 'bytes', first: 0, last: G - 1, total: 1_000_000 }],
    ['bytes 262144-524287/*', G, { kind: 'bytes', first: G, last: 2 * G - 1 }],
    ['bytes */1000', 0, { kind: 'probe', total: 1000 }],
    ['bytes */*', 0, { kind: 'probe' }],
    ['bytes */0', 0, { kind: 'probe', total: 0 }],
    [undefined, 10, { kind: 'bytes', first: 0, last: 9, total: 10 }],
    [undefined, 0, { kind: 'probe', total: 0 }],
    ['', 3, { kind: 'bytes', first: 0, last: 2, total: 3 }],
  ];
  for (const [header, length, expected] of ok) {
    test(`${JSON.stringify(header)} (${length} B)`, () => assert.deepEqual(parseContentRange(header, length), expected));
  }
  for (const bad of [
    'bytes 5-4/10',
    'bytes 0-10/10',
    'bytes=0-1',
    'items 0-1/2',
    'bytes -1-2/3',
    'bytes 0-1',
    'bytes */-1',
    'bytes 01-2/3',
  ]) {
    test(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseContentRange(bad, 2), ResumableProtocolError));
  }
  test('accepts the = form some clients send', () =>
    assert.deepEqual(parseContentRange('bytes=0-1/2', 2), { kind: 'bytes', first: 0, last: 1, total: 2 }));
});

describe('planChunk', () => {
  const range = (first: number, last: number, total?: number): ContentRange =>
    total === undefined ? { kind: 'bytes', first, last } : { kind: 'bytes', first, last, total };
  const ok: Array<[string, number, number | undefined, ContentRange, number, ChunkPlan]> = [
    ['first chunk, total unknown', 0, undefined, range(0, G - 1), G, { action: 'write', skip: 0, final: false, keepUpTo: G }],
    [
      'non-final chunk off the 256 KiB multiple: kept up to its last whole block',
      0,
      undefined,
      range(0, G),
      G + 1,
      { action: 'write', skip: 0, final: false, keepUpTo: G },
    ],
    ['final chunk of unknown total', G, undefined, range(G, G + 9, G + 10), 10, { action: 'write', skip: 0, final: true, total: G + 10 }],
    ['whole small file', 0, undefined, range(0, 9, 10), 10, { action: 'write', skip: 0, final: true, total: 10 }],
    [
      'overlap: resend from 0 after 1 chunk persisted',
      G,
      3 * G,
      range(0, 2 * G - 1),
      2 * G,
      { action: 'write', skip: G, final: false, keepUpTo: 2 * G },
    ],
    ['chunk entirely persisted already', 2 * G, undefined, range(0, G - 1), G, { action: 'status' }],
    ['probe', G, undefined, { kind: 'probe' }, 0, { action: 'status' }],
    ['probe with total = persisted finalizes', G, undefined, { kind: 'probe', total: G }, 0, { action: 'finalize', total: G }],
    ['probe with total > persisted', G, undefined, { kind: 'probe', total: 2 * G }, 0, { action: 'status' }],
    ['empty file', 0, undefined, { kind: 'probe', total: 0 }, 0, { action: 'finalize', total: 0 }],
    ['total known from initiation', 0, G + 1, range(0, G), G + 1, { action: 'write', skip: 0, final: true, total: G + 1 }],
  ];
  for (const [name, persisted, known, r, len, expected] of ok) {
    test(name, () => assert.deepEqual(planChunk(persisted, known, r, len), expected));
  }
  const bad: Array<[string, number, number | undefined, ContentRange, number, RegExp]> = [
    [
      'non-final chunk smaller than 256 KiB',
      0,
      10 * G,
      range(0, 99),
      100,
      /Invalid request\. The number of bytes uploaded is required to be equal or greater than 262144, except for the final request \(it's recommended to be the exact multiple of 262144\)\. The received request contained 100 bytes, which does not meet this requirement\.$/,
    ],
    [
      'offset beyond persisted',
      0,
      undefined,
      range(G, 2 * G - 1),
      G,
      /upload offset is 262144 byte\(s\), which exceeds already uploaded size of 0/,
    ],
    ['body length differs from range', 0, undefined, range(0, G - 1), 5, /declares 262144 byte\(s\) but the request contained 5/],
    ['total changes', 0, 100, range(0, 9, 10), 10, /differs/],
    ['total below persisted', 2 * G, undefined, { kind: 'probe', total: G }, 0, /smaller/],
    ['probe with a body', 0, undefined, { kind: 'probe' }, 3, /empty body/],
  ];
  for (const [name, persisted, known, r, len, message] of bad) {
    test(`400: ${name}`, () => assert.throws(() => planChunk(persisted, known, r, len), message));
  }
});

describe('persistedAfterInterruption', () => {
  const cases: Array<[number, number, number, number]> = [
    [0, 0, 0, 0],
    [0, 0, G - 1, 0],
    [0, 0, G, G],
    [0, 0, 3 * G + 1000, 3 * G],
    [G, G, G + 5, 2 * G],
    [2 * G, 0, G, 2 * G], // an overlapping resend cut early never loses persisted bytes
    [2 * G, G, 2 * G + 7, 3 * G],
  ];
  for (const [persisted, first, received, expected] of cases) {
    test(`persisted ${persisted}, chunk at ${first}, cut after ${received} → ${expected}`, () =>
      assert.equal(persistedAfterInterruption(persisted, first, received), expected));
  }
});

test('persistedRangeHeader', () => {
  assert.equal(persistedRangeHeader(0), undefined);
  assert.equal(persistedRangeHeader(1), 'bytes=0-0');
  assert.equal(persistedRangeHeader(G), 'bytes=0-262143');
});
