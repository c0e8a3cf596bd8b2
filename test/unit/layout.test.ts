/**
 * The layout of src/, as docs/architecture.md's table (between `<!-- src-layout -->` markers) states it:
 * the table lists exactly what `ls src` shows, every import points down the table (a file imports from
 * its own folder and from folders of a higher layer, never up or sideways), and every file opens with a
 * comment saying why it exists and stays small enough to hold in one's head. And the emulators are a package
 * of their own (`@gcs-drive-backup/emulators`, the workspace emulators/): everything else imports them by
 * that name, never by a relative path; they import nothing of the product's folders; src/ not them at all.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const SRC = join(ROOT, 'src');
const MAX_LINES = 300;

/** `index.ts` → 0, `core/` → 9 …, from docs/architecture.md's table. */
function layersFromTable(): Map<string, number> {
  const page = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
  const table = /<!-- src-layout -->([\s\S]*?)<!-- \/src-layout -->/.exec(page)?.[1];
  assert.ok(table, 'docs/architecture.md has the src layout table between <!-- src-layout --> markers');
  const layers = new Map<string, number>();
  for (const line of table.split('\n')) {
    const row = /^\| `([^`]+)` \| (\d+) \|/.exec(line);
    if (row) layers.set(row[1].replace(/\/$/, ''), Number(row[2]));
  }
  return layers;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** The table's row a file of src/ belongs to: its folder, or the file itself at the top. */
const unitOf = (file: string): string => relative(SRC, file).split(sep)[0];
/** The folder a file is in, `.` for the top of src/: imports within one are free. */
const folderOf = (file: string): string => (relative(SRC, file).includes(sep) ? unitOf(file) : '.');

/** Relative specifiers of every static and dynamic import, `export … from` and `require()`. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from|import\(|require\()\s*'(\.[^']+)'/g)) found.push(m[1]);
  return found;
}

const layers = layersFromTable();
const files = sourceFiles(SRC);

/** Why `file` may not import `specifier`, or undefined when it may. */
function problemOf(file: string, specifier: string): string | undefined {
  const target = resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
  if (!target.startsWith(SRC + sep)) return `${relative(ROOT, file)} imports ${specifier}, outside src/`;
  if (folderOf(target) === folderOf(file)) return undefined;
  const [from, to] = [unitOf(file), unitOf(target)];
  const [a, b] = [layers.get(from), layers.get(to)];
  if (a !== undefined && b !== undefined && b > a) return undefined;
  return `${relative(ROOT, file)} (${from}, layer ${a}) imports ${specifier} (${to}, layer ${b})`;
}

describe('src/ layout', () => {
  test('the table lists exactly what ls src shows', () => {
    const listed = [...layers.keys()].sort();
    const present = readdirSync(SRC)
      .filter((name) => name.endsWith('.ts') || statSync(join(SRC, name)).isDirectory())
      .sort();
    assert.deepEqual(listed, present);
  });

  test('imports point down the table: own folder, or a higher layer', () => {
    const wrong = files.flatMap((file) => importsOf(readFileSync(file, 'utf8')).flatMap((specifier) => problemOf(file, specifier) ?? []));
    assert.deepEqual(wrong, []);
  });

  test('the rule can fail: up, sideways and out of src/ are caught; down and within a folder are not', () => {
    const at = (path: string) => join(SRC, path);
    const rows: [file: string, specifier: string, caught: boolean][] = [
      ['core/retry.ts', '../backup/deps.js', true],
      ['drive/files.ts', '../gcs/source.js', true],
      ['http/handler.ts', '../cli/io.js', true],
      ['backup/deps.ts', '../index.js', true],
      ['backup/deps.ts', '../tasks/dispatch.js', true],
      ['tasks/worker.ts', '../http/validate.js', true],
      ['event/handle-event.ts', '../http/handler.js', true],
      ['backup/deps.ts', '../../emulators/index.js', true],
      ['backup/deps.ts', '../core/logs.js', false],
      ['backup/deps.ts', './job.js', false],
      ['index.ts', './entry-points.js', false],
      ['tasks/worker.ts', '../backup/backup-and-log.js', false],
      ['backup/pipeline.ts', './claim/plan.js', false],
    ];
    for (const [file, specifier, caught] of rows)
      assert.equal(problemOf(at(file), specifier) !== undefined, caught, `${file} → ${specifier}`);
  });

  test(`every file opens with a comment saying why it exists, and has at most ${MAX_LINES} lines`, () => {
    const wrong: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      if (!text.startsWith('/**')) wrong.push(`${relative(ROOT, file)} does not open with a /** comment */`);
      const lines = text.split('\n').length;
      if (lines > MAX_LINES) wrong.push(`${relative(ROOT, file)} has ${lines} lines`);
    }
    assert.deepEqual(wrong, []);
  });
});

const EMULATORS = join(ROOT, 'emulators');
const EMULATORS_PACKAGE = '@gcs-drive-backup/emulators';
/** Folders of the repository that hold no code of ours (or are the package's installed link). */
const NOT_OURS = new Set(['node_modules', 'dist', 'coverage', 'terraform', 'test-results']);

/** Every script of ours: TypeScript and JavaScript, outside dot folders and NOT_OURS. */
function codeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name.startsWith('.') || NOT_OURS.has(name) ? [] : codeFiles(path);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(name) ? [path] : [];
  });
}

/** Every specifier of static, side-effect and dynamic imports, `export … from` and `require()`, relative or not. */
const specifiersOf = (text: string): string[] =>
  [...text.matchAll(/(?:\bfrom|\bimport\s*\(?|\brequire\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);

const inside = (dir: string, path: string): boolean => path === dir || path.startsWith(dir + sep);

/** Why `file` may not import `specifier` under the package rule, or undefined when it may. */
export function packageProblemOf(file: string, specifier: string): string | undefined {
  const where = relative(ROOT, file);
  if (specifier.startsWith('.')) {
    const target = resolve(dirname(file), specifier);
    if (inside(EMULATORS, file) && !inside(EMULATORS, target)) return `${where} imports ${specifier}, outside emulators/`;
    if (!inside(EMULATORS, file) && inside(EMULATORS, target)) return `${where} imports ${specifier}: use ${EMULATORS_PACKAGE}`;
    return undefined;
  }
  const isPackage = specifier === EMULATORS_PACKAGE || specifier.startsWith(`${EMULATORS_PACKAGE}/`);
  if (isPackage && inside(SRC, file)) return `${where} imports ${specifier}: the deployed code never uses the emulators`;
  return undefined;
}

describe('the emulators package', () => {
  test('nothing outside emulators/ imports it by a relative path; it imports nothing outside itself; src/ not it', () => {
    const wrong = codeFiles(ROOT).flatMap((file) =>
      specifiersOf(readFileSync(file, 'utf8')).flatMap((specifier) => packageProblemOf(file, specifier) ?? []),
    );
    assert.deepEqual(wrong, []);
  });

  test('the rule can fail: relative paths into or out of emulators/ and the package in src/ are caught', () => {
    const rows: [file: string, specifier: string, caught: boolean][] = [
      ['test/system/tasks/harness.ts', '../../../emulators/index.js', true],
      ['bench/emulators-memory.ts', '../emulators/test/gcs/support.js', true],
      ['sandbox/main.ts', '../emulators/index.js', true],
      ['emulators/drive/store.ts', '../../src/core/logs.js', true],
      ['emulators/test/gcs.test.ts', '../../test/support/world.js', true],
      ['emulators/index.ts', '../sandbox/seed.js', true],
      ['src/backup/pipeline.ts', '@gcs-drive-backup/emulators', true],
      ['src/core/logs.ts', '@gcs-drive-backup/emulators/drive/query.js', true],
      ['test/system/tasks/harness.ts', '@gcs-drive-backup/emulators', false],
      ['sandbox/main.ts', '@gcs-drive-backup/emulators/tasks/index.js', false],
      ['emulators/test/gcs.test.ts', '../index.js', false],
      ['emulators/drive/store.ts', '../harness/clock.js', false],
      ['test/system/tasks/harness.ts', '../../support/world.js', false],
    ];
    for (const [file, specifier, caught] of rows)
      assert.equal(packageProblemOf(join(ROOT, file), specifier) !== undefined, caught, `${file} → ${specifier}`);
  });
});

const TESTS = join(ROOT, 'test');
const SHARED_TOOLS = ['bench', 'sandbox', 'harness'];

/** bench/, sandbox/ and harness/ start and seed the functions through harness/, never through the tests' own helpers. */
export function toolProblemOf(file: string, specifier: string): string | undefined {
  const tool = SHARED_TOOLS.find((dir) => inside(join(ROOT, dir), file));
  if (tool === undefined || !specifier.startsWith('.')) return undefined;
  if (!inside(TESTS, resolve(dirname(file), specifier))) return undefined;
  return `${relative(ROOT, file)} imports ${specifier}: ${tool}/ uses harness/, not test/`;
}

describe('the shared harness', () => {
  test('bench/, sandbox/ and harness/ import nothing from test/', () => {
    const wrong = SHARED_TOOLS.flatMap((dir) =>
      codeFiles(join(ROOT, dir)).flatMap((file) =>
        specifiersOf(readFileSync(file, 'utf8')).flatMap((specifier) => toolProblemOf(file, specifier) ?? []),
      ),
    );
    assert.deepEqual(wrong, []);
  });

  test('the rule can fail', () => {
    const rows: [file: string, specifier: string, caught: boolean][] = [
      ['bench/restore.ts', '../test/support/world.js', true],
      ['sandbox/sandbox.ts', '../test/support/world.js', true],
      ['harness/function-world.ts', '../test/system/tasks/harness.js', true],
      ['bench/restore.ts', '../harness/function-world.js', false],
      ['test/system/tasks/harness.ts', '../../support/world.js', false],
    ];
    for (const [file, specifier, caught] of rows)
      assert.equal(toolProblemOf(join(ROOT, file), specifier) !== undefined, caught, `${file} → ${specifier}`);
  });
});
