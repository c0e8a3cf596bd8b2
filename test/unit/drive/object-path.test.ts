/**
 * Table-driven tests for the object → Drive mapping: path planning (empty segments, the `∅` escape,
 * unicode, quotes, 1024-byte names, paths deeper than Drive's folder levels folded into the file name),
 * the source appProperties (Drive's 124-byte limit per entry, the full name in parts, the contentType), the
 * Drive MIME type (never a Workspace type). Hashes are fixed values computed with `sha256sum`, not
 * recomputed by the test.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  driveMimeType,
  objectNameOf,
  planObjectPath,
  sourceAppProperties,
  sourceKey,
  DEFAULT_FOLDER_LEVELS,
  MAX_APP_PROPERTY_BYTES,
  type PlannedPath,
} from '../../../src/drive/object-path.js';

const X1024 = 'x'.repeat(1024);

describe('planObjectPath', () => {
  type Row = [objectName: string, expected: PlannedPath];
  const rows: Row[] = [
    ['c.txt', { folders: [], fileName: 'c.txt' }],
    ['a/b/c.txt', { folders: ['a', 'b'], fileName: 'c.txt' }],
    ['a//b', { folders: ['a', '∅'], fileName: 'b' }],
    ['/a', { folders: ['∅'], fileName: 'a' }],
    ['//a', { folders: ['∅', '∅'], fileName: 'a' }],
    ['a/', { folders: ['a'], fileName: '∅' }],
    // a real `∅` segment is escaped so it never collides with an empty one
    ['∅/b', { folders: ['∅∅'], fileName: 'b' }],
    ['∅∅/∅', { folders: ['∅∅∅'], fileName: '∅∅' }],
    ['∅x/b', { folders: ['∅x'], fileName: 'b' }],
    ['x∅/b', { folders: ['x∅'], fileName: 'b' }],
    ['./../b', { folders: ['.', '..'], fileName: 'b' }],
    ['_/b', { folders: ['_'], fileName: 'b' }],
    ['(empty)/b', { folders: ['(empty)'], fileName: 'b' }],
    ['fotos/日本語/ümlaut 😀.jpg', { folders: ['fotos', '日本語'], fileName: 'ümlaut 😀.jpg' }],
    [`it's/"quoted"/a\\b.txt`, { folders: [`it's`, '"quoted"'], fileName: 'a\\b.txt' }],
    [`a/${X1024}`, { folders: ['a'], fileName: X1024 }],
    [' lead/trail ', { folders: [' lead'], fileName: 'trail ' }],
  ];
  for (const [name, expected] of rows) {
    test(`${JSON.stringify(name.slice(0, 40))} → ${JSON.stringify(expected).slice(0, 80)}`, () => {
      assert.deepEqual(planObjectPath(name), expected);
    });
  }

  test('distinct names with empty and ∅ segments never share a Drive path', () => {
    const names = ['a//b', 'a/∅/b', 'a/∅∅/b', 'a///b', 'a/∅/∅/b', 'a/∅//b', 'a//∅/b'];
    const paths = names.map((n) => JSON.stringify(planObjectPath(n)));
    assert.equal(new Set(paths).size, names.length);
  });
});

describe("planObjectPath past Drive's folder levels", () => {
  type Row = [objectName: string, maxFolders: number, expected: PlannedPath];
  const rows: Row[] = [
    ['a/b/c/d.txt', 3, { folders: ['a', 'b', 'c'], fileName: 'd.txt' }],
    ['a/b/c/d.txt', 2, { folders: ['a', 'b'], fileName: 'c/d.txt' }],
    ['a/b/c/d.txt', 0, { folders: [], fileName: 'a/b/c/d.txt' }],
    ['a//b/∅/c', 1, { folders: ['a'], fileName: '∅/b/∅∅/c' }],
    ['a/b/', 1, { folders: ['a'], fileName: 'b/∅' }],
  ];
  for (const [name, max, expected] of rows) {
    test(`${name} with ${max} folder levels → ${JSON.stringify(expected)}`, () => assert.deepEqual(planObjectPath(name, max), expected));
  }

  test('a 120-level path keeps 99 folders below a root at the top of My Drive, the rest in the file name', () => {
    const segments = Array.from({ length: 120 }, (_, i) => `s${i + 1}`);
    const planned = planObjectPath(segments.join('/'));
    assert.equal(DEFAULT_FOLDER_LEVELS, 99);
    assert.deepEqual(planned.folders, segments.slice(0, 99));
    assert.equal(planned.fileName, segments.slice(99).join('/'));
  });

  test('folded and unfolded names never share a Drive path', () => {
    const names = ['a/b/c', 'a/b%2Fc', 'a/b/c/d', 'a/b//c', 'a/b/∅/c', 'a/b/c/', 'x/a/b/c'];
    for (const max of [0, 1, 2, 3]) {
      const paths = names.map((n) => JSON.stringify(planObjectPath(n, max)));
      assert.equal(new Set(paths).size, names.length, `max ${max}`);
    }
  });

  test('refuses a negative number of levels', () => assert.throws(() => planObjectPath('a', -1), RangeError));
});

describe('driveMimeType', () => {
  const rows: [contentType: string | undefined, expected: string][] = [
    ['text/plain', 'text/plain'],
    [undefined, 'application/octet-stream'],
    ['', 'application/octet-stream'],
    ['application/vnd.google-apps.document', 'application/octet-stream'],
    ['application/vnd.google-apps.folder', 'application/octet-stream'],
    ['Application/Vnd.Google-Apps.Spreadsheet', 'application/octet-stream'],
    [
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    ['text/plain; charset=utf-8', 'text/plain; charset=utf-8'],
    ['text/plain\r\nX-Injected: 1', 'application/octet-stream'],
    ['text/plain\n', 'application/octet-stream'],
    ['text/plain\u0000', 'application/octet-stream'],
    ['text/plain\tx', 'application/octet-stream'],
    ['text/plän', 'application/octet-stream'],
  ];
  for (const [contentType, expected] of rows)
    test(`${JSON.stringify(contentType)} → ${expected}`, () => assert.equal(driveMimeType(contentType), expected));
});

describe('sourceKey', () => {
  test('is the first 40 hex chars of sha256(bucket/name)', () => {
    assert.equal(sourceKey('my-bucket', 'a/b/c.txt'), 'e664ccccec54815937a4d6aa33f5326723ee75f1');
  });
  test('differs between names', () => {
    assert.equal(sourceKey('my-bucket', 'a/b/c.tx'), '0f5e4dd28447364d11416ede3d85a44d89cbb450');
  });
});

describe('sourceAppProperties', () => {
  type Row = [title: string, ref: Parameters<typeof sourceAppProperties>[0], expected: Record<string, string>];
  const rows: Row[] = [
    [
      'short name with md5',
      { bucket: 'my-bucket', name: 'a/b/c.txt', generation: '1700000000000001', md5Hash: 'XrY7u+Ae7tCTyyK7j1rNww==' },
      {
        'gdb.key': 'e664ccccec54815937a4d6aa33f5326723ee75f1',
        'gdb.bucket': 'my-bucket',
        'gdb.object': 'a/b/c.txt',
        'gdb.generation': '1700000000000001',
        'gdb.md5': 'XrY7u+Ae7tCTyyK7j1rNww==',
      },
    ],
    [
      'no md5 (composite object)',
      { bucket: 'my-bucket', name: 'a/b/c.txt', generation: '7' },
      {
        'gdb.key': 'e664ccccec54815937a4d6aa33f5326723ee75f1',
        'gdb.bucket': 'my-bucket',
        'gdb.object': 'a/b/c.txt',
        'gdb.generation': '7',
      },
    ],
    [
      '1024-byte name: hashed, and whole in parts of at most 124 bytes with their keys',
      { bucket: 'my-bucket', name: X1024, generation: '7' },
      {
        'gdb.key': 'aa5e2705d67e712475b421122ff67dca22342629',
        'gdb.bucket': 'my-bucket',
        'gdb.objectSha256': '49abd65bbf7f7e40c7055093ed2e3fd75f2f602f2c5fcf955c213e3135eb03f7',
        ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`gdb.object.${i + 1}`, 'x'.repeat(i < 9 ? 112 : 1024 - 9 * 112)])),
        'gdb.generation': '7',
      },
    ],
    [
      'the contentType, kept as it is',
      { bucket: 'my-bucket', name: 'a/b/c.txt', generation: '7', contentType: 'application/vnd.google-apps.document' },
      {
        'gdb.key': 'e664ccccec54815937a4d6aa33f5326723ee75f1',
        'gdb.bucket': 'my-bucket',
        'gdb.object': 'a/b/c.txt',
        'gdb.generation': '7',
        'gdb.contentType': 'application/vnd.google-apps.document',
      },
    ],
  ];
  for (const [title, ref, expected] of rows) {
    test(title, () => assert.deepEqual(sourceAppProperties(ref), expected));
  }

  type EdgeRow = [title: string, name: string, hasObject: boolean];
  const edges: EdgeRow[] = [
    ['114 ASCII bytes fit exactly', 'n'.repeat(114), true],
    ['115 ASCII bytes do not fit', 'n'.repeat(115), false],
    ['57 two-byte chars (114 bytes) fit', 'é'.repeat(57), true],
    ['58 two-byte chars (116 bytes) do not fit', 'é'.repeat(58), false],
    ['29 four-byte emoji (116 bytes) do not fit although only 58 UTF-16 units', '😀'.repeat(29), false],
    [`quotes and backslashes are kept verbatim`, `it's "x"\\y`, true],
  ];
  for (const [title, name, hasObject] of edges) {
    test(title, () => {
      const props = sourceAppProperties({ bucket: 'b'.repeat(63), name, generation: '9223372036854775807' });
      assert.equal(props['gdb.object'] === name, hasObject);
      assert.equal('gdb.objectSha256' in props, !hasObject);
      for (const [k, v] of Object.entries(props)) {
        assert.ok(Buffer.byteLength(k + v) <= MAX_APP_PROPERTY_BYTES, `${k} is too long`);
      }
    });
  }

  test('the full name comes back from its parts, whatever its characters; every entry fits', () => {
    const names = ['short', 'n'.repeat(115), X1024, '😀'.repeat(256), `${'é'.repeat(300)}/${'日'.repeat(100)}`, 'a/'.repeat(511) + 'z'];
    for (const name of names) {
      const props = sourceAppProperties({
        bucket: 'b',
        name,
        generation: '1',
        md5Hash: 'XrY7u+Ae7tCTyyK7j1rNww==',
        contentType: 'text/plain',
      });
      assert.equal(objectNameOf(props), name);
      assert.ok(Object.keys(props).length <= 30, 'at most 30 appProperties per app');
      for (const [k, v] of Object.entries(props)) assert.ok(Buffer.byteLength(k + v) <= MAX_APP_PROPERTY_BYTES, `${k} is too long`);
    }
    assert.equal(objectNameOf({}), undefined);
    assert.equal(objectNameOf(undefined), undefined);
  });

  test('a dotted bucket name too long for an entry is left to gdb.key', () => {
    const bucket = `${'a'.repeat(60)}.${'b'.repeat(60)}`;
    const props = sourceAppProperties({ bucket, name: 'x', generation: '1' });
    assert.equal('gdb.bucket' in props, false);
    assert.equal(props['gdb.key'], sourceKey(bucket, 'x'));
  });
});
