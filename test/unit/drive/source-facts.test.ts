/**
 * What a Drive file keeps of its generation (src/drive/source-facts.ts): every fact goes up and comes
 * back exact, within Drive's 30 appProperties of 124 bytes even in the worst case; a description edited
 * behind the backup's back is noticed; files from before the format still give what they hold.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerationFacts } from '../../../src/core/object-ref.js';
import { describeRef } from '../../../src/core/object-ref.js';
import { MAX_APP_PROPERTY_BYTES, sourceAppProperties } from '../../../src/drive/object-path.js';
import {
  driveFacts,
  FACT_PROPERTY,
  generationOfOriginalFilename,
  MAX_APP_PROPERTIES,
  originalFilenameOf,
  readDriveFacts,
  revisionAppProperties,
} from '../../../src/drive/source-facts.js';

interface Case {
  bucket: string;
  name: string;
  facts: GenerationFacts;
}

/** The file as the backup writes it (create), then as a listing hands it back. */
function roundTrip(c: Case, deletedAt?: string) {
  const identity = sourceAppProperties({ bucket: c.bucket, name: c.name, ...c.facts });
  const kept = driveFacts(c.bucket, c.facts, identity, describeRef({ bucket: c.bucket, name: c.name, generation: c.facts.generation }));
  const appProperties = { ...identity, ...kept.appProperties, ...(deletedAt ? { [FACT_PROPERTY.deletedAt]: deletedAt } : {}) };
  return { appProperties, kept, read: readDriveFacts({ appProperties, description: kept.description, size: c.facts.size }) };
}

const base: GenerationFacts = { generation: '1765100000123456', timeCreated: '2026-12-07T10:00:00.123Z', size: '42' };
const fourByte = '𝄞'; // U+1D11E: 4 bytes of UTF-8
const worstName = fourByte.repeat(256); // 1,024 bytes, cut between characters into parts
const headers = {
  contentEncoding: 'gzip',
  contentDisposition: `attachment; filename="${'d'.repeat(200)}.bin"`,
  contentLanguage: 'en-GB',
  cacheControl: `public, max-age=${'9'.repeat(150)}`,
};
const bigMetadata = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`key-${i}`, `${'v'.repeat(1000)}"\u0001`]));

const cases: [title: string, c: Case, onDescription: boolean][] = [
  ['minimal: no optional field', { bucket: 'photos', name: 'a.txt', facts: base }, false],
  [
    'typical: MD5, CRC32C, type, small metadata, all in appProperties',
    {
      bucket: 'photos',
      name: 'a/b/c.jpg',
      facts: { ...base, md5Hash: 'XrY7u+Ae7tCTyyK7j1rNww==', crc32c: 'yZRlqg==', contentType: 'image/jpeg', metadata: { owner: 'ann' } },
    },
    false,
  ],
  ['short headers fit', { bucket: 'b', name: 'x', facts: { ...base, contentEncoding: 'gzip', cacheControl: 'no-store' } }, false],
  ['a long header goes to the description', { bucket: 'b', name: 'x', facts: { ...base, ...headers } }, true],
  ['8 KiB of custom metadata goes to the description', { bucket: 'b', name: 'x', facts: { ...base, metadata: bigMetadata } }, true],
  [
    'a contentType too long for an entry',
    { bucket: 'b', name: 'x', facts: { ...base, contentType: `application/${'x'.repeat(120)}` } },
    true,
  ],
  ['a dotted bucket name too long for an entry', { bucket: `${'a'.repeat(60)}.${'b'.repeat(60)}.c`, name: 'x', facts: base }, true],
  ['a name of hostile characters', { bucket: 'b', name: '../\u0007"\\/\u202e<b>', facts: base }, false],
  [
    'the worst case: a 1,024-byte name, a long dotted bucket, every field, 8 KiB of metadata',
    {
      bucket: `${'a'.repeat(100)}.${'b'.repeat(100)}`,
      name: worstName,
      facts: {
        ...base,
        generation: '9223372036854775807',
        size: '5000000000000',
        md5Hash: 'XrY7u+Ae7tCTyyK7j1rNww==',
        crc32c: 'yZRlqg==',
        contentType: `application/${'t'.repeat(150)}`,
        ...headers,
        metadata: bigMetadata,
      },
    },
    true,
  ],
  [
    'the most entries: a 1,024-byte name and every field just fitting its own entry',
    {
      bucket: 'b'.repeat(63),
      name: worstName,
      facts: {
        ...base,
        md5Hash: 'XrY7u+Ae7tCTyyK7j1rNww==',
        crc32c: 'yZRlqg==',
        contentType: `application/${'t'.repeat(90)}`,
        contentEncoding: 'e'.repeat(124 - 'gdb.contentEncoding'.length),
        contentDisposition: 'd'.repeat(124 - 'gdb.contentDisposition'.length),
        contentLanguage: 'l'.repeat(124 - 'gdb.contentLanguage'.length),
        cacheControl: 'c'.repeat(124 - 'gdb.cacheControl'.length),
        metadata: { k: 'v'.repeat(100) },
      },
    },
    false,
  ],
];

