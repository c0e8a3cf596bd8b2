/** sandbox/options.ts: flags and environment → options, and every usage error. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PAGE_PORT, parseSandboxOptions, SandboxUsageError } from '../../../sandbox/options.js';

describe('parseSandboxOptions', () => {
  test('defaults', () => {
    assert.deepEqual(parseSandboxOptions([], {}), {
      port: DEFAULT_PAGE_PORT,
      portIsDefault: true,
      reconcileEveryMs: 300_000,
      firstReconcileAfterMs: 5_000,
      retry: { initialDelayMs: 1_000, maxDelayMs: 60_000, maxAttempts: 12 },
      dispatch: 'auto',
      queueTickEveryMs: 10_000,
    });
  });

  const cases: { argv: string[]; env?: Record<string, string>; expect: Record<string, unknown> }[] = [
    { argv: ['--port', '0'], expect: { port: 0, portIsDefault: false } },
    { argv: ['--port', '9000'], env: { SANDBOX_PORT: '7000' }, expect: { port: 9000, portIsDefault: false } },
    { argv: [], env: { SANDBOX_PORT: '7000' }, expect: { port: 7000, portIsDefault: false } },
    { argv: ['--data-dir', '.sandbox'], expect: { dataDir: '.sandbox' } },
    { argv: [], env: { SANDBOX_DATA_DIR: 'd' }, expect: { dataDir: 'd' } },
    { argv: ['--reconcile-every', '2.5'], expect: { reconcileEveryMs: 2_500 } },
    { argv: ['--first-reconcile-after', '0'], expect: { firstReconcileAfterMs: 0 } },
    {
      argv: ['--retry-initial', '0.1', '--retry-max', '2', '--max-attempts', '3'],
      expect: { retry: { initialDelayMs: 100, maxDelayMs: 2_000, maxAttempts: 3 } },
    },
    { argv: ['--dispatch', 'tasks'], expect: { dispatch: 'tasks' } },
    { argv: ['--dispatch', 'direct'], expect: { dispatch: 'direct' } },
    { argv: [], env: { SANDBOX_DISPATCH: 'tasks' }, expect: { dispatch: 'tasks' } },
    { argv: ['--queue-tick-every', '2'], expect: { queueTickEveryMs: 2_000 } },
  ];
  for (const c of cases) {
    test(`${c.argv.join(' ')} ${JSON.stringify(c.env ?? {})}`, () => {
      const options = parseSandboxOptions(c.argv, c.env ?? {});
      for (const [key, value] of Object.entries(c.expect)) assert.deepEqual(options[key as keyof typeof options], value, key);
    });
  }

  const errors: { argv: string[]; message: RegExp }[] = [
    { argv: ['--port', '70000'], message: /--port must be an integer from 0 to 65535/ },
    { argv: ['--port', 'abc'], message: /--port/ },
    { argv: ['--max-attempts', '0'], message: /--max-attempts/ },
    { argv: ['--retry-initial', '-1'], message: /--retry-initial/ },
    { argv: ['--retry-initial', '10', '--retry-max', '5'], message: /--retry-max must be >= --retry-initial/ },
    { argv: ['--reconcile-every', '0.5'], message: /at least 1 second/ },
    { argv: ['--dispatch', 'queue'], message: /--dispatch must be direct, tasks or auto/ },
    { argv: ['--queue-tick-every', '0.5'], message: /--queue-tick-every must be at least 1 second/ },
    { argv: ['--unknown'], message: /usage: npm start/ },
    { argv: ['positional'], message: /usage: npm start/ },
  ];
  for (const e of errors) {
    test(`rejects ${e.argv.join(' ')}`, () => {
      assert.throws(
        () => parseSandboxOptions(e.argv, {}),
        (err: unknown) => err instanceof SandboxUsageError && e.message.test(err.message),
      );
    });
  }
});
