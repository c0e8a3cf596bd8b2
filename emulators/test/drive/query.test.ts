/**
 * Table-driven tests for the Drive emulator's `q` language: (query, file, expected) rows for the
 * evaluator, (bad query, error substring) rows for the parser. Rows come in pairs where possible
 * (a match and a near miss), so each one can fail on its own.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DriveQuerySyntaxError, matchesDriveQuery, parseDriveQuery, type QueryableFile } from '../../drive/query.js';

const FOLDER = 'application/vnd.google-apps.folder';

function file(overrides: Partial<QueryableFile> = {}): QueryableFile {
  return {
    name: 'report.txt',
    mimeType: 'text/plain',
    parents: ['root-id'],
    trashed: false,
    appProperties: {},
    properties: {},
    ...overrides,
  };
}

type MatchRow = [query: string, file: QueryableFile, expected: boolean];

const nameRows: MatchRow[] = [
  ["name = 'report.txt'", file(), true],
  ["name = 'report.tx'", file(), false],
  ["name = 'Report.txt'", file(), false], // exact and case-sensitive
  ["name != 'report.txt'", file(), false],
  ["name != 'other'", file(), true],
  ["name='report.txt'", file(), true], // no whitespace around the operator
  ["  name\t=\n'report.txt'  ", file(), true],
  [String.raw`name = 'Valentine\'s Day'`, file({ name: "Valentine's Day" }), true],
  [String.raw`name = 'Valentine\'s Day'`, file({ name: 'Valentines Day' }), false],
  // `a\'b` in the query means a'b; the file literally named a\'b needs `a\\\'b`.
  [String.raw`name = 'a\'b'`, file({ name: "a'b" }), true],
  [String.raw`name = 'a\'b'`, file({ name: String.raw`a\'b` }), false],
  [String.raw`name = 'a\\\'b'`, file({ name: String.raw`a\'b` }), true],
  [String.raw`name = 'a\\\'b'`, file({ name: "a'b" }), false],
  [String.raw`name = 'back\\slash'`, file({ name: String.raw`back\slash` }), true],
  [String.raw`name = 'back\\slash'`, file({ name: String.raw`back\\slash` }), false],
  [String.raw`name = 'end\\'`, file({ name: 'end\\' }), true],
  [String.raw`name = '\\\\'`, file({ name: '\\\\' }), true],
  [String.raw`name = '\\\\'`, file({ name: '\\' }), false],
  [String.raw`name = '\'\''`, file({ name: "''" }), true],
  ["name = 'dir/sub/file name.txt'", file({ name: 'dir/sub/file name.txt' }), true],
  ["name = 'dir/sub/file name.txt'", file({ name: 'dir/sub/file  name.txt' }), false],
  ["name = 'Zürich 東京 🚀.pdf'", file({ name: 'Zürich 東京 🚀.pdf' }), true],
  ["name = 'Zürich 東京 🚀.pdf'", file({ name: 'Zurich 東京 🚀.pdf' }), false],
  ["name = ''", file({ name: '' }), true],
  ["name = ''", file(), false],
  ["name = 'and or not ( ) { } = in parents'", file({ name: 'and or not ( ) { } = in parents' }), true],
  ["name contains 'PORT'", file(), true], // case-insensitive substring
  ["name contains 'xyz'", file(), false],
  ["name CONTAINS 'rep'", file(), true],
];

const otherTermRows: MatchRow[] = [
  [`mimeType = '${FOLDER}'`, file({ mimeType: FOLDER }), true],
  [`mimeType = '${FOLDER}'`, file(), false],
  [`mimeType != '${FOLDER}'`, file(), true],
  ["mimeType contains 'text/'", file(), true],
  ["mimeType contains 'image/'", file(), false],
  ["'root-id' in parents", file(), true],
  ["'other-id' in parents", file(), false],
  ["'p2' in parents", file({ parents: ['p1', 'p2'] }), true],
  ["'p1' IN parents", file({ parents: [] }), false],
  ['trashed = true', file({ trashed: true }), true],
  ['trashed = true', file(), false],
  ['trashed = FALSE', file(), true],
  ['trashed != false', file({ trashed: true }), true],
  ['starred = true', file({ starred: true }), true],
  ['starred = true', file(), false], // absent starred is false
  ['starred = false', file(), true],
  ["appProperties has { key='srcMd5' and value='abc' }", file({ appProperties: { srcMd5: 'abc' } }), true],
  ["appProperties has { key='srcMd5' and value='abc' }", file({ appProperties: { srcMd5: 'abd' } }), false],
  ["appProperties has { key='srcMd5' and value='abc' }", file({ properties: { srcMd5: 'abc' } }), false],
  ["appProperties has {key='srcMd5' AND value='abc'}", file({ appProperties: { srcMd5: 'abc' } }), true],
  ["appProperties has { key='toString' and value='x' }", file(), false], // own keys only
  [String.raw`appProperties has { key='o\'k' and value='v\\' }`, file({ appProperties: { "o'k": 'v\\' } }), true],
  ["properties has { key='k' and value='v' }", file({ properties: { k: 'v' } }), true],
  ["properties has { key='k' and value='v' }", file({ appProperties: { k: 'v' } }), false],
  ["fullText contains 'needle'", file({ fullText: 'hay NEEDLE hay' }), true],
  ["fullText contains 'needle'", file({ fullText: 'hay' }), false],
  ["fullText contains 'report'", file(), true], // the name is part of fullText
  [`fullText contains '"two words"'`, file({ fullText: 'has two words here' }), true],
  [`fullText contains '"two words"'`, file({ fullText: 'two other words' }), false],
];

const T = '2012-06-04T12:00:00Z';
const timeRows: MatchRow[] = [
  ["modifiedTime > '2012-06-04T12:00:00'", file({ modifiedTime: '2012-06-04T12:00:01Z' }), true],
  ["modifiedTime > '2012-06-04T12:00:00'", file({ modifiedTime: T }), false],
  ["modifiedTime >= '2012-06-04T12:00:00'", file({ modifiedTime: T }), true],
  ["modifiedTime < '2012-06-04T12:00:00'", file({ modifiedTime: T }), false],
  ["modifiedTime <= '2012-06-04T12:00:00'", file({ modifiedTime: T }), true],
  ["modifiedTime = '2012-06-04T12:00:00.000Z'", file({ modifiedTime: T }), true],
  ["modifiedTime != '2012-06-04T12:00:00Z'", file({ modifiedTime: T }), false],
  ["modifiedTime = '2012-06-04T04:00:00-08:00'", file({ modifiedTime: T }), true], // offsets honoured
  ["modifiedTime = '2012-06-04T12:00:00+01:00'", file({ modifiedTime: T }), false],
  ["modifiedTime > '2012-06-04'", file({ modifiedTime: T }), true],
  ["modifiedTime > '2012-06-05'", file({ modifiedTime: T }), false],
  ["modifiedTime > '2000-01-01'", file(), false], // no modifiedTime: no match
  ["createdTime < '2012-06-04T12:00:00.500Z'", file({ createdTime: T }), true],
  ["createdTime < '2012-06-04T12:00:00.500Z'", file({ createdTime: '2012-06-04T12:00:00.500Z' }), false],
  ["createdTime < '2013-01-01'", file({ modifiedTime: T }), false], // createdTime, not modifiedTime
];

const combinatorRows: MatchRow[] = [
  ["name = 'a' or name = 'b' and trashed = true", file({ name: 'a' }), true], // and binds tighter
  ["(name = 'a' or name = 'b') and trashed = true", file({ name: 'a' }), false],
  ["name = 'b' and trashed = true or name = 'a'", file({ name: 'a' }), true],
  ["name = 'b' and (trashed = true or name = 'a')", file({ name: 'a' }), false],
  ["not name = 'a' and trashed = false", file({ name: 'b' }), true], // not binds tighter than and
  ["not name = 'a' and trashed = false", file({ name: 'a' }), false],
  ["not name = 'a' and trashed = false", file({ name: 'b', trashed: true }), false], // not (a and t) would match
  ["not name = 'a' or name = 'b'", file({ name: 'b' }), true], // not (a or b) would not match
  ["not (name = 'a' and trashed = true)", file({ name: 'a' }), true],
  ["not (name = 'a' and trashed = false)", file({ name: 'a' }), false],
  ["not not name = 'a'", file({ name: 'a' }), true],
  ["NOT name = 'a'", file({ name: 'a' }), false],
  ["name = 'a' AnD trashed = false Or name = 'x'", file({ name: 'x', trashed: true }), true],
  ["((('p' in parents)))", file({ parents: ['p'] }), true],
  ["((('p' in parents)))", file(), false],
  [
    `'p' in parents and mimeType = '${FOLDER}' and name = 'x' and trashed = false`,
    file({ parents: ['p'], mimeType: FOLDER, name: 'x' }),
    true,
  ],
  [
    `'p' in parents and mimeType = '${FOLDER}' and name = 'x' and trashed = false`,
    file({ parents: ['p'], mimeType: FOLDER, name: 'x', trashed: true }),
    false,
  ],
  ["name='a'and trashed=false", file({ name: 'a' }), true], // a string literal ends a token
  ["('x' in parents)or('p' in parents)", file({ parents: ['p'] }), true],
];

function runMatchTable(title: string, rows: MatchRow[]): void {
  describe(title, () => {
    for (const [query, candidate, expected] of rows) {
      test(`${JSON.stringify(query)} on ${JSON.stringify(candidate.name)} → ${expected}`, () => {
        assert.equal(matchesDriveQuery(parseDriveQuery(query), candidate), expected);
      });
    }
  });
}

runMatchTable('name terms and string literals', nameRows);
runMatchTable('other terms', otherTermRows);
runMatchTable('time terms', timeRows);
runMatchTable('and / or / not / parentheses', combinatorRows);

const badQueries: [query: string, message: string][] = [
  ['', 'empty query'],
  ['   ', 'empty query'],
  ["name = 'abc", 'unterminated string at position 7'],
  [String.raw`name = 'abc\'`, 'unterminated string at position 7'],
  ["name = 'abc\\", 'unterminated string at position 11'], // trailing lone backslash
  [String.raw`name = 'a\nb'`, String.raw`unknown escape \n at position 9`],
  [String.raw`name = 'a\"b'`, String.raw`unknown escape \"`],
  ['name = "abc"', 'unexpected character "\\"" at position 7'],
  ["title = 'abc'", "unknown query term 'title' at position 0"],
  ["Name = 'abc'", "unknown query term 'Name'"], // field names are case-sensitive
  ["name > 'abc'", "invalid operator '>' for 'name'"],
  ["name has 'abc'", "invalid operator 'has' for 'name'"],
  ["fullText = 'abc'", "invalid operator '=' for 'fullText'"],
  ["trashed contains 'true'", "invalid operator 'contains' for 'trashed'"],
  ['trashed = maybe', 'expected true or false'],
  ["trashed = 'true'", 'expected true or false'],
  ["modifiedTime contains '2012'", "invalid operator 'contains' for 'modifiedTime'"],
  ["modifiedTime > 'yesterday'", "invalid RFC 3339 time 'yesterday' at position 15"],
  ["modifiedTime > '2012-13-01T00:00:00'", 'invalid RFC 3339 time'],
  ["appProperties = 'x'", "invalid operator '=' for 'appProperties'"],
  ["appProperties has { key='k' }", "expected 'and' but found '}'"],
  ["appProperties has { value='v' and key='k' }", "expected 'key' but found 'value'"],
  ["appProperties has key='k' and value='v'", "expected '{'"],
  ["appProperties has { key='k' and value='v'", "expected '}' but found end of query"],
  ["'p' in owners", "unsupported collection 'owners'"],
  ["'p' in Parents", "unsupported collection 'Parents'"],
  ["'p' parents", "expected 'in' but found 'parents'"],
  ["name = 'a' name = 'b'", "unexpected 'name' at position 11"],
  ["name = 'a')", "unexpected ')' at position 10"],
  ["(name = 'a'", "expected ')' but found end of query"],
  ['()', 'empty parentheses at position 0'],
  ["name = 'a' and ()", 'empty parentheses at position 15'],
  ["name = 'a' and", 'expected a query term but found end of query'],
  ["or name = 'a'", "unknown query term 'or'"],
  ['not', 'expected a query term but found end of query'],
  ["name = 'a' & trashed = false", 'unexpected character "&" at position 11'],
  ["name ! 'a'", "unexpected '!' at position 5"],
  ['name = ', 'expected a string literal but found end of query'],
];

describe('malformed queries', () => {
  for (const [query, message] of badQueries) {
    test(`${JSON.stringify(query)} → ${message}`, () => {
      assert.throws(
        () => parseDriveQuery(query),
        (error: unknown) => error instanceof DriveQuerySyntaxError && error.message.includes(message),
      );
    });
  }
});