describe('driveFacts → readDriveFacts: exact, within Drive limits', () => {
  for (const [title, c, onDescription] of cases) {
    test(title, () => {
      const { appProperties, kept, read } = roundTrip(c, '2026-12-08T00:00:00.000Z');
      const entries = Object.entries(appProperties);
      assert.ok(entries.length <= MAX_APP_PROPERTIES, `${entries.length} appProperties`);
      for (const [key, value] of entries) {
        const bytes = Buffer.byteLength(key) + Buffer.byteLength(value);
        assert.ok(bytes <= MAX_APP_PROPERTY_BYTES, `${key}: ${bytes} bytes`);
      }
      assert.deepEqual(read, { bucket: c.bucket, name: c.name, facts: c.facts, deletedAt: '2026-12-08T00:00:00.000Z' });
      assert.equal(kept.description.includes('\n'), onDescription, 'a second description line only when needed');
      assert.equal(kept.description.split('\n')[0], describeRef({ bucket: c.bucket, name: c.name, generation: c.facts.generation }));
      assert.equal(kept.originalFilename, `gdb.generation=${c.facts.generation}`);
      assert.equal(kept.modifiedTime, c.facts.timeCreated);
    });
  }

  test('the most any case takes is 26 entries (10 of them the name, the deletion mark included): 4 to spare', () => {
    const counts = cases.map(([, c]) => Object.keys(roundTrip(c, '2026-12-08T00:00:00.000Z').appProperties).length);
    assert.equal(Math.max(...counts), 26);
  });
});

describe('readDriveFacts: what cannot be trusted is said', () => {
  const c: Case = { bucket: 'b', name: 'x', facts: { ...base, metadata: bigMetadata } };
  test('a description edited in Drive: the facts it held are not used, the problem is named', () => {
    const { appProperties, kept } = roundTrip(c);
    const edited = kept.description.replace('key-0', 'key-O');
    const read = readDriveFacts({ appProperties, description: edited });
    assert.equal(read?.problem, 'description-changed');
    assert.equal(read?.facts.metadata, undefined);
    assert.equal(read?.facts.timeCreated, base.timeCreated, 'what appProperties hold stays');
  });
  test('a description removed', () => {
    const { appProperties } = roundTrip(c);
    assert.equal(readDriveFacts({ appProperties, description: null })?.problem, 'description-changed');
  });
  test('a file backed up before this format: what it has, and `older-format`', () => {
    const appProperties = sourceAppProperties({
      bucket: 'b',
      name: 'old.txt',
      generation: '5',
      md5Hash: 'XrY7u+Ae7tCTyyK7j1rNww==',
      contentType: 'text/plain',
    });
    assert.deepEqual(readDriveFacts({ appProperties, modifiedTime: '2026-01-01T00:00:00.000Z', size: '3', mimeType: 'text/plain' }), {
      bucket: 'b',
      name: 'old.txt',
      facts: {
        generation: '5',
        timeCreated: '2026-01-01T00:00:00.000Z',
        size: '3',
        md5Hash: 'XrY7u+Ae7tCTyyK7j1rNww==',
        contentType: 'text/plain',
      },
      problem: 'older-format',
    });
  });
  test('a file that is not a backup', () => {
    assert.equal(readDriveFacts({ appProperties: { other: 'x' } }), undefined);
    assert.equal(readDriveFacts({}), undefined);
  });
});

describe('revisionAppProperties: a new revision clears what the previous generation had and this one has not', () => {
  test('every per-generation key not set is patched to null; identity keys are left alone', () => {
    const patch = revisionAppProperties({ 'gdb.key': 'k', 'gdb.generation': '2', 'gdb.v': '2', 'gdb.size': '1', 'gdb.timeCreated': 't' });
    assert.deepEqual(patch, {
      'gdb.md5': null,
      'gdb.contentType': null,
      'gdb.crc32c': null,
      'gdb.contentEncoding': null,
      'gdb.contentDisposition': null,
      'gdb.contentLanguage': null,
      'gdb.cacheControl': null,
      'gdb.metadata': null,
      'gdb.more': null,
      'gdb.deletedAt': null,
      'gdb.key': 'k',
      'gdb.generation': '2',
      'gdb.v': '2',
      'gdb.size': '1',
      'gdb.timeCreated': 't',
    });
  });
});

describe('originalFilename names the generation of a revision', () => {
  const rows: [value: string | null | undefined, generation: string | undefined][] = [
    [originalFilenameOf('1765100000123456'), '1765100000123456'],
    [originalFilenameOf('9223372036854775807'), '9223372036854775807'],
    ['photo.jpg', undefined],
    ['gdb.generation=', undefined],
    ['gdb.generation=12x', undefined],
    ['gdb.generation=12\n', undefined],
    [null, undefined],
    [undefined, undefined],
  ];
  for (const [value, generation] of rows) test(JSON.stringify(value), () => assert.equal(generationOfOriginalFilename(value), generation));
});
