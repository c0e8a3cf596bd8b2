/**
 * Every setting of the function, each defined once: environment variable, command-line flag, parser and
 * validator, default, example and help line (config/option.ts). `parseConfig` (config/config.ts) reads
 * them from the environment; the `backup` and `reconcile` commands accept each as a flag too
 * (src/cli/command-line.ts), and their help lists them from here. Adding a setting is one entry below:
 * its value lands in `Config` under its key, typed by its parser. A flag is the variable in kebab case
 * unless named otherwise.
 */
import {
  bucketName,
  commaList,
  decimal,
  driveFolderId,
  emulatorHost,
  httpUrl,
  oneOf,
  queueName,
  secretVersion,
  serviceAccountEmail,
  trueOrFalse,
  wholeNumber,
  type Option,
  type ValueParser,
} from './option.js';

export type OnNewGeneration = 'revision' | 'copy' | 'skip';
export type DeleteMode = 'keep' | 'trash';
export type Dispatch = 'direct' | 'tasks' | 'auto';

/** A function setting: an option that always has an environment variable. */
export type Setting<T> = Option<T> & { readonly env: string };

/** A setting that always has a value: required, or with a default. */
export type KnownSetting<T> = Setting<T> & ({ readonly required: true } | { readonly default: NoInfer<T> });

type SettingRest<T> = Omit<Setting<T>, 'env' | 'parse' | 'flag'> & { readonly flag?: string };

function setting<T, const R extends SettingRest<T>>(env: string, parse: ValueParser<T>, rest: R): Setting<T> & R {
  return { flag: env.toLowerCase().replaceAll('_', '-'), env, parse, ...rest };
}

const stringPrefix: ValueParser<string> = (text) =>
  text.endsWith('/') ? { ok: true, value: text } : { ok: false, problem: `must end with "/", got "${text}"` };

