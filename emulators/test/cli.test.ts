/**
 * `npm run emulators` (emulators/cli.ts as a child process): prints one `NAME=value` line per emulator
 * host and seed value, serves every emulator on its port, and stops cleanly on SIGINT.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

test('prints the five *_EMULATOR_HOST lines (CLOUD_TASKS_EMULATOR_HOST among them) and the seed, then serves them', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'cli.ts')], {
    cwd: join(__dirname, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const vars: Record<string, string> = {};
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (stdout += chunk));
  try {
    while (!/^OAUTH_REFRESH_TOKEN=.+$/m.test(stdout)) {
      const exited = once(child, 'exit').then(() => 'exit');
      const data = once(child.stdout, 'data').then(() => 'data');
      if ((await Promise.race([exited, data])) === 'exit') assert.fail(`the CLI exited early; stdout:\n${stdout}`);
    }
    for (const line of stdout.trim().split('\n')) {
      const at = line.indexOf('=');
      vars[line.slice(0, at)] = line.slice(at + 1);
    }
    assert.deepEqual(Object.keys(vars), [
      'STORAGE_EMULATOR_HOST',
      'DRIVE_EMULATOR_HOST',
      'OAUTH_EMULATOR_HOST',
      'SECRET_MANAGER_EMULATOR_HOST',
      'CLOUD_TASKS_EMULATOR_HOST',
      'OAUTH_CLIENT_ID',
      'OAUTH_CLIENT_SECRET',
      'OAUTH_REFRESH_TOKEN',
    ]);
    const stats = await fetch(`${vars.CLOUD_TASKS_EMULATOR_HOST}/_emulator/tasks/stats`);
    assert.deepEqual(await stats.json(), { queues: [] });
    const unauthenticated = await fetch(`${vars.CLOUD_TASKS_EMULATOR_HOST}/v2/projects/p/locations/l/queues`);
    assert.equal(unauthenticated.status, 401);
  } finally {
    const exit = once(child, 'exit');
    child.kill('SIGINT');
    const [code] = (await exit) as [number | null];
    assert.equal(code, 0);
  }
});
