/**
 * The product's Drive query builders (src/drive/query.ts) against the emulator's parser and
 * evaluator (emulators/drive/query.ts): for a table of nasty names, a built query must parse and
 * match exactly the file it names, never a near miss.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FOLDER_MIME_TYPE, byAppProperty, childFoldersOf, childrenNamed, escapeQueryString, q } from '../../../src/drive/query.js';
import { matchesDriveQuery, parseDriveQuery, type QueryableFile } from '@gcs-drive-backup/emulators/drive/query.js';

function file(overrides: Partial<QueryableFile> = {}): QueryableFile {
  return {
    name: 'x',
    mimeType: 'application/octet-stream',
    parents: ['parent-1'],
    trashed: false,
    appProperties: {},
    properties: {},
    ...overrides,
  };
}

function matches(query: string, candidate: QueryableFile): boolean {
  return matchesDriveQuery(parseDriveQuery(query), candidate);
}

describe('escapeQueryString', () => {
  const rows: [input: string, escaped: string][] = [
    ['plain', 'plain'],
    ["Valentine's Day", String.raw`Valentine\'s Day`],
    [String.raw`a\b`, String.raw`a\\b`],
    [String.raw`a\'b`, String.raw`a\\\'b`],
    ["''", String.raw`\'\'`],
    ['\\', '\\\\'],
    ['"/東京 🚀"', '"/東京 🚀"'],
    ['', ''],
  ];
  for (const [input, escaped] of rows) {
    test(`${JSON.stringify(input)} → ${JSON.stringify(escaped)}`, () => {
      assert.equal(escapeQueryString(input), escaped);
    });
  }
});

/** Deterministic names drawn from an alphabet of characters that matter to the query grammar. */
function pseudoRandomNames(count: number, seed: number): string[] {
  const alphabet = ["'", '\\', '"', ' ', '/', '(', ')', '{', '}', '=', 'a', 'N', 'é', '東', '🚀', '\n', '\t'];
  let state = seed >>> 0;
  const nextInt = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  return Array.from({ length: count }, () => Array.from({ length: 1 + nextInt(24) }, () => alphabet[nextInt(alphabet.length)]).join(''));
}

const nastyNames: string[] = [
  "Valentine's Day",
  "a'b",
  String.raw`a\'b`,
  String.raw`a\\'b`,
  String.raw`C:\Users\me\file.txt`,
  '\\',
  "'",
  "\\'",
  "'\\",
  String.raw`ends with \\`,
  "' or name != '",
  String.raw`\' or trashed = true or name = \'`,
  "') or ('x' in parents",
  'dir/sub/file name.txt',
  '  leading and trailing spaces  ',
  'Zürich 東京 🚀 ünïcödé',
  'tab\tand\nnewline',
  'x'.repeat(1024),
  "'\\".repeat(512), // 1024 characters, every one escaped
  'é'.repeat(512), // 1024 UTF-8 bytes
  ...pseudoRandomNames(150, 0x5eed),
];

/** Names close to `name` that a broken escaper or parser could confuse with it. */
function nearMisses(name: string): string[] {
  const misses = [
    `${name}x`,
    name.slice(0, -1),
    name.replaceAll('\\', '\\\\'),
    name.replaceAll("\\'", "'"),
    name.replaceAll("'", "\\'"),
    name.replaceAll("'", ''),
    name.toUpperCase(),
  ];
  return [...new Set(misses)].filter((miss) => miss !== name);
}

describe('childrenNamed round-trips through the emulator parser', () => {
  for (const [index, name] of nastyNames.entries()) {
    test(`#${index} ${JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…(${name.length})` : name)}`, () => {
      const query = childrenNamed('parent-1', name);
      assert.equal(matches(query, file({ name })), true, query);
      for (const miss of nearMisses(name)) {
        assert.equal(matches(query, file({ name: miss })), false, `${query} vs ${JSON.stringify(miss)}`);
      }
      assert.equal(matches(query, file({ name, parents: ['parent-2'] })), false);
      assert.equal(matches(query, file({ name, trashed: true })), false);
      // The name is also safe as a parent ID and as an appProperties key and value.
      assert.equal(matches(childrenNamed(name, 'x'), file({ parents: [name] })), true);
      assert.equal(matches(byAppProperty(name, name), file({ appProperties: { [name]: name } })), true);
      assert.equal(matches(byAppProperty(name, name), file({ appProperties: { [name]: `${name}x` } })), false);
    });
  }
});

describe('folder filters', () => {
  const folder = file({ name: "it's", mimeType: FOLDER_MIME_TYPE });
  const plain = file({ name: "it's" });
  const rows: [title: string, query: string, candidate: QueryableFile, expected: boolean][] = [
    ['folder:true on a folder', childrenNamed('parent-1', "it's", { folder: true }), folder, true],
    ['folder:true on a file', childrenNamed('parent-1', "it's", { folder: true }), plain, false],
    ['folder:false on a file', childrenNamed('parent-1', "it's", { folder: false }), plain, true],
    ['folder:false on a folder', childrenNamed('parent-1', "it's", { folder: false }), folder, false],
    ['childFoldersOf on a folder', childFoldersOf('parent-1'), folder, true],
    ['childFoldersOf on a file', childFoldersOf('parent-1'), plain, false],
    ['childFoldersOf elsewhere', childFoldersOf('parent-2'), folder, false],
    ['childFoldersOf trashed', childFoldersOf('parent-1'), { ...folder, trashed: true }, false],
  ];
  for (const [title, query, candidate, expected] of rows) {
    test(title, () => assert.equal(matches(query, candidate), expected));
  }
});

describe('q combinators keep their operands grouped', () => {
  const a = "name = 'a'";
  const b = "name = 'b'";
  const trashed = 'trashed = true';
  const rows: [query: string, candidate: QueryableFile, expected: boolean][] = [
    [q.and(q.or(a, b), trashed), file({ name: 'a' }), false], // ungrouped, `a or b and t` would match
    [q.and(q.or(a, b), trashed), file({ name: 'a', trashed: true }), true],
    [q.or(q.and(a, trashed), b), file({ name: 'b' }), true],
    [q.not(q.or(a, b)), file({ name: 'b' }), false], // ungrouped, `not a or b` would be `(not a) or b`
    [q.not(q.or(a, b)), file({ name: 'c' }), true],
    [q.and(a), file({ name: 'a' }), true],
  ];
  for (const [query, candidate, expected] of rows) {
    test(`${query} on ${candidate.name}${candidate.trashed ? ' (trashed)' : ''} → ${expected}`, () => {
      assert.equal(matches(query, candidate), expected);
    });
  }
  test('q.and() with no clauses throws', () => assert.throws(() => q.and(), /at least one clause/));
});
