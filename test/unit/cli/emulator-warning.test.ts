/**
 * The CLI's one warning line about emulator hosts: the pure line (a table), and through the CLI's entry
 * (runCli), printed once before the command runs and never when no emulator host is set.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { emulatorWarning } from '../../../src/cli/emulator-warning.js';
import { runCli } from '../../../src/cli/main.js';

describe('emulatorWarning', () => {
  const rows: [what: string, env: NodeJS.ProcessEnv, expected: string | undefined][] = [
    ['none set', { PATH: '/bin', SOURCE_BUCKET: 'b' }, undefined],
    ['an empty one is not in effect', { STORAGE_EMULATOR_HOST: '' }, undefined],
    [
      'one',
      { STORAGE_EMULATOR_HOST: 'http://127.0.0.1:9000' },
      'gcs-drive-backup: warning: emulators in effect, requests (tokens and secrets included) go in clear text to STORAGE_EMULATOR_HOST=http://127.0.0.1:9000\n',
    ],
    [
      'every one, sorted by name, in one line',
      {
        STORAGE_EMULATOR_HOST: 's',
        OAUTH_EMULATOR_HOST: 'o',
        DRIVE_EMULATOR_HOST: 'd',
        SECRET_MANAGER_EMULATOR_HOST: 'm',
        CLOUD_TASKS_EMULATOR_HOST: 't',
      },
      'gcs-drive-backup: warning: emulators in effect, requests (tokens and secrets included) go in clear text to CLOUD_TASKS_EMULATOR_HOST=t, DRIVE_EMULATOR_HOST=d, OAUTH_EMULATOR_HOST=o, SECRET_MANAGER_EMULATOR_HOST=m, STORAGE_EMULATOR_HOST=s\n',
    ],
    [
      'a value is printed as data',
      { DRIVE_EMULATOR_HOST: 'http://x\u001b]0;t\u0007' },
      'gcs-drive-backup: warning: emulators in effect, requests (tokens and secrets included) go in clear text to DRIVE_EMULATOR_HOST=http://x\\u001b]0;t\\u0007\n',
    ],
  ];
  for (const [what, env, expected] of rows) test(what, () => assert.equal(emulatorWarning(env), expected));

  test('a --*-emulator-host flag is in effect too, and wins over the environment', () => {
    const line = emulatorWarning({ STORAGE_EMULATOR_HOST: 'env' }, [
      'gs://b/o',
      '--storage-emulator-host',
      'flag',
      '--drive-emulator-host=d',
    ]);
    assert.match(line ?? '', / to DRIVE_EMULATOR_HOST=d, STORAGE_EMULATOR_HOST=flag\n$/);
  });
});

describe('runCli', () => {
  const run = async (env: NodeJS.ProcessEnv, args: string[] = []): Promise<string[]> => {
    const stderr: string[] = [];
    await runCli({
      argv: ['backup', '--help-me', ...args],
      env,
      stdout: () => undefined,
      stderr: (t) => void stderr.push(t),
      isTTY: false,
    });
    return stderr;
  };

  test('warns once, first, when an emulator host is in effect', async () => {
    const stderr = await run({ OAUTH_EMULATOR_HOST: 'http://10.0.0.9:8085' });
    assert.equal(stderr.filter((t) => t.includes('emulators in effect')).length, 1);
    assert.match(stderr[0], /^gcs-drive-backup: warning: emulators in effect, .* OAUTH_EMULATOR_HOST=http:\/\/10\.0\.0\.9:8085\n$/);
  });

  test('says nothing of emulators without one', async () => {
    assert.ok((await run({})).every((t) => !t.includes('emulators in effect')));
  });

  test('names a host given as a flag', async () => {
    assert.match(
      (await run({}, ['--oauth-emulator-host', 'http://h:1']))[0],
      /emulators in effect, .* OAUTH_EMULATOR_HOST=http:\/\/h:1\n$/,
    );
  });
});
