#!/usr/bin/env node
// `npm test`, the README's command and what CI runs: the typecheck, the lint, the format check and every
// test (scripts/run-tests.mjs). The typecheck and the lint run as one process over one TypeScript program
// (scripts/typecheck-and-lint.mjs: the same diagnostics and problems as `npm run typecheck` and `npm run
// lint`, for about 40% less CPU than the two apart). The checks run one after another beside the tests, not
// before them (together about a minute of CPU that would otherwise come first); the tests print as they
// go, each check's output is held back and printed after them, and the last lines say which parts passed
// and which failed. The run fails when any part fails. Extra arguments go to run-tests.mjs.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const CHECKS = [
  ['typecheck and lint', 'typecheck-and-lint'],
  ['format check', 'format:check'],
];
const started = Date.now();
const seconds = (from) => `${Math.round((Date.now() - from) / 1000)} s`;

/** Runs `command`; resolves to its exit code (1 if it could not start) and, unless `inherit`, its output. */
function runCommand(command, args, inherit) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout?.on('data', (chunk) => output.push(chunk));
    child.stderr?.on('data', (chunk) => output.push(chunk));
    child.on('error', (err) => resolve({ code: 1, output: `could not start ${command}: ${err.message}\n` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output: Buffer.concat(output).toString('utf8') }));
  });
}

// npm runs this script with its own path in npm_execpath; `npm run X` keeps each check defined once, in package.json.
const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
const checks = (async () => {
  const results = [];
  for (const [name, script] of CHECKS) {
    const from = Date.now();
    const { code, output } = await runCommand(npm[0], [...npm[1], 'run', '--silent', script], false);
    results.push({ name, code, output, took: seconds(from) });
  }
  return results;
})();
const tests = runCommand(process.execPath, [`${root}scripts/run-tests.mjs`, ...process.argv.slice(2)], true).then((r) => ({
  name: 'tests',
  code: r.code,
  took: seconds(started),
}));

const parts = [...(await checks), await tests];
console.log('');
for (const part of parts.filter((p) => p.name !== 'tests')) {
  console.log(`── ${part.name}: ${part.code === 0 ? 'passed' : `FAILED (exit ${part.code})`} in ${part.took}`);
  if (part.code !== 0) console.log(part.output.trimEnd());
}
const failed = parts.filter((p) => p.code !== 0).map((p) => p.name);
const verdicts = parts.map((p) => `${p.name} ${p.code === 0 ? 'passed' : 'FAILED'}`).join(', ');
console.log(`\nnpm test ${failed.length === 0 ? 'passed' : `FAILED (${failed.join(', ')})`}: ${verdicts}; ${seconds(started)} in all`);
process.exit(failed.length === 0 ? 0 : 1);
