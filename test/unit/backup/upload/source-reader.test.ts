/**
 * Tests for SourceReader over in-memory streams: pieces handed out without copying, a read that fails
 * re-opened at the next unread byte, a source that keeps failing surfaces its error, seeking re-opens
 * only when the position changes, and a read abandoned by its consumer is waited for before moving.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { MAX_SOURCE_REOPENS, SourceReader } from '../../../../src/backup/upload/source-reader.js';

const content = randomBytes(10_000);
const reset = () => Object.assign(new Error('source stream reset'), { code: 'ECONNRESET' });

/** Streams `content` from `offset` in 1000-byte pieces; `failAt(open, offset)` says where an open breaks. */
function source(failAt: (open: number, offset: number) => number | undefined = () => undefined) {
  let opened = 0;
  return (offset: number): Readable => {
    const breakAt = failAt(opened++, offset);
    return Readable.from(
      (function* () {
        for (let at = offset; at < content.length; at += 1000) {
          const end = Math.min(at + 1000, content.length);
          if (breakAt !== undefined && end > breakAt) {
            if (breakAt > at) yield content.subarray(at, breakAt);
            throw reset();
          }
          yield content.subarray(at, end);
        }
      })(),
    );
  };
}

async function readAll(reader: SourceReader, max = 4096): Promise<Buffer> {
  const pieces: Buffer[] = [];
  while (reader.position < content.length) pieces.push(await reader.next(max));
  return Buffer.concat(pieces);
}

describe('SourceReader', () => {
  const rows: [name: string, start: number, max: number, failAt: Parameters<typeof source>[0], opens: number[]][] = [
    ['from 0, pieces as the stream gives them', 0, 4096, undefined, [0]],
    ['from an offset, at most `max` bytes a piece', 2500, 300, undefined, [2500]],
    ['a read cut mid-stream re-opens at the next unread byte', 0, 4096, (n) => (n === 0 ? 4321 : undefined), [0, 4321]],
    ['cut twice, each re-opened where it stopped', 0, 777, (n) => [1500, 6001][n], [0, 1500, 6001]],
    [
      'a read that fails before its first byte is re-opened at the same byte',
      3000,
      4096,
      (n) => (n < 2 ? 3000 : undefined),
      [3000, 3000, 3000],
    ],
  ];
  for (const [name, start, max, failAt, opens] of rows) {
    test(name, async () => {
      const reader = new SourceReader(source(failAt), start, content.length);
      const pieces: Buffer[] = [];
      while (reader.position < content.length) {
        const piece = await reader.next(max);
        assert.ok(piece.length >= 1 && piece.length <= max);
        pieces.push(piece);
      }
      assert.deepEqual(Buffer.concat(pieces), content.subarray(start));
      assert.deepEqual(reader.opens, opens);
      reader.dispose();
    });
  }

  test(`a source failing ${MAX_SOURCE_REOPENS + 1} times in a row without a byte: its error`, async () => {
    const reader = new SourceReader(
      source((_, offset) => offset),
      5000,
      content.length,
    );
    await assert.rejects(reader.next(100), /source stream reset/);
    assert.deepEqual(reader.opens, Array(MAX_SOURCE_REOPENS + 1).fill(5000));
  });

  test('seek re-opens only when the position changes', async () => {
    const reader = new SourceReader(source(), 0, content.length);
    await reader.next(100);
    reader.seek(100);
    await reader.next(100);
    reader.seek(50);
    assert.deepEqual(await reader.next(50), content.subarray(50, 100));
    assert.deepEqual(reader.opens, [0, 50]);
    assert.throws(() => reader.seek(content.length + 1), RangeError);
  });

  test('one read at a time; settled() waits for an abandoned read before the reader moves', async () => {
    const reader = new SourceReader(source(), 0, content.length);
    const abandoned = reader.next(100);
    await assert.rejects(reader.next(100), /while a read is in progress/);
    assert.throws(() => reader.seek(500), /while a read is in progress/);
    await reader.settled();
    assert.equal((await abandoned).length, 100);
    reader.seek(500);
    assert.deepEqual(await readAll(reader), content.subarray(500));
  });

  test('dispose() ends a read in progress instead of re-opening it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const reader = new SourceReader(
      () =>
        Readable.from(
          (async function* () {
            await gate;
            yield content;
          })(),
        ),
      0,
      content.length,
    );
    const pending = reader.next(10);
    reader.dispose();
    release();
    await assert.rejects(pending);
    assert.deepEqual(reader.opens, [0]);
  });
});
