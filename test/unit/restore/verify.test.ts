/**
 * Whether a restored copy is the backed-up generation, as a table over what was hashed: MD5 always, CRC32C
 * only when the restore computed it (an object without MD5, a composite one). A hash not computed is never
 * compared; an object that had no MD5 must have had its CRC32C computed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BackedUpGeneration } from '../../../src/restore/catalog.js';
import type { ContentHashes } from '../../../src/restore/content.js';
import { verificationProblems, type WrittenHashes } from '../../../src/restore/verify.js';

const MD5 = { base64: 'kAFQmDzST7DWlj99KOF/cg==', hex: '900150983cd24fb0d6963f7d28e17f72' };
const OTHER_MD5 = { base64: 'AAAAAAAAAAAAAAAAAAAAAA==', hex: '00000000000000000000000000000000' };
const source = (facts: Partial<BackedUpGeneration>): BackedUpGeneration => ({
  bucket: 'b',
  name: 'n',
  generation: '1',
  timeCreated: '2026-12-01T00:00:00Z',
  size: '3',
  driveFileId: 'f',
  ...facts,
});
const read = (md5: typeof MD5, crc32c?: string): ContentHashes => ({
  md5Base64: md5.base64,
  md5Hex: md5.hex,
  bytes: 3,
  ...(crc32c !== undefined ? { crc32c } : {}),
});

const rows: [
  name: string,
  s: BackedUpGeneration,
  drive: string | undefined,
  r: ContentHashes,
  w: WrittenHashes | undefined,
  problems: number,
][] = [
  [
    'MD5 everywhere, no CRC32C computed',
    source({ md5Hash: MD5.base64, crc32c: 'rec=' }),
    MD5.hex,
    read(MD5),
    { md5Hash: MD5.base64, crc32c: 'gcs=' },
    0,
  ],
  ['MD5 read differs from the recorded one', source({ md5Hash: MD5.base64 }), MD5.hex, read(OTHER_MD5), { md5Hash: OTHER_MD5.base64 }, 2],
  ["Cloud Storage's MD5 differs", source({ md5Hash: MD5.base64 }), MD5.hex, read(MD5), { md5Hash: OTHER_MD5.base64 }, 1],
  ['composite: CRC32C computed and equal', source({ crc32c: 'abc=' }), MD5.hex, read(MD5, 'abc='), { crc32c: 'abc=' }, 0],
  ['composite: CRC32C computed and different', source({ crc32c: 'abc=' }), MD5.hex, read(MD5, 'xyz='), { crc32c: 'xyz=' }, 1],
  ["composite: Cloud Storage's CRC32C different", source({ crc32c: 'abc=' }), MD5.hex, read(MD5, 'abc='), { crc32c: 'xyz=' }, 1],
  ['composite: CRC32C not computed', source({ crc32c: 'abc=' }), MD5.hex, read(MD5), { crc32c: 'abc=' }, 1],
  ['a local file: nothing written to compare', source({ md5Hash: MD5.base64 }), MD5.hex, read(MD5), undefined, 0],
  ['wrong size', source({ md5Hash: MD5.base64, size: '4' }), MD5.hex, read(MD5), undefined, 1],
];

for (const [name, s, drive, r, w, problems] of rows) {
  test(name, () => {
    const found = verificationProblems(s, drive, r, w);
    assert.equal(found.length, problems, found.join('; '));
  });
}
