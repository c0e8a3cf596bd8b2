/**
 * test/unit/ mirrors src/ one to one: the unit test of src/X.ts is test/unit/X.test.ts, so a reader finds
 * a file's test (or its absence) from its path alone. The tests of src/ as a whole (this one and
 * layout.test.ts) sit at the top of test/unit/ with no file of their own.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const UNIT = join(ROOT, 'test', 'unit');
const WHOLE_SRC = new Set(['layout.test.ts', 'mirror.test.ts']);

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? testFiles(path) : name.endsWith('.test.ts') ? [relative(UNIT, path)] : [];
  });
}

/** The unit tests (paths under test/unit/) whose src/ file does not exist. */
export function unmirrored(tests: readonly string[], srcExists: (path: string) => boolean): string[] {
  return tests.filter((t) => !WHOLE_SRC.has(t) && !srcExists(join('src', t.replace(/\.test\.ts$/, '.ts'))));
}

describe('test/unit mirrors src', () => {
  test('every test/unit/X.test.ts tests a src/X.ts', () => {
    const missing = unmirrored(testFiles(UNIT), (path) => existsSync(join(ROOT, path)));
    assert.deepEqual(missing, [], 'move each test to the path of the src/ file it tests, or under test/system/');
  });

  test('the rule can fail: a test with no src/ file, or in the wrong folder, is caught', () => {
    const present = new Set([join('src', 'backup', 'claim', 'plan.ts'), join('src', 'core', 'retry.ts')]);
    const tests = [
      ['backup', 'claim', 'plan.test.ts'],
      ['backup', 'plan.test.ts'],
      ['core', 'retry.test.ts'],
      ['core', 'nothing.test.ts'],
      ['layout.test.ts'],
    ];
    const found = unmirrored(
      tests.map((parts) => parts.join(sep)),
      (path) => present.has(path),
    );
    assert.deepEqual(found, [join('backup', 'plan.test.ts'), join('core', 'nothing.test.ts')]);
  });
});
