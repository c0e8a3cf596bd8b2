/**
 * Table-driven tests for the object → Drive mapping: path planning (empty segments, the `∅` escape,
 * unicode, quotes, 1024-byte names), the source appProperties (Drive's 124-byte limit per entry) and the
 * description. Hashes are fixed values computed with `sha256sum`, not recomputed by the test.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { planObjectPath, sourceAppProperties, sourceKey, MAX_APP_PROPERTY_BYTES, type PlannedPath } from '../../src/drive/object-path.js';

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
      '1024-byte name is hashed instead',
      { bucket: 'my-bucket', name: X1024, generation: '7' },
      {
        'gdb.key': 'aa5e2705d67e712475b421122ff67dca22342629',
        'gdb.bucket': 'my-bucket',
        'gdb.objectSha256': '49abd65bbf7f7e40c7055093ed2e3fd75f2f602f2c5fcf955c213e3135eb03f7',
        'gdb.generation': '7',
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

  test('a dotted bucket name too long for an entry is left to gdb.key', () => {
    const bucket = `${'a'.repeat(60)}.${'b'.repeat(60)}`;
    const props = sourceAppProperties({ bucket, name: 'x', generation: '1' });
    assert.equal('gdb.bucket' in props, false);
    assert.equal(props['gdb.key'], sourceKey(bucket, 'x'));
  });
});
