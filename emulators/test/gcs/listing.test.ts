/** Table tests of the GCS emulator's pure parts: listing/pagination and preconditions. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareNames, listPage, type ListEntry, type ListOptions } from '../../gcs/listing.js';
import { evaluatePreconditions, type Preconditions, type PreconditionTarget } from '../../gcs/preconditions.js';

const e = (name: string, generation = 1): ListEntry => ({ name, generation });

/** Follows page tokens to the end; returns item names (with generation when > 1) and prefixes per page. */
function allPages(entries: ListEntry[], opts: ListOptions): { items: string[]; prefixes: string[]; pages: number } {
  const items: string[] = [];
  const prefixes: string[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const page = listPage(entries, { ...opts, pageToken });
    items.push(...page.items.map((i) => (i.generation > 1 ? `${i.name}#${i.generation}` : i.name)));
    prefixes.push(...page.prefixes);
    pageToken = page.nextPageToken;
    pages++;
    assert.ok(pages < 1000, 'runaway pagination');
  } while (pageToken);
  return { items, prefixes, pages };
}

describe('compareNames (UTF-8 byte order)', () => {
  const cases: Array<[string, string, number]> = [
    ['a', 'b', -1],
    ['a', 'a', 0],
    ['a/', 'a', 1],
    ['Z', 'a', -1],
    ['\uffff', '\u{1F600}', -1], // UTF-16 order would say the opposite
    ['\u{1F600}', '\u{1F601}', -1],
    ['é', 'z', 1],
  ];
  for (const [a, b, sign] of cases)
    test(`${JSON.stringify(a)} vs ${JSON.stringify(b)}`, () => assert.equal(Math.sign(compareNames(a, b)), sign));
});

describe('listPage', () => {
  const tree = ['d/x', 'a/1', 'a/2', 'b', 'a/sub/3', 'c/', 'c/deep/1', 'e'].map((n) => e(n));
  const cases: Array<[string, ListEntry[], ListOptions, { items: string[]; prefixes: string[]; pages: number }]> = [
    ['everything sorted', tree, {}, { items: ['a/1', 'a/2', 'a/sub/3', 'b', 'c/', 'c/deep/1', 'd/x', 'e'], prefixes: [], pages: 1 }],
    [
      'pages of 3',
      tree,
      { maxResults: 3 },
      { items: ['a/1', 'a/2', 'a/sub/3', 'b', 'c/', 'c/deep/1', 'd/x', 'e'], prefixes: [], pages: 3 },
    ],
    ['delimiter', tree, { delimiter: '/' }, { items: ['b', 'e'], prefixes: ['a/', 'c/', 'd/'], pages: 1 }],
    [
      'delimiter, pages of 1 (prefixes count)',
      tree,
      { delimiter: '/', maxResults: 1 },
      { items: ['b', 'e'], prefixes: ['a/', 'c/', 'd/'], pages: 5 },
    ],
    ['prefix + delimiter', tree, { prefix: 'a/', delimiter: '/' }, { items: ['a/1', 'a/2'], prefixes: ['a/sub/'], pages: 1 }],
    [
      'includeTrailingDelimiter',
      tree,
      { prefix: 'c', delimiter: '/', includeTrailingDelimiter: true },
      { items: ['c/'], prefixes: ['c/'], pages: 1 },
    ],
    [
      'startOffset/endOffset',
      tree,
      { startOffset: 'a/2', endOffset: 'c/deep' },
      { items: ['a/2', 'a/sub/3', 'b', 'c/'], prefixes: [], pages: 1 },
    ],
    ['empty', [], { maxResults: 2 }, { items: [], prefixes: [], pages: 1 }],
    [
      'exact multiple of page size has no empty last page',
      [e('a'), e('b'), e('c'), e('d')],
      { maxResults: 2 },
      { items: ['a', 'b', 'c', 'd'], prefixes: [], pages: 2 },
    ],
    [
      'versions split across pages',
      [e('x', 3), e('x', 2), e('y', 2), e('x', 4)],
      { maxResults: 2 },
      { items: ['x#2', 'x#3', 'x#4', 'y#2'], prefixes: [], pages: 2 },
    ],
  ];
  for (const [label, entries, opts, expected] of cases) test(label, () => assert.deepEqual(allPages(entries, opts), expected));

  test('2,500 names in pages of 1000: 3 pages, each name once, in order', () => {
    const names = Array.from({ length: 2500 }, (_, i) => `obj-${String(i).padStart(4, '0')}`);
    const shuffled = [...names].sort((a, b) => (a.split('').reverse().join('') < b.split('').reverse().join('') ? -1 : 1));
    assert.deepEqual(
      allPages(
        shuffled.map((n) => e(n)),
        {},
      ),
      { items: names, prefixes: [], pages: 3 },
    );
  });

  test('a garbage page token is a 400', () => {
    assert.throws(
      () => listPage([], { pageToken: 'not-a-token' }),
      (err: { status?: number }) => err.status === 400,
    );
  });
});

describe('evaluatePreconditions', () => {
  const live: PreconditionTarget = { generation: 100, metageneration: 3 };
  const cases: Array<[string, PreconditionTarget | undefined, Preconditions, boolean, string]> = [
    ['none', live, {}, false, 'ok'],
    ['ifGenerationMatch 0, absent', undefined, { ifGenerationMatch: 0 }, false, 'ok'],
    ['ifGenerationMatch 0, present', live, { ifGenerationMatch: 0 }, false, 'failed'],
    ['ifGenerationMatch live', live, { ifGenerationMatch: 100 }, false, 'ok'],
    ['ifGenerationMatch stale', live, { ifGenerationMatch: 99 }, false, 'failed'],
    ['ifGenerationMatch N, absent', undefined, { ifGenerationMatch: 100 }, false, 'failed'],
    ['ifGenerationNotMatch 0, absent', undefined, { ifGenerationNotMatch: 0 }, false, 'failed'],
    ['ifGenerationNotMatch 0, present', live, { ifGenerationNotMatch: 0 }, false, 'ok'],
    ['ifGenerationNotMatch live (write)', live, { ifGenerationNotMatch: 100 }, false, 'failed'],
    ['ifGenerationNotMatch live (read)', live, { ifGenerationNotMatch: 100 }, true, 'notModified'],
    ['ifMetagenerationMatch ok', live, { ifMetagenerationMatch: 3 }, false, 'ok'],
    ['ifMetagenerationMatch mismatch', live, { ifMetagenerationMatch: 2 }, false, 'failed'],
    ['ifMetagenerationMatch, absent', undefined, { ifMetagenerationMatch: 1 }, false, 'failed'],
    ['ifMetagenerationNotMatch same (read)', live, { ifMetagenerationNotMatch: 3 }, true, 'notModified'],
    ['ifMetagenerationNotMatch other', live, { ifMetagenerationNotMatch: 4 }, false, 'ok'],
    ['match failure wins over notModified', live, { ifGenerationMatch: 1, ifMetagenerationNotMatch: 3 }, true, 'failed'],
  ];
  for (const [label, target, p, forRead, expected] of cases) {
    test(label, () => assert.equal(evaluatePreconditions(target, p, forRead), expected));
  }
});
