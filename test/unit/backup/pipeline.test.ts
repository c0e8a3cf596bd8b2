/**
 * The pipeline's decisions before any IO (pipeline.ts): an object the filters leave out is skipped and an
 * object larger than a Drive file may be fails for good, both without one call to Cloud Storage, the
 * state bucket or Drive (the fake deps throw if touched). The steps after are unit-tested each on its
 * own (claim/, folders/, upload/, verify.test.ts) and together end to end in test/system/.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backupObject, ObjectTooLargeError } from '../../../src/backup/pipeline.js';
import type { BackupDeps } from '../../../src/backup/deps.js';
import { parseConfig } from '../../../src/config/config.js';
import { createDeadline } from '../../../src/core/time-budget.js';

const config = parseConfig({
  DRIVE_FOLDER_ID: '1AbCdEfGhIjKlMnOpQr',
  TOKEN_SECRET: 'projects/p/secrets/t',
  STATE_BUCKET: 'state',
  EXCLUDE_GLOBS: 'tmp/**',
});
const untouchable = new Proxy({}, { get: (_, field) => assert.fail(`touched ${String(field)}`) });
const deps = {
  config,
  storage: untouchable,
  source: untouchable,
  store: untouchable,
  drive: untouchable,
  ids: untouchable,
  folders: untouchable,
  logger: untouchable,
} as unknown as BackupDeps;
const request = (name: string, size: string) => ({
  object: { bucket: 'src', name, generation: '1', size },
  deadline: createDeadline(60_000),
  invocationId: 'i',
});

describe('backupObject before any IO', () => {
  test('an object the filters leave out is skipped', async () => {
    const result = await backupObject(deps, request('tmp/x', '3'));
    assert.equal(result.outcome, 'skipped');
  });

  test('a folder placeholder is skipped', async () => {
    assert.equal((await backupObject(deps, request('dir/', '0'))).outcome, 'skipped');
  });

  test('larger than a Drive file may be (5 TB): a permanent failure', async () => {
    await assert.rejects(backupObject(deps, request('big', String(5e12 + 1))), ObjectTooLargeError);
  });
});
