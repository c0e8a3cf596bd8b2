/**
 * Tests for ConfirmedMd5, pure: a table of pieces hashed, rewinds to what "Drive" holds and the bytes
 * hashed again from there; the digest must always equal the MD5 of the content, each byte once.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { ConfirmedMd5 } from '../../../../src/backup/upload/confirmed-md5.js';

const KiB = 1024;
const UNIT = 256 * KiB;
const content = randomBytes(3 * UNIT + 1000);
const expected = createHash('md5').update(content).digest('hex');

type Step = { hash: number } | { rewind: number };

/** Runs the steps, then hashes the rest from wherever the MD5 stands. */
function run(steps: Step[]): { md5: ConfirmedMd5; positions: number[] } {
  const md5 = new ConfirmedMd5();
  const positions: number[] = [];
  for (const step of steps) {
    if ('hash' in step) md5.update(content.subarray(md5.position, md5.position + step.hash));
    else {
      md5.rewind(step.rewind);
      positions.push(md5.position);
    }
  }
  md5.update(content.subarray(md5.position));
  return { md5, positions };
}

describe('ConfirmedMd5', () => {
  const rows: [name: string, steps: Step[], positionsAfterRewind: number[]][] = [
    ['no rewind', [{ hash: content.length }], []],
    ['rewind to where it stands', [{ hash: UNIT + 5 }, { rewind: UNIT + 5 }], [UNIT + 5]],
    ['rewind past where it stands does not move it', [{ hash: 100 }, { rewind: 2 * UNIT }], [100]],
    ['rewind to a 256 KiB boundary', [{ hash: 2 * UNIT + 7 }, { rewind: 2 * UNIT }], [2 * UNIT]],
    ['rewind between boundaries: back to the one before', [{ hash: 3 * UNIT }, { rewind: UNIT + 9 }], [UNIT]],
    ['rewind to 0', [{ hash: 3 * UNIT }, { rewind: 0 }], [0]],
    [
      'several cuts in a row, pieces across boundaries',
      [{ hash: UNIT + 3 }, { rewind: UNIT }, { hash: 2 * UNIT - 1 }, { rewind: 2 * UNIT }, { hash: 500 }, { rewind: 2 * UNIT }],
      [UNIT, 2 * UNIT, 2 * UNIT],
    ],
  ];
  for (const [name, steps, positions] of rows) {
    test(`${name}: each byte once, in order`, () => {
      const result = run(steps);
      assert.deepEqual(result.positions, positions);
      assert.equal(result.md5.digest(), expected);
    });
  }

  test('cannot rewind before a confirmed position it already forgot', () => {
    const md5 = new ConfirmedMd5();
    md5.update(content.subarray(0, 2 * UNIT));
    md5.rewind(2 * UNIT); // Drive confirmed 2 units: the older states are gone
    assert.throws(() => md5.rewind(UNIT), /cannot rewind the MD5 to 262144/);
  });

  test('the states kept are the 256 KiB boundaries passed since the last rewind, not the pieces', () => {
    const md5 = new ConfirmedMd5();
    for (let at = 0; at < content.length; at += 1000) md5.update(content.subarray(at, Math.min(at + 1000, content.length)));
    md5.rewind(3 * UNIT + 500);
    assert.equal(md5.position, 3 * UNIT);
    md5.rewind(3 * UNIT + 999);
    assert.equal(md5.position, 3 * UNIT);
    md5.update(content.subarray(md5.position));
    assert.equal(md5.digest(), expected);
  });
});
