#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's built-in test runner through tsx, on the deploy runtime's Node:
// the `node` devDependency (the npm registry's Node binaries) that `npm run` puts first on PATH. A run on
// another major (the machine's own Node, say) stops at once with a hint instead of testing the wrong thing.
// Usage: node scripts/run-tests.mjs [--one-process] [folder ...] [substring filter ...]
// Folders (test/unit, test/system, emulators/test …) say where to look, test/ and emulators/test/ by default; any other
// argument keeps only the files whose path contains it. --one-process runs every file in one process
// (the runner's --test-isolation=none): for test/unit, whose tests start nothing and share no state, it
// saves loading tsx and the sources once per file, most of the unit run's time.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const oneProcess = process.argv.includes('--one-process');
const args = process.argv.slice(2).filter((arg) => arg !== '--one-process');
const isFolder = (arg) => existsSync(join(root, arg)) && statSync(join(root, arg)).isDirectory();
const folders = args.filter(isFolder);
const filters = args.filter((arg) => !isFolder(arg));

const wanted = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies.node;
const major = process.versions.node.split('.')[0];
if (major !== String(wanted).split('.')[0]) {
  console.error(
    `tests run on Node ${wanted} (the deploy runtime), not ${process.version}: use \`npm test\` or node_modules/.bin/node scripts/run-tests.mjs`,
  );
  process.exit(1);
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const files = (folders.length > 0 ? folders : ['test', 'emulators/test'])
  .flatMap((folder) => walk(join(root, folder)))
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    ...(oneProcess ? ['--test-isolation=none'] : []),
    '--test-concurrency=2',
    '--test-timeout=300000',
    ...files,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  },
);
process.exit(result.status ?? 1);
