/**
 * The settings table and the value parsers it is made of: every setting has one environment variable
 * and one flag (the variable in kebab case unless named otherwise), no two share a name, and each parser
 * turns text into a value or a problem sentence, from a table of good and bad inputs.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bucketName,
  commaList,
  decimal,
  driveFolderId,
  emulatorHost,
  flagNames,
  oneOf,
  secretVersion,
  secretWithoutVersion,
  trueOrFalse,
  wholeNumber,
  type ValueParser,
} from '../../../src/config/option.js';
import { ALL_SETTINGS, SETTINGS } from '../../../src/config/settings.js';

describe('the settings table', () => {
  test('variables and flags are unique, old flag names included', () => {
    const envs = ALL_SETTINGS.map((s) => s.env);
    const flags = ALL_SETTINGS.flatMap(flagNames);
    assert.equal(new Set(envs).size, envs.length);
    assert.equal(new Set(flags).size, flags.length);
  });

  test('a flag is its variable in kebab case, but for the two named like the other commands name them', () => {
    const renamed = new Map([
      ['DRIVE_FOLDER_ID', 'folder-id'],
      ['TOKEN_SECRET', 'secret'],
    ]);
    for (const s of ALL_SETTINGS) assert.equal(s.flag, renamed.get(s.env) ?? s.env.toLowerCase().replaceAll('_', '-'), s.env);
    assert.deepEqual(SETTINGS.driveFolderId.deprecatedFlags, ['drive-folder-id']);
    assert.deepEqual(SETTINGS.tokenSecretVersion.deprecatedFlags, ['token-secret']);
  });

  test('every setting has an example its own parser accepts, and a help line', () => {
    for (const s of ALL_SETTINGS) {
      assert.ok(s.help.length > 10, s.env);
      assert.equal(s.parse(s.example).ok, true, `${s.env}=${s.example}`);
    }
  });

  test('a default, written out and parsed again, is itself: a value, never text', () => {
    for (const s of ALL_SETTINGS) {
      const d = s.default;
      if (typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean') {
        assert.deepEqual(s.parse(String(d)), { ok: true, value: d }, s.env);
      }
    }
    assert.deepEqual(SETTINGS.includePrefixes.default, []);
  });
});

describe('value parsers', () => {
  type Row = [name: string, parse: ValueParser<unknown>, text: string, expected: unknown];
  const PROBLEM = Symbol('problem');
  const rows: Row[] = [
    ['whole number in range', wholeNumber(1, 10), '7', 7],
    ['whole number written as a decimal', wholeNumber(1, 10), '7.0', 7],
    ['whole number out of range', wholeNumber(1, 10), '11', PROBLEM],
    ['whole number with a fraction', wholeNumber(1, 10), '7.5', PROBLEM],
    ['whole number with a sign', wholeNumber(0, 10), '-1', PROBLEM],
    ['decimal multiple of 0.25', decimal((n) => Number.isInteger(n * 4), 'a multiple of 0.25'), '1.75', 1.75],
    ['decimal exponent refused', decimal(() => true, 'a number'), '1e3', PROBLEM],
    ['one of, any case', oneOf(['keep', 'trash']), 'TRASH', 'trash'],
    ['one of, unknown', oneOf(['keep', 'trash']), 'delete', PROBLEM],
    ['true/false yes', trueOrFalse, 'yes', true],
    ['true/false 0', trueOrFalse, '0', false],
    ['true/false maybe', trueOrFalse, 'maybe', PROBLEM],
    ['comma list', commaList, ' a/ ,, b/,', ['a/', 'b/']],
    ['bucket', bucketName, 'my-bucket.example.com', 'my-bucket.example.com'],
    ['bucket with gs://', bucketName, 'gs://b', PROBLEM],
    ['folder id', driveFolderId, '0ABCdef_-123XYZ', '0ABCdef_-123XYZ'],
    ['folder id too short', driveFolderId, 'root', PROBLEM],
    ['secret, default version', secretVersion, 'projects/p/secrets/s', 'projects/p/secrets/s/versions/latest'],
    ['secret, numbered version', secretVersion, 'projects/p/secrets/s/versions/3', 'projects/p/secrets/s/versions/3'],
    ['secret, version 0', secretVersion, 'projects/p/secrets/s/versions/0', PROBLEM],
    ['secret without a version', secretWithoutVersion, 'projects/p/secrets/s', 'projects/p/secrets/s'],
    ['secret without a version, given one: the secret', secretWithoutVersion, 'projects/p/secrets/s/versions/1', 'projects/p/secrets/s'],
    ['secret without a version, given latest', secretWithoutVersion, 'projects/p/secrets/s/versions/latest', 'projects/p/secrets/s'],
    ['emulator host:port', emulatorHost, 'localhost:9199', 'http://localhost:9199'],
    ['emulator URL with a path', emulatorHost, 'https://x.test/base//', 'https://x.test/base'],
    ['emulator ftp', emulatorHost, 'ftp://x:21', PROBLEM],
    ['emulator with a query', emulatorHost, 'x:1?a=b', PROBLEM],
  ];
  for (const [name, parse, text, expected] of rows) {
    test(`${name}: ${JSON.stringify(text)}`, () => {
      const result = parse(text);
      if (expected === PROBLEM) {
        assert.equal(result.ok, false);
        if (!result.ok) assert.match(result.problem, /^must .*, got "/);
      } else assert.deepEqual(result, { ok: true, value: expected });
    });
  }

  test('a refused secret says a version suffix is allowed', () => {
    const result = secretWithoutVersion('projects/p/secrets/s/versions/');
    assert.ok(!result.ok && /a \/versions\/… suffix is allowed/.test(result.problem));
  });
});
