/**
 * The next PUT's length (put-size.ts): all that is left up to the chunk, halved in whole 256 KiB units
 * while the deadline says it does not fit, down to the floor (8 MiB, or the chunk when smaller), and
 * none when even the floor does not fit.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_SHRUNK_PUT_BYTES, nextPutBytes } from '../../../../src/backup/upload/put-size.js';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('nextPutBytes', () => {
  const always = () => true;
  const upTo = (limit: number) => (bytes: number) => bytes <= limit;
  const cases: [name: string, rest: number, max: number, fit: (bytes: number) => boolean, want: number | undefined, asked: number][] = [
    ['all that is left, in one PUT, when it fits', 512 * MiB, 1024 * MiB, always, 512 * MiB, 1],
    ['the chunk when more is left', 3 * 1024 * MiB, 1024 * MiB, always, 1024 * MiB, 1],
    ['a short last piece as it is', 300 * KiB, 256 * MiB, always, 300 * KiB, 1],
    ['nothing left: an empty PUT, still asked', 0, 256 * MiB, always, 0, 1],
    ['halved until it fits', 1024 * MiB, 1024 * MiB, upTo(300 * MiB), 256 * MiB, 3],
    ['halving rounds down to 256 KiB', 20 * MiB + 300 * KiB, 256 * MiB, upTo(11 * MiB), 10 * MiB, 2],
    ['left under the floor: not halved, none', 7 * MiB, 1024 * MiB, upTo(MiB), undefined, 1],
    ['never below the floor: the floor when only it fits', 1024 * MiB, 1024 * MiB, upTo(MIN_SHRUNK_PUT_BYTES), MIN_SHRUNK_PUT_BYTES, 8],
    ['not even the floor fits: none', 1024 * MiB, 1024 * MiB, upTo(MIN_SHRUNK_PUT_BYTES - 1), undefined, 8],
    ['a chunk under the floor is its own floor: none, asked once', 64 * MiB, 256 * KiB, () => false, undefined, 1],
    ['a last piece under the floor that does not fit: none', 3 * MiB, 1024 * MiB, () => false, undefined, 1],
  ];
  for (const [name, rest, max, fit, want, asked] of cases) {
    test(name, () => {
      const seen: number[] = [];
      const got = nextPutBytes(rest, max, (bytes) => (seen.push(bytes), fit(bytes)));
      assert.equal(got, want);
      assert.equal(seen.length, asked, `asked about ${seen.join(', ')}`);
      for (const bytes of seen.slice(0, -1)) assert.ok(bytes === rest || bytes % (256 * KiB) === 0, `${bytes} is whole 256 KiB units`);
      assert.ok(
        seen.every((bytes, i) => i === 0 || bytes < seen[i - 1]),
        'largest first',
      );
    });
  }
});
