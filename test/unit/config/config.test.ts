/**
 * Table-driven tests for `parseConfig`: good environments → the fields they set (checked on top of a
 * minimal valid environment), bad environments → the variable the `ConfigError` names and a fragment of
 * its message. The defaults are checked once in full.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig, type Config } from '../../../src/config/config.js';

const MIB = 1024 * 1024;
const TASKS = {
  TASKS_QUEUE: 'projects/my-project/locations/europe-west1/queues/backup',
  TASKS_TARGET_URL: 'https://backup-http-123.europe-west1.run.app/backup',
  TASKS_SERVICE_ACCOUNT: 'backup-dispatch@my-project.iam.gserviceaccount.com',
};
const MINIMAL = {
  DRIVE_FOLDER_ID: '1AbCdEfGhIjKlMnOpQr',
  TOKEN_SECRET: 'projects/my-project/secrets/drive-token',
  STATE_BUCKET: 'my-state',
};

describe('parseConfig: defaults', () => {
  test('a minimal environment gets every default', () => {
    assert.deepEqual(parseConfig(MINIMAL), {
      driveFolderId: '1AbCdEfGhIjKlMnOpQr',
      tokenSecretVersion: 'projects/my-project/secrets/drive-token/versions/latest',
      stateBucket: 'my-state',
      statePrefix: 'gcs-drive-backup/',
      includePrefixes: [],
      excludeGlobs: [],
      restoreBuckets: [],
      canaryPrefix: '.gcs-drive-backup-canary/',
      onNewGeneration: 'revision',
      deleteMode: 'keep',
      keepRevisionsForever: false,
      uploadChunkBytes: 1024 * MIB,
      multipartMaxBytes: 5 * MIB,
      functionTimeoutSec: 540,
      deadlineMarginSec: 30,
      deadlineMs: 510_000,
      reconcileParallelism: 8,
      reconcileMaxSeconds: 510,
      ioIdleTimeoutMs: 60_000,
      leaseMs: 60_000,
      emulators: {},
      // Each setting's own value, under its key, next to what is derived from it.
      sourceBucket: undefined,
      uploadChunkMib: 1024,
      multipartMaxMib: 5,
      ioIdleTimeoutSec: 60,
      leaseSec: 60,
      storageEmulatorHost: undefined,
      driveEmulatorHost: undefined,
      oauthEmulatorHost: undefined,
      secretManagerEmulatorHost: undefined,
      cloudTasksEmulatorHost: undefined,
      dispatch: 'auto',
      backPressureSec: 60,
      backPressureMs: 60_000,
      tasksQueue: undefined,
      tasksTargetUrl: undefined,
      tasksServiceAccount: undefined,
      uploadLimitPauseSec: 3600,
      uploadLimitPauseMs: 3_600_000,
      driveWritesPerSecond: 0,
    } satisfies Config);
  });

  test('the result is frozen', () => {
    const config = parseConfig(MINIMAL);
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.includePrefixes));
    assert.ok(Object.isFrozen(config.emulators));
  });
});

describe('parseConfig: good environments', () => {
  type Row = [title: string, env: Record<string, string | undefined>, expected: Partial<Config>];
  const rows: Row[] = [
    ['io idle timeout and lease in seconds', { IO_IDLE_TIMEOUT_SEC: '5', LEASE_SEC: '10' }, { ioIdleTimeoutMs: 5000, leaseMs: 10_000 }],
    ['surrounding blanks are trimmed', { DRIVE_FOLDER_ID: '  0ABCdef_-123XYZ  ' }, { driveFolderId: '0ABCdef_-123XYZ' }],
    [
      'secret with a numbered version',
      { TOKEN_SECRET: 'projects/123456789/secrets/tok/versions/7' },
      { tokenSecretVersion: 'projects/123456789/secrets/tok/versions/7' },
    ],
    [
      'secret with latest',
      { TOKEN_SECRET: 'projects/p-1/secrets/tok_2/versions/latest' },
      { tokenSecretVersion: 'projects/p-1/secrets/tok_2/versions/latest' },
    ],
    ['state prefix', { STATE_PREFIX: 'state/backup/' }, { statePrefix: 'state/backup/' }],
    ['canary prefix', { CANARY_PREFIX: 'ops/canary/' }, { canaryPrefix: 'ops/canary/' }],
    ['source bucket', { SOURCE_BUCKET: 'photos.example.com' }, { sourceBucket: 'photos.example.com' }],
    ['empty source bucket is unset', { SOURCE_BUCKET: '' }, { sourceBucket: undefined }],
    [
      'comma lists trimmed, empties dropped',
      { INCLUDE_PREFIXES: ' photos/ ,, docs/,', EXCLUDE_GLOBS: '**/*.tmp, *.log ,' },
      { includePrefixes: ['photos/', 'docs/'], excludeGlobs: ['**/*.tmp', '*.log'] },
    ],
    ['on new generation copy', { ON_NEW_GENERATION: 'copy' }, { onNewGeneration: 'copy' }],
    ['on new generation SKIP (case-insensitive)', { ON_NEW_GENERATION: 'SKIP' }, { onNewGeneration: 'skip' }],
    ['delete mode trash', { DELETE_MODE: 'trash' }, { deleteMode: 'trash' }],
    ['keep revisions yes', { KEEP_REVISIONS_FOREVER: 'yes' }, { keepRevisionsForever: true }],
    ['keep revisions 1', { KEEP_REVISIONS_FOREVER: '1' }, { keepRevisionsForever: true }],
    ['keep revisions TRUE', { KEEP_REVISIONS_FOREVER: 'TRUE' }, { keepRevisionsForever: true }],
    ['keep revisions no', { KEEP_REVISIONS_FOREVER: 'no' }, { keepRevisionsForever: false }],
    ['keep revisions blank is the default', { KEEP_REVISIONS_FOREVER: '  ' }, { keepRevisionsForever: false }],
    ['chunk of 256 KiB', { UPLOAD_CHUNK_MIB: '0.25' }, { uploadChunkBytes: 256 * 1024 }],
    ['chunk of 1.75 MiB', { UPLOAD_CHUNK_MIB: '1.75' }, { uploadChunkBytes: 1.75 * MIB }],
    ['chunk of 1024 MiB', { UPLOAD_CHUNK_MIB: '1024' }, { uploadChunkBytes: 1024 * MIB }],
    ['multipart of 0.5 MiB', { MULTIPART_MAX_MIB: '0.5' }, { multipartMaxBytes: 0.5 * MIB }],
    [
      'timeout and margin give the budget and the reconcile default',
      { FUNCTION_TIMEOUT_SEC: '3600', DEADLINE_MARGIN_SEC: '60' },
      { functionTimeoutSec: 3600, deadlineMarginSec: 60, deadlineMs: 3_540_000, reconcileMaxSeconds: 3540 },
    ],
    ['zero margin', { DEADLINE_MARGIN_SEC: '0' }, { deadlineMs: 540_000 }],
    [
      'reconcile knobs',
      { RECONCILE_PARALLELISM: '64', RECONCILE_MAX_SECONDS: '120' },
      { reconcileParallelism: 64, reconcileMaxSeconds: 120 },
    ],
    [
      'tasks mode: the queue, its target and identity',
      { DISPATCH: 'Tasks', ...TASKS },
      {
        dispatch: 'tasks',
        tasks: {
          queue: TASKS.TASKS_QUEUE,
          targetUrl: TASKS.TASKS_TARGET_URL,
          serviceAccount: TASKS.TASKS_SERVICE_ACCOUNT,
        },
      },
    ],
    ['direct mode ignores the tasks settings', { DISPATCH: 'direct', ...TASKS }, { dispatch: 'direct', tasks: undefined }],
    [
      'auto (the default) with the queue',
      { ...TASKS },
      {
        dispatch: 'auto',
        tasks: { queue: TASKS.TASKS_QUEUE, targetUrl: TASKS.TASKS_TARGET_URL, serviceAccount: TASKS.TASKS_SERVICE_ACCOUNT },
      },
    ],
    ['auto without any queue setting: no queue (direct)', { DISPATCH: 'auto' }, { dispatch: 'auto', tasks: undefined }],
    ['back-pressure in seconds', { BACK_PRESSURE_SEC: '30' }, { backPressureMs: 30_000 }],
    ['a target on loopback (the sandbox)', { DISPATCH: 'tasks', ...TASKS, TASKS_TARGET_URL: 'http://127.0.0.1:8081/backup' }, {}],
    ['pause after the daily limit', { UPLOAD_LIMIT_PAUSE_SEC: '60' }, { uploadLimitPauseMs: 60_000 }],
    ['direct-mode pacing', { DRIVE_WRITES_PER_SECOND: '2.5' }, { driveWritesPerSecond: 2.5 }],
    ['the Cloud Tasks emulator', { CLOUD_TASKS_EMULATOR_HOST: 'localhost:9500' }, { emulators: { tasks: 'http://localhost:9500' } }],
    [
      'emulator hosts: bare host:port, trailing slash, https, path',
      {
        STORAGE_EMULATOR_HOST: 'localhost:9199',
        DRIVE_EMULATOR_HOST: 'http://127.0.0.1:9200/',
        OAUTH_EMULATOR_HOST: 'https://oauth.test',
        SECRET_MANAGER_EMULATOR_HOST: 'http://[::1]:9300/sm//',
      },
      {
        emulators: {
          storage: 'http://localhost:9199',
          drive: 'http://127.0.0.1:9200',
          oauth: 'https://oauth.test',
          secretManager: 'http://[::1]:9300/sm',
        },
      },
    ],
  ];
  for (const [title, env, expected] of rows) {
    test(title, () => {
      const config = parseConfig({ ...MINIMAL, ...env });
      for (const [field, value] of Object.entries(expected)) {
        assert.deepEqual(config[field as keyof Config], value, field);
      }
    });
  }

  test('accepts process.env-shaped input', () => {
    const env: NodeJS.ProcessEnv = { ...MINIMAL, UNRELATED: 'x' };
    assert.equal(parseConfig(env).stateBucket, 'my-state');
  });
});

