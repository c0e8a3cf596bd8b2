/** Table tests of files.list ordering and keyset page tokens. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePageToken, encodePageToken, ListParameterError, pageOf, parseOrderBy, type SortableFile } from '../../drive/list-order.js';

const file = (id: string, name: string, isFolder = false, createdTime = `2024-01-01T00:00:0${id.length % 10}Z`): SortableFile => ({
  id,
  name,
  isFolder,
  createdTime,
  modifiedTime: createdTime,
  starred: false,
  quotaBytesUsed: 0,
});

describe('parseOrderBy', () => {
  const cases: Array<[string | undefined, string]> = [
    [undefined, 'createdTime'],
    ['name', 'name'],
    ['folder,name desc', 'folder,name desc'],
    ['modifiedTime desc, name', 'modifiedTime desc,name'],
    ['name_natural', 'name'],
    ['recency desc', 'modifiedTime desc'],
  ];
  for (const [input, expected] of cases) {
    test(String(input), () =>
      assert.equal(
        parseOrderBy(input)
          .map((k) => `${k.field}${k.desc ? ' desc' : ''}`)
          .join(','),
        expected,
      ),
    );
  }
  for (const bad of ['size', 'name sideways', 'name,', 'name; drop']) {
    test(`rejects ${bad}`, () => assert.throws(() => parseOrderBy(bad), ListParameterError));
  }
});

describe('pageOf', () => {
  const files = [file('c', 'b.txt'), file('a', 'B.txt'), file('bb', 'dir', true), file('d', 'a.txt'), file('e', 'a.txt')];
  const cases: Array<[string, string[]]> = [
    ['name', ['d', 'e', 'a', 'c', 'bb']],
    ['name desc', ['bb', 'c', 'a', 'd', 'e']],
    ['folder,name', ['bb', 'd', 'e', 'a', 'c']],
  ];
  for (const [orderBy, expected] of cases) {
    for (const pageSize of [1, 2, 3, 5, 10]) {
      test(`${orderBy}, pages of ${pageSize}`, () => {
        const keys = parseOrderBy(orderBy);
        const seen: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const page = pageOf(files, keys, pageSize, token ? decodePageToken(token, keys) : undefined);
          assert.ok(page.items.length <= pageSize);
          seen.push(...page.items.map((f) => f.id));
          token = page.nextPageToken;
          pages++;
        } while (token);
        assert.deepEqual(seen, expected);
        assert.equal(pages, Math.max(1, Math.ceil(files.length / pageSize)));
      });
    }
  }

  test('items created before the cursor do not shift later pages', () => {
    const keys = parseOrderBy('name');
    const first = pageOf(files, keys, 2);
    const more = [...files, file('z', '0-first.txt')];
    const second = pageOf(more, keys, 2, decodePageToken(first.nextPageToken!, keys));
    assert.deepEqual(
      second.items.map((f) => f.id),
      ['a', 'c'],
    );
  });

  test('a token is only valid with the ordering it came from', () => {
    const token = encodePageToken(parseOrderBy('name'), ['x', 'id']);
    assert.throws(() => decodePageToken(token, parseOrderBy('createdTime')), ListParameterError);
    assert.throws(() => decodePageToken('not-a-token', parseOrderBy('name')), ListParameterError);
    assert.deepEqual(decodePageToken(token, parseOrderBy('name')), ['x', 'id']);
  });
});
