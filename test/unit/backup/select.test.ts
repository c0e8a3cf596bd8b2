/**
 * Table-driven tests for the object filters: (glob, name, expected) rows for the glob language, mostly in
 * pairs of a match and a near miss, and (name, filter, selection) rows for `selectObject`.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  CANARY_METADATA_KEY,
  isCanary,
  isFolderPlaceholder,
  matchesGlob,
  selectObject,
  type ObjectFilter,
  type Selection,
} from '../../../src/backup/select.js';

describe('isFolderPlaceholder', () => {
  const rows: [string, boolean][] = [
    ['photos/', true],
    ['a/b/', true],
    ['/', true],
    ['photos', false],
    ['a/b/c.txt', false],
    ['a/ ', false],
  ];
  for (const [name, expected] of rows) {
    test(`${JSON.stringify(name)} → ${expected}`, () => assert.equal(isFolderPlaceholder(name), expected));
  }
});

describe('matchesGlob', () => {
  type Row = [glob: string, name: string, expected: boolean];
  const rows: Row[] = [
    // literal
    ['a.txt', 'a.txt', true],
    ['a.txt', 'a.txt2', false],
    ['a.txt', 'xa.txt', false],
    // `*` stays inside one folder
    ['*.tmp', 'x.tmp', true],
    ['*.tmp', '.tmp', true],
    ['*.tmp', 'dir/x.tmp', false],
    ['logs/*', 'logs/a', true],
    ['logs/*', 'logs/a/b', false],
    ['logs/*/x', 'logs/2024/x', true],
    ['logs/*/x', 'logs//x', true],
    ['logs/*/x', 'logs/a/b/x', false],
    // `**` crosses folders
    ['logs/**', 'logs/a/b/c', true],
    ['logs/**', 'logs/', true],
    ['logs/**', 'other/a', false],
    ['**.tmp', 'a/b/c.tmp', true],
    ['**.tmp', 'c.tmp', true],
    ['**.tmp', 'c.tmp.gz', false],
    // `**/` is zero or more whole folders
    ['**/*.tmp', 'x.tmp', true],
    ['**/*.tmp', 'a/b/x.tmp', true],
    ['**/*.tmp', 'a/b/x.tmpl', false],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**/b', 'a/xb', false],
    // `?` is one character, never `/`
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file12.txt', false],
    ['file?.txt', 'file.txt', false],
    ['a?b', 'a/b', false],
    ['?', 'é', true],
    ['?', '😀', true],
    // regex metacharacters are literal
    ['a.b', 'axb', false],
    ['a+b', 'a+b', true],
    ['a+b', 'aab', false],
    ['(x)[y]{2}|z^$', '(x)[y]{2}|z^$', true],
    ['(x)[y]{2}|z^$', 'xyy', false],
    ['back\\slash', 'back\\slash', true],
    ['back\\slash', 'backslash', false],
    ['a-b', 'a-b', true],
    // whole-name match, newlines included in `**`
    ['**', 'anything/at/all', true],
    ['**', '', true],
    ['*', 'line\nbreak', true],
    ['', '', true],
    ['', 'a', false],
  ];
  for (const [glob, name, expected] of rows) {
    test(`${JSON.stringify(glob)} vs ${JSON.stringify(name)} → ${expected}`, () => {
      assert.equal(matchesGlob(glob, name), expected);
      assert.equal(matchesGlob(glob, name), expected, 'same answer from the cached pattern');
    });
  }
});

describe('selectObject', () => {
  const canaryPrefix = '.gcs-drive-backup-canary/';
  const none: ObjectFilter = { includePrefixes: [], excludeGlobs: [], canaryPrefix };
  const only = (includePrefixes: string[], excludeGlobs: string[] = []): ObjectFilter => ({ includePrefixes, excludeGlobs, canaryPrefix });
  const canaryMark = { [CANARY_METADATA_KEY]: 'run-1' };
  type Row = [name: string, filter: ObjectFilter, expected: Selection, metadata?: Record<string, string>];
  const rows: Row[] = [
    ['a/b.txt', none, { backup: true }],
    ['a/', none, { backup: false, reason: 'folder-placeholder' }],
    ['a/', only(['a/']), { backup: false, reason: 'folder-placeholder' }],
    ['photos/x.jpg', only(['photos/', 'docs/']), { backup: true }],
    ['docs/x.pdf', only(['photos/', 'docs/']), { backup: true }],
    [
      'music/x.mp3',
      only(['photos/', 'docs/']),
      {
        backup: false,
        reason: 'not-included',
        detail: 'name starts with none of INCLUDE_PREFIXES (photos/, docs/)',
      },
    ],
    [
      'photos/x.tmp',
      only(['photos/'], ['**.log', '**/*.tmp']),
      { backup: false, reason: 'excluded', detail: 'matches EXCLUDE_GLOBS entry **/*.tmp' },
    ],
    ['photos/x.jpg', only(['photos/'], ['**.log', '**/*.tmp']), { backup: true }],
    ['x.log', only([], ['*.log']), { backup: false, reason: 'excluded', detail: 'matches EXCLUDE_GLOBS entry *.log' }],
    ['dir/x.log', only([], ['*.log']), { backup: true }],
    // A canary (in the prefix AND marked) passes every filter; either half alone is user data.
    [`${canaryPrefix}c-1.txt`, none, { backup: true, canary: true }, canaryMark],
    [`${canaryPrefix}c-1.txt`, only(['photos/'], ['**']), { backup: true, canary: true }, canaryMark],
    [
      `${canaryPrefix}mine.txt`,
      only(['photos/']),
      { backup: false, reason: 'not-included', detail: 'name starts with none of INCLUDE_PREFIXES (photos/)' },
    ],
    [`${canaryPrefix}mine.txt`, none, { backup: true }, { [CANARY_METADATA_KEY]: '' }],
    [`${canaryPrefix}mine.txt`, none, { backup: true }, { other: 'x' }],
    [
      'photos/c-1.txt',
      only(['photos/'], ['**/c-*']),
      { backup: false, reason: 'excluded', detail: 'matches EXCLUDE_GLOBS entry **/c-*' },
      canaryMark,
    ],
    ['x/.gcs-drive-backup-canary/c.txt', none, { backup: true }, canaryMark],
    ['.gcs-drive-backup-canary/c.txt', { ...none, canaryPrefix: 'canaries/' }, { backup: true }, canaryMark],
    ['canaries/c.txt', { ...only(['photos/']), canaryPrefix: 'canaries/' }, { backup: true, canary: true }, canaryMark],
  ];
  for (const [name, filter, expected, metadata] of rows) {
    test(`${name} with ${JSON.stringify(filter)} and ${JSON.stringify(metadata ?? {})} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(selectObject(name, filter, metadata), expected);
    });
  }
});

describe('isCanary', () => {
  const rows: [name: string, metadata: Record<string, string> | undefined, expected: boolean][] = [
    ['.gcs-drive-backup-canary/a', { [CANARY_METADATA_KEY]: 'x' }, true],
    ['.gcs-drive-backup-canary/a', undefined, false],
    ['.gcs-drive-backup-canary/a', { [CANARY_METADATA_KEY]: '' }, false],
    ['.gcs-drive-backup-canary', { [CANARY_METADATA_KEY]: 'x' }, false],
    ['elsewhere/a', { [CANARY_METADATA_KEY]: 'x' }, false],
  ];
  for (const [name, metadata, expected] of rows) {
    test(`${name} ${JSON.stringify(metadata)} → ${expected}`, () =>
      assert.equal(isCanary(name, metadata, '.gcs-drive-backup-canary/'), expected));
  }
});
