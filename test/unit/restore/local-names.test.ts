/**
 * Where an object lands under `--to-dir`, as a table: plain names are their own path; anything that could
 * leave DIR, or that a filesystem or a script would choke on, is mapped, and the TSV escapes are reversible.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localNameOf, mappedPath, namesFile, parseNamesFile, tsvField } from '../../../src/restore/local-names.js';

const rows: [name: string, mapped: boolean][] = [
  ['a.txt', false],
  ['dir/sub/ünï 文件.txt', false],
  ['with\\backslash', false],
  ['..', true],
  ['a/../b', true],
  ['./a', true],
  ['/abs', true],
  ['a//b', true],
  ['trailing/', true],
  ['nul\u0000byte', true],
  ['tab\there', true],
  ['esc\u001b[0m', true],
  [`${'x'.repeat(255)}/ok`, false],
  [`${'x'.repeat(256)}/too-long-part`, true],
  [`${'é'.repeat(128)}`, true],
  [Array.from({ length: 20 }, () => 'p'.repeat(200)).join('/'), true],
  ['restore-names.tsv', true],
  ['sub/restore-names.tsv', false],
  ['.restore-mapped/x', true],
  ['.restore-partial/x', true],
];

test('which names are mapped', () => {
  for (const [name, mapped] of rows) {
    const local = localNameOf(name);
    assert.equal(local.mappedBecause !== undefined, mapped, JSON.stringify(name).slice(0, 60));
    assert.equal(local.path, mapped ? mappedPath(name) : name);
  }
});

test('a mapped path is one hex name under .restore-mapped/, the same for the same name only', () => {
  assert.match(mappedPath('../x'), /^\.restore-mapped\/[0-9a-f]{64}$/);
  assert.equal(mappedPath('../x'), mappedPath('../x'));
  assert.notEqual(mappedPath('../x'), mappedPath('../y'));
});

test('TSV fields escape what would break a line or a column, and the file merges back unchanged', () => {
  assert.equal(tsvField('a\tb\nc\rd\\e\u0001'), 'a\\tb\\nc\\rd\\\\e\\x01');
  const text = namesFile(
    new Map([
      ['.restore-mapped/2', tsvField('b\tc')],
      ['.restore-mapped/1', tsvField('a')],
    ]),
  );
  assert.equal(text.split('\n')[1], '.restore-mapped/1\ta');
  assert.deepEqual(
    [...parseNamesFile(text)],
    [
      ['.restore-mapped/1', 'a'],
      ['.restore-mapped/2', 'b\\tc'],
    ],
  );
});
