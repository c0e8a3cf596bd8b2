/** sandbox/drive-tree.ts: the flat Drive list → the tree under the root, ordered, cycles cut. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildDriveTree, FOLDER_MIME_TYPE, type DriveFileFacts } from '../../../sandbox/drive-tree.js';

const folder = (id: string, name: string, parent: string): DriveFileFacts => ({
  id,
  name,
  mimeType: FOLDER_MIME_TYPE,
  parents: [parent],
  trashed: false,
  revisions: 0,
  modifiedTime: 't',
});
const file = (id: string, name: string, parent: string, size = 1): DriveFileFacts => ({
  id,
  name,
  mimeType: 'text/plain',
  parents: [parent],
  trashed: false,
  size,
  md5Checksum: `md5-${id}`,
  revisions: 1,
  modifiedTime: 't',
});

describe('buildDriveTree', () => {
  test('folders first, then files, by name; only under the root', () => {
    const tree = buildDriveTree(
      [
        file('f1', 'z.txt', 'root'),
        folder('d1', 'b', 'root'),
        file('f2', 'a.txt', 'root'),
        folder('d2', 'a', 'root'),
        file('f3', 'in-b', 'd1'),
        file('x', 'elsewhere', 'other-root'),
      ],
      'root',
    );
    assert.deepEqual(
      tree.map((n) => n.name),
      ['a', 'b', 'a.txt', 'z.txt'],
    );
    assert.deepEqual(
      tree[1]?.children.map((n) => n.name),
      ['in-b'],
    );
    assert.equal(tree[2]?.md5Checksum, 'md5-f2');
  });

  test('same-named siblings are both kept (Drive allows them)', () => {
    assert.equal(buildDriveTree([file('1', 'same', 'root'), file('2', 'same', 'root')], 'root').length, 2);
  });

  test('a cycle is cut', () => {
    const tree = buildDriveTree(
      [folder('a', 'a', 'root'), { ...folder('b', 'b', 'a'), parents: ['a'] }, { ...folder('a2', 'loop', 'b'), id: 'a' }],
      'root',
    );
    assert.equal(tree.length, 1);
    assert.deepEqual(
      tree[0]?.children.map((n) => n.name),
      ['b'],
    );
  });
});
