/**
 * The restore command exposes V8's collector to itself (npx starts it without --expose-gc): in a fresh
 * process without the flag, `exposeGc` makes `globalThis.gc` a collector that runs a young-generation
 * and a full collection, as src/core/memory.ts calls them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

test('a process started without --expose-gc gets a working gc', () => {
  const script = [
    "const { exposeGc } = require('./src/cli/expose-gc.ts');",
    'const before = typeof globalThis.gc;',
    'const exposed = exposeGc();',
    "globalThis.gc({ type: 'minor' });",
    "globalThis.gc({ type: 'major' });",
    'console.log(JSON.stringify({ before, exposed, after: typeof globalThis.gc, again: exposeGc() }));',
  ].join('\n');
  const env = { ...process.env, NODE_OPTIONS: '' };
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, env, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout.trim()), { before: 'undefined', exposed: true, after: 'function', again: true });
});
