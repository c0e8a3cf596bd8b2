#!/usr/bin/env node
// Measures what `npm test` costs in CPU, part by part: each test file outside test/unit in its own process,
// test/unit in one process, and each check (typecheck and lint in one process, format check).
// CPU seconds (user + system, the process and every child it waited for: emulators, function processes,
// gcloud's Python) do not depend on how loaded the shared machine is, as wall seconds do, so two tables
// taken on different days compare. Prints one line per part, most CPU first, and the total.
// Usage: node_modules/.bin/node scripts/test-cpu.mjs [--concurrency N] [--no-checks] [substring filter ...]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const argv = process.argv.slice(2);
let concurrency = 2;
let checks = true;
const filters = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--concurrency') concurrency = Number(argv[++i]);
  else if (argv[i] === '--no-checks') checks = false;
  else filters.push(argv[i]);
}

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
const files = ['test', 'emulators/test']
  .flatMap((folder) => walk(join(root, folder)))
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => relative(root, f))
  .sort();
const keep = (name) => filters.length === 0 || filters.some((s) => name.includes(s));
const node = process.execPath;
const bin = (name) => join(root, 'node_modules', '.bin', name);
// Each part as `npm test` runs it: through run-tests.mjs (its environment, its flags), one file at a time.
const runTests = (...args) => [node, join(root, 'scripts', 'run-tests.mjs'), ...args];
// Which files share test/unit's process is run-tests.mjs's to say: its list is read from its source.
const shared = new Set(
  [...readFileSync(join(root, 'scripts', 'run-tests.mjs'), 'utf8').matchAll(/^ {2}'([^']+\.test\.ts)',$/gm)].map((m) => m[1]),
);
const jobs = [
  ...files.filter((f) => !f.startsWith('test/unit/') && !shared.has(f) && keep(f)).map((f) => ({ name: f, command: runTests(f) })),
  ...(keep('test/unit') ? [{ name: `test/unit and ${shared.size} more files (one process)`, command: runTests('--shared-only') }] : []),
  ...(checks
    ? [
        { name: 'check: typecheck and lint', command: [node, join(root, 'scripts', 'typecheck-and-lint.mjs')] },
        { name: 'check: format', command: [bin('prettier'), '--check', '.'] },
      ]
    : []),
];

const scratch = mkdtempSync(join(tmpdir(), 'test-cpu-'));
const env = { ...process.env, NODE_NO_WARNINGS: '1', PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}` };
/** Runs one job under /usr/bin/time; resolves to its CPU and wall seconds and exit code. */
function measure(job, index) {
  const out = join(scratch, `${index}.time`);
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/time', ['-f', '%U %S %e', '-o', out, ...job.command], { cwd: root, env, stdio: 'ignore' });
    child.on('close', (code) => {
      const [user, sys, wall] = readFileSync(out, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
      resolve({ ...job, code, user, sys, cpu: user + sys, wall });
    });
  });
}

const results = [];
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < jobs.length) {
      const index = next++;
      const result = await measure(jobs[index], index);
      results.push(result);
      console.error(
        `${result.cpu.toFixed(1).padStart(7)} s cpu ${result.wall.toFixed(0).padStart(5)} s wall  exit ${result.code}  ${result.name}`,
      );
    }
  }),
);
rmSync(scratch, { recursive: true, force: true });

results.sort((a, b) => b.cpu - a.cpu);
const total = (pick) => results.reduce((sum, r) => sum + r[pick], 0);
console.log('  cpu s   user s    sys s   wall s  exit  part');
for (const r of results) {
  console.log(
    `${r.cpu.toFixed(1).padStart(7)} ${r.user.toFixed(1).padStart(8)} ${r.sys.toFixed(1).padStart(8)} ${r.wall.toFixed(1).padStart(8)} ${String(r.code).padStart(5)}  ${r.name}`,
  );
}
console.log(
  `${total('cpu').toFixed(1).padStart(7)} ${total('user').toFixed(1).padStart(8)} ${total('sys').toFixed(1).padStart(8)}        -        all ${results.length} parts`,
);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