export const SETTINGS = {
  driveFolderId: setting('DRIVE_FOLDER_ID', driveFolderId, {
    flag: 'folder-id',
    deprecatedFlags: ['drive-folder-id'],
    required: true,
    example: '1AbCdEfGhIjKlMnOpQrStUvWxYz',
    placeholder: 'ID',
    help: 'the Drive folder (or shared drive) receiving the backups',
  }),
  tokenSecretVersion: setting('TOKEN_SECRET', secretVersion, {
    flag: 'secret',
    deprecatedFlags: ['token-secret'],
    required: true,
    example: 'projects/my-project/secrets/drive-token',
    placeholder: 'projects/P/secrets/S[/versions/V]',
    help: 'the Secret Manager secret holding {"type":"authorized_user",...}',
  }),
  stateBucket: setting('STATE_BUCKET', bucketName, {
    required: true,
    example: 'my-backup-state',
    placeholder: 'BUCKET',
    help: 'where claims, folder ids and checkpoints live; never the source bucket',
  }),
  statePrefix: setting('STATE_PREFIX', stringPrefix, {
    default: 'gcs-drive-backup/',
    example: 'gcs-drive-backup/',
    placeholder: 'PREFIX/',
    help: 'object-name prefix of all state in STATE_BUCKET',
  }),
  sourceBucket: setting('SOURCE_BUCKET', bucketName, {
    example: 'my-photos',
    placeholder: 'BUCKET',
    help: 'the bucket reconcile covers by default',
  }),
  restoreBuckets: setting('RESTORE_BUCKETS', commaList, {
    default: [],
    example: 'my-photos-restored',
    placeholder: 'B1,B2',
    help: 'when set, the only buckets restore may write into; the state and source buckets only when listed here',
  }),
  includePrefixes: setting('INCLUDE_PREFIXES', commaList, {
    default: [],
    example: 'photos/,docs/',
    placeholder: 'P1,P2',
    help: 'back up only names starting with one of these',
  }),
  excludeGlobs: setting('EXCLUDE_GLOBS', commaList, {
    default: [],
    example: '**/*.tmp',
    placeholder: 'G1,G2',
    help: 'never back up names matching one of these (*, **, ?)',
  }),
  canaryPrefix: setting('CANARY_PREFIX', stringPrefix, {
    default: '.gcs-drive-backup-canary/',
    example: '.gcs-drive-backup-canary/',
    placeholder: 'PREFIX/',
    help: 'where `verify` writes its canary objects (backed up whatever the filters say; never by reconcile)',
  }),
  onNewGeneration: setting('ON_NEW_GENERATION', oneOf<OnNewGeneration>(['revision', 'copy', 'skip']), {
    default: 'revision',
    example: 'revision',
    placeholder: 'revision|copy|skip',
    help: 'a new generation becomes a revision of the same Drive file, a separate copy, or is skipped',
  }),
  deleteMode: setting('DELETE_MODE', oneOf<DeleteMode>(['keep', 'trash']), {
    default: 'keep',
    example: 'keep',
    placeholder: 'keep|trash',
    help: 'what a deleted object does to its backup',
  }),
  keepRevisionsForever: setting('KEEP_REVISIONS_FOREVER', trueOrFalse, {
    default: false,
    example: 'true',
    placeholder: 'true|false',
    help: 'mark every Drive revision keepForever (Drive keeps at most 200 such revisions)',
  }),
  uploadChunkMib: setting(
    'UPLOAD_CHUNK_MIB',
    decimal((n) => n > 0 && n <= 1024 && Number.isInteger(n * 4), 'a positive multiple of 0.25 (256 KiB), at most 1024'),
    {
      // 1024 MiB (the most allowed), by measurement (docs/benchmarks.md, "Distance"): each chunk waits for
      // Drive's answer before the next starts, so every chunk costs a round trip and an idle pipe; an object
      // up to 1 GiB goes in one PUT (a PUT the deadline cannot fit is halved: backup/upload/put-size.ts).
      // Streamed, a chunk costs no memory.
      default: 1024,
      example: '256',
      placeholder: 'MIB',
      help: 'resumable upload chunk size: each PUT (streamed; memory does not grow with it; each costs one round trip to Drive)',
    },
  ),
  multipartMaxMib: setting(
    'MULTIPART_MAX_MIB',
    decimal((n) => n > 0 && n <= 5, 'above 0 and at most 5 (Drive multipart limit)'),
    { default: 5, example: '5', placeholder: 'MIB', help: 'objects up to this size go up in one multipart request' },
  ),
  functionTimeoutSec: setting('FUNCTION_TIMEOUT_SEC', wholeNumber(1, 3600), {
    default: 540,
    example: '540',
    placeholder: 'SECONDS',
    help: "the function's timeout: the invocation budget",
  }),
  deadlineMarginSec: setting('DEADLINE_MARGIN_SEC', wholeNumber(0, 3600), {
    default: 30,
    example: '30',
    placeholder: 'SECONDS',
    help: 'stop starting work this long before the timeout (checkpoint, then retry)',
  }),
  reconcileParallelism: setting('RECONCILE_PARALLELISM', wholeNumber(1, 64), {
    default: 8,
    example: '8',
    placeholder: 'N',
    help: "reconcile's concurrent backups",
  }),
  reconcileMaxSeconds: setting('RECONCILE_MAX_SECONDS', wholeNumber(1, 3600), {
    example: '300',
    placeholder: 'SECONDS',
    help: "reconcile's time budget (default and limit: the invocation budget)",
  }),
  ioIdleTimeoutSec: setting('IO_IDLE_TIMEOUT_SEC', wholeNumber(1, 3600), {
    default: 60,
    example: '60',
    placeholder: 'SECONDS',
    help: 'a Cloud Storage read or Drive request that moves nothing for this long is retried',
  }),
  leaseSec: setting('LEASE_SEC', wholeNumber(2, 3600), {
    default: 60,
    example: '60',
    placeholder: 'SECONDS',
    help: "how long an upload claim lasts without renewal (how soon a crashed instance's upload is taken over)",
  }),
  dispatch: setting('DISPATCH', oneOf<Dispatch>(['direct', 'tasks', 'auto']), {
    default: 'auto',
    example: 'auto',
    placeholder: 'direct|tasks|auto',
    help: "direct: the event function backs the object up itself; tasks: it enqueues a Cloud Tasks task and POST /backup does the work at the queue's pace; auto: direct while Drive accepts writes, the queue while it refuses them (direct without the TASKS_* settings)",
  }),
  backPressureSec: setting('BACK_PRESSURE_SEC', wholeNumber(1, 24 * 3600), {
    default: 60,
    example: '60',
    placeholder: 'SECONDS',
    help: 'DISPATCH=auto: how long every instance enqueues after Drive refused a direct backup for rate (its daily limit: UPLOAD_LIMIT_PAUSE_SEC)',
  }),
  tasksQueue: setting('TASKS_QUEUE', queueName, {
    example: 'projects/my-project/locations/europe-west1/queues/gcs-drive-backup-backup',
    placeholder: 'projects/P/locations/L/queues/Q',
    help: 'DISPATCH=tasks or auto: the Cloud Tasks queue backups go through',
  }),
  tasksTargetUrl: setting('TASKS_TARGET_URL', httpUrl, {
    example: 'https://gcs-drive-backup-http-123456789.europe-west1.run.app/backup',
    placeholder: 'URL',
    help: "DISPATCH=tasks or auto: the HTTP function's POST /backup URL the tasks call",
  }),
  tasksServiceAccount: setting('TASKS_SERVICE_ACCOUNT', serviceAccountEmail, {
    example: 'gcs-drive-backup-dispatch@my-project.iam.gserviceaccount.com',
    placeholder: 'EMAIL',
    help: "DISPATCH=tasks or auto: the account in the tasks' OIDC tokens (roles/run.invoker on the HTTP function)",
  }),
  uploadLimitPauseSec: setting('UPLOAD_LIMIT_PAUSE_SEC', wholeNumber(1, 7 * 24 * 3600), {
    default: 3600,
    example: '3600',
    placeholder: 'SECONDS',
    help: "DISPATCH=tasks: how long the queue stays paused after Drive's daily upload limit (the next tick after that resumes it)",
  }),
  driveWritesPerSecond: setting(
    'DRIVE_WRITES_PER_SECOND',
    decimal((n) => n >= 0 && n <= 1000, 'a number from 0 (unpaced) to 1000'),
    {
      default: 0,
      example: '2',
      placeholder: 'N',
      help: "per instance, the ceiling of the adaptive pacer of Drive writes (file and folder creates, uploads) per second; 0: no ceiling (the pacer still slows down on Drive's rate refusals)",
    },
  ),
  storageEmulatorHost: setting('STORAGE_EMULATOR_HOST', emulatorHost, emulator('Cloud Storage', '9199')),
  driveEmulatorHost: setting('DRIVE_EMULATOR_HOST', emulatorHost, emulator('Drive', '9200')),
  oauthEmulatorHost: setting('OAUTH_EMULATOR_HOST', emulatorHost, emulator('OAuth 2.0', '9300')),
  secretManagerEmulatorHost: setting('SECRET_MANAGER_EMULATOR_HOST', emulatorHost, emulator('Secret Manager', '9400')),
  cloudTasksEmulatorHost: setting('CLOUD_TASKS_EMULATOR_HOST', emulatorHost, emulator('Cloud Tasks', '9500')),
} as const;

function emulator(service: string, port: string) {
  return { example: `localhost:${port}`, placeholder: 'HOST:PORT', help: `point the ${service} client at an emulator` } as const;
}

export type SettingName = keyof typeof SETTINGS;

/** The settings in the order of the table, for help texts and flag lists. */
export const ALL_SETTINGS: readonly Setting<unknown>[] = Object.values(SETTINGS);
