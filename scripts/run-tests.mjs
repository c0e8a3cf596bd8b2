#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's built-in test runner through tsx, on the deploy runtime's Node:
// the `node` devDependency (the npm registry's Node binaries) that `npm run` puts first on PATH. A run on
// another major (the machine's own Node, say) stops at once with a hint instead of testing the wrong thing.
// Usage: node scripts/run-tests.mjs [--one-process | --shared-only] [--concurrency N] [--write-durations] [folder ...] [substring filter ...]
// Folders (test/unit, test/system, emulators/test …) say where to look, test/ and emulators/test/ by default; any other
// argument keeps only the files whose path contains it. --one-process runs every file in one process
// (the runner's --test-isolation=none): for test/unit, whose tests start nothing and share no state, it
// saves loading tsx and the sources once per file, most of the unit run's time.
//
// Without --one-process the files under test/unit/ (and STARTS_NOTHING below) still run that way, first, in one
// process (about ten seconds); every other file runs in its own process, --concurrency at a time (the cores plus three by
// default: many files spend much of their time waiting on child processes, sockets, timers and Drive's
// real create rate; on 2 idle cores a fresh clone's `npm test` took 355 s with one more than the cores and
// 330 s with three more), longest first (scripts/test-durations.json, the seconds each file took
// in a recorded run; a file not listed goes first, as it may be long). Longest first keeps one long file
// from starting last and running alone at the end. --write-durations records this run's seconds there.
// --shared-only runs only the one process of test/unit and STARTS_NOTHING (scripts/test-cpu.mjs measures it so).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const root = new URL('..', import.meta.url).pathname;
// Files outside test/unit that, like it, start nothing (no emulator, server, process or timer left running) and
// touch no process-wide state (environment, mocked timers): they run in test/unit's process, each sparing the
// second or so of CPU a process of its own costs. A file moved or renamed simply runs in its own process again.
const STARTS_NOTHING = new Set([
  'emulators/test/drive/byte-range-properties.test.ts',
  'emulators/test/drive/fields.test.ts',
  'emulators/test/drive/list-order.test.ts',
  'emulators/test/drive/query.test.ts',
  'emulators/test/drive/resumable.test.ts',
  'emulators/test/gcs/listing.test.ts',
  'emulators/test/gcs/ranges.test.ts',
  'emulators/test/harness/clock.test.ts',
  'emulators/test/harness/faults.test.ts',
  'emulators/test/harness/limits.test.ts',
  'emulators/test/harness/token-bucket.test.ts',
  'emulators/test/oauth/wire.test.ts',
  'emulators/test/persistence/state-file.test.ts',
  'emulators/test/tasks/pacing.test.ts',
  'emulators/test/tasks/wire.test.ts',
  'test/docs/links.test.ts',
  'test/system/bench/cost-model.test.ts',
  'test/system/sandbox/banner.test.ts',
  'test/system/sandbox/cloud-event.test.ts',
  'test/system/sandbox/drive-tree.test.ts',
  'test/system/sandbox/logs.test.ts',
  'test/system/sandbox/options.test.ts',
  'test/system/sandbox/outcomes.test.ts',
]);
const DURATIONS = join(root, 'scripts', 'test-durations.json');
const options = parseOptions(process.argv.slice(2));
const args = options.rest;
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

process.env.NODE_NO_WARNINGS = '1';
// Every Node process of the run (test files, function instances, the sandbox, CLI children) loads the installed
// packages with Node's own loader, not tsx's (harness/direct-deps.cjs): less CPU for every process that loads them.
const directDeps = `--require="${join(root, 'harness', 'direct-deps.cjs')}"`;
if (!(process.env.NODE_OPTIONS ?? '').includes(directDeps))
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${directDeps}`.trim();
const inUnitProcess = (f) => f.startsWith('test/unit/') || STARTS_NOTHING.has(f);
const together = options.oneProcess ? files : files.filter(inUnitProcess);
const apart = options.oneProcess || options.sharedOnly ? [] : files.filter((f) => !inUnitProcess(f));
let failed = false;

if (together.length > 0) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-isolation=none', '--test-timeout=300000', ...together], {
    cwd: root,
    stdio: 'inherit',
  });
  failed ||= result.status !== 0;
}
if (apart.length > 0) failed = (await runApart(apart)) || failed;
process.exit(failed ? 1 : 0);

/** Runs `list` one process per file, longest first; resolves to whether any test failed. */
async function runApart(list) {
  const known = readDurations();
  const secondsOf = (file) => known.get(file) ?? Infinity;
  const ordered = [...list].sort((a, b) => secondsOf(b) - secondsOf(a) || a.localeCompare(b));
  const seconds = new Map();
  let anyFailed = false;
  const stream = run({
    files: ordered.map((f) => join(root, f)),
    cwd: root,
    concurrency: options.concurrency,
    timeout: 300_000,
    execArgv: ['--import', 'tsx'],
  });
  const record = (data) => {
    if (data.nesting !== 0 || data.file === undefined) return;
    const file = relative(root, data.file);
    seconds.set(file, (seconds.get(file) ?? 0) + data.details.duration_ms / 1000);
  };
  stream.on('test:pass', record);
  stream.on('test:fail', (data) => {
    record(data);
    if (data.todo === undefined) anyFailed = true;
  });
  await new Promise((resolve, reject) => stream.compose(spec).on('end', resolve).on('error', reject).pipe(process.stdout, { end: false }));
  if (options.writeDurations) writeDurations(known, seconds);
  return anyFailed;
}

/** The recorded seconds per file; a file moved to another folder keeps its figure when its name is unique. */
function readDurations() {
  const table = existsSync(DURATIONS) ? JSON.parse(readFileSync(DURATIONS, 'utf8')) : {};
  const byPath = new Map(Object.entries(table));
  const byName = new Map();
  for (const [path, s] of byPath) byName.set(basename(path), byName.has(basename(path)) ? undefined : s);
  return { get: (file) => byPath.get(file) ?? byName.get(basename(file)) };
}

function writeDurations(known, seconds) {
  const table = existsSync(DURATIONS) ? JSON.parse(readFileSync(DURATIONS, 'utf8')) : {};
  for (const [file, s] of seconds) table[file] = Math.round(s * 10) / 10;
  const sorted = Object.fromEntries(Object.entries(table).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)));
  writeFileSync(DURATIONS, JSON.stringify(sorted, null, 2) + '\n');
  console.log(`recorded ${seconds.size} files' seconds in ${relative(root, DURATIONS)}`);
}

function parseOptions(argv) {
  const parsed = { oneProcess: false, sharedOnly: false, writeDurations: false, concurrency: availableParallelism() + 3, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--one-process') parsed.oneProcess = true;
    else if (argv[i] === '--shared-only') parsed.sharedOnly = true;
    else if (argv[i] === '--write-durations') parsed.writeDurations = true;
    else if (argv[i] === '--concurrency') parsed.concurrency = Number(argv[++i]);
    else parsed.rest.push(argv[i]);
  }
  if (!(Number.isInteger(parsed.concurrency) && parsed.concurrency >= 1)) {
    console.error('--concurrency takes a whole number of files run at once, 1 or more');
    process.exit(1);
  }
  return parsed;
}
