/**
 * How every entry gets the instance's runtime (dispatch.ts): the runtime when it builds; an invalid
 * configuration comes back as its ConfigError after exactly one `configInvalid` line naming the variable;
 * any other failure is thrown as it is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/config/config.js';
import { createLogger } from '../../../src/core/logs.js';
import { runtimeOrConfigError, type Runtime } from '../../../src/tasks/dispatch.js';

function source(get: () => Promise<Runtime>) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { lines, source: { logger, get } };
}

test('the runtime when it builds, and no line', async () => {
  const runtime = {} as Runtime;
  const { lines, source: s } = source(async () => runtime);
  assert.equal(await runtimeOrConfigError(s), runtime);
  assert.deepEqual(lines, []);
});

test('an invalid configuration: its ConfigError back, after one configInvalid line naming the variable', async () => {
  const error = new ConfigError('STATE_BUCKET', 'STATE_BUCKET is not set');
  const { lines, source: s } = source(() => Promise.reject(error));
  assert.equal(await runtimeOrConfigError(s), error);
  assert.deepEqual(
    lines.map((l) => [l.event, l.severity, l.variable]),
    [['configInvalid', 'ERROR', 'STATE_BUCKET']],
  );
});

test('any other failure is thrown as it is, with no configInvalid line', async () => {
  const { lines, source: s } = source(() => Promise.reject(new Error('secret manager down')));
  await assert.rejects(runtimeOrConfigError(s), /secret manager down/);
  assert.deepEqual(lines, []);
});