describe('parseConfig: bad environments', () => {
  type Row = [env: Record<string, string | undefined>, variable: string, fragment: string];
  const rows: Row[] = [
    [{ DRIVE_FOLDER_ID: undefined }, 'DRIVE_FOLDER_ID', 'is required'],
    [{ DRIVE_FOLDER_ID: '   ' }, 'DRIVE_FOLDER_ID', 'is required'],
    [{ DRIVE_FOLDER_ID: 'root' }, 'DRIVE_FOLDER_ID', 'got "root"'],
    [{ DRIVE_FOLDER_ID: 'https://drive.google.com/drive/folders/1AbCdEfGhIjK' }, 'DRIVE_FOLDER_ID', 'shared drive id'],
    [{ TOKEN_SECRET: undefined }, 'TOKEN_SECRET', 'is required'],
    [{ TOKEN_SECRET: 'drive-token' }, 'TOKEN_SECRET', 'projects/PROJECT/secrets/SECRET'],
    [{ TOKEN_SECRET: 'projects/p/secrets/s/versions/0' }, 'TOKEN_SECRET', 'versions/0'],
    [{ TOKEN_SECRET: 'projects/p/secrets/s/versions/' }, 'TOKEN_SECRET', 'got'],
    [{ TOKEN_SECRET: 'projects/p/secrets/s/extra' }, 'TOKEN_SECRET', 'got'],
    [{ STATE_BUCKET: undefined }, 'STATE_BUCKET', 'is required'],
    [{ STATE_BUCKET: 'gs://my-state' }, 'STATE_BUCKET', 'no gs:// prefix'],
    [{ STATE_BUCKET: 'My_State' }, 'STATE_BUCKET', 'bucket name'],
    [{ STATE_BUCKET: 'x'.repeat(64) }, 'STATE_BUCKET', 'bucket name'],
    [{ SOURCE_BUCKET: 'a..b' }, 'SOURCE_BUCKET', 'bucket name'],
    [{ SOURCE_BUCKET: 'my-state' }, 'STATE_BUCKET', 'trigger the function on itself'],
    [{ STATE_PREFIX: 'state' }, 'STATE_PREFIX', 'must end with "/"'],
    [{ CANARY_PREFIX: 'canary' }, 'CANARY_PREFIX', 'must end with "/"'],
    [{ ON_NEW_GENERATION: 'replace' }, 'ON_NEW_GENERATION', 'revision, copy, skip'],
    [{ DELETE_MODE: 'delete' }, 'DELETE_MODE', 'keep, trash'],
    [{ KEEP_REVISIONS_FOREVER: 'maybe' }, 'KEEP_REVISIONS_FOREVER', 'true/false/1/0/yes/no'],
    [{ UPLOAD_CHUNK_MIB: '0' }, 'UPLOAD_CHUNK_MIB', 'multiple of 0.25'],
    [{ UPLOAD_CHUNK_MIB: '0.3' }, 'UPLOAD_CHUNK_MIB', 'multiple of 0.25'],
    [{ UPLOAD_CHUNK_MIB: '1025' }, 'UPLOAD_CHUNK_MIB', 'at most 1024'],
    [{ UPLOAD_CHUNK_MIB: '-8' }, 'UPLOAD_CHUNK_MIB', 'got "-8"'],
    [{ UPLOAD_CHUNK_MIB: '8MiB' }, 'UPLOAD_CHUNK_MIB', 'got "8MiB"'],
    [{ UPLOAD_CHUNK_MIB: '1e1' }, 'UPLOAD_CHUNK_MIB', 'got "1e1"'],
    [{ MULTIPART_MAX_MIB: '0' }, 'MULTIPART_MAX_MIB', 'above 0'],
    [{ MULTIPART_MAX_MIB: '5.5' }, 'MULTIPART_MAX_MIB', 'at most 5'],
    [{ FUNCTION_TIMEOUT_SEC: '0' }, 'FUNCTION_TIMEOUT_SEC', 'from 1 to 3600'],
    [{ FUNCTION_TIMEOUT_SEC: '90.5' }, 'FUNCTION_TIMEOUT_SEC', 'integer'],
    [{ FUNCTION_TIMEOUT_SEC: '30' }, 'DEADLINE_MARGIN_SEC', 'less than FUNCTION_TIMEOUT_SEC (30)'],
    [{ DEADLINE_MARGIN_SEC: '540' }, 'DEADLINE_MARGIN_SEC', 'less than FUNCTION_TIMEOUT_SEC'],
    [{ RECONCILE_PARALLELISM: '0' }, 'RECONCILE_PARALLELISM', 'from 1 to 64'],
    [{ RECONCILE_PARALLELISM: '65' }, 'RECONCILE_PARALLELISM', 'from 1 to 64'],
    [{ RECONCILE_MAX_SECONDS: '511' }, 'RECONCILE_MAX_SECONDS', 'from 1 to 510'],
    [{ STORAGE_EMULATOR_HOST: 'ftp://localhost:21' }, 'STORAGE_EMULATOR_HOST', 'http(s) URL'],
    [{ DRIVE_EMULATOR_HOST: 'http://' }, 'DRIVE_EMULATOR_HOST', 'http(s) URL'],
    [{ OAUTH_EMULATOR_HOST: 'localhost:9000?x=1' }, 'OAUTH_EMULATOR_HOST', 'http(s) URL'],
    [{ SECRET_MANAGER_EMULATOR_HOST: 'local host:1' }, 'SECRET_MANAGER_EMULATOR_HOST', 'http(s) URL'],
    [{ CLOUD_TASKS_EMULATOR_HOST: 'ftp://x' }, 'CLOUD_TASKS_EMULATOR_HOST', 'http(s) URL'],
    [{ DISPATCH: 'queue' }, 'DISPATCH', 'direct, tasks'],
    [{ DISPATCH: 'auto', TASKS_QUEUE: TASKS.TASKS_QUEUE }, 'TASKS_TARGET_URL', 'is required with DISPATCH=auto'],
    [{ DISPATCH: 'tasks' }, 'TASKS_QUEUE', 'is required with DISPATCH=tasks'],
    [{ DISPATCH: 'tasks', ...TASKS, TASKS_TARGET_URL: '' }, 'TASKS_TARGET_URL', 'is required with DISPATCH=tasks'],
    [{ DISPATCH: 'tasks', ...TASKS, TASKS_SERVICE_ACCOUNT: undefined }, 'TASKS_SERVICE_ACCOUNT', 'is required'],
    [{ TASKS_QUEUE: 'backup' }, 'TASKS_QUEUE', 'projects/PROJECT/locations/LOCATION/queues/QUEUE'],
    [{ TASKS_QUEUE: 'projects/p/locations/l/queues/a_b' }, 'TASKS_QUEUE', 'got'],
    [{ TASKS_TARGET_URL: '/backup' }, 'TASKS_TARGET_URL', 'absolute http(s) URL'],
    [{ TASKS_TARGET_URL: 'ftp://x/backup' }, 'TASKS_TARGET_URL', 'absolute http(s) URL'],
    [{ TASKS_SERVICE_ACCOUNT: 'someone@gmail.com' }, 'TASKS_SERVICE_ACCOUNT', 'service account'],
    [{ UPLOAD_LIMIT_PAUSE_SEC: '0' }, 'UPLOAD_LIMIT_PAUSE_SEC', 'from 1'],
    [{ DRIVE_WRITES_PER_SECOND: '-1' }, 'DRIVE_WRITES_PER_SECOND', 'from 0'],
  ];
  for (const [env, variable, fragment] of rows) {
    test(`${JSON.stringify(env).slice(0, 70)} → ${variable}`, () => {
      assert.throws(
        () => parseConfig({ ...MINIMAL, ...env }),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
          assert.equal(err.variable, variable);
          assert.ok(err.message.startsWith(`${variable} `), `message names the variable: ${err.message}`);
          assert.ok(err.message.includes(fragment), `message "${err.message}" includes "${fragment}"`);
          assert.match(err.message, new RegExp(`for example ${variable}=\\S+`));
          return true;
        },
      );
    });
  }
});
