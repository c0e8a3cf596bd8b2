/**
 * Everything one function instance builds once and reuses across invocations: config (parsed from the
 * environment on first use, not at import), clients, the gateways every Google call goes through (Drive's
 * writes paced adaptively, under DRIVE_WRITES_PER_SECOND), credentials, the state store, caches and, with DISPATCH=tasks, the
 * backup queue. Built lazily on the first invocation; a bad config fails every
 * invocation with the same clear message. The composition root: the only place that knows every folder.
 */
import type { OAuth2Client } from 'google-auth-library';
import { createSecretManager, createUserOAuthClient } from '../auth/clients.js';
import { DriveCredentials } from '../auth/credentials.js';
import { FolderResolver } from '../backup/folders/folders.js';
import type { Dispatch, Runtime } from '../tasks/dispatch.js';
import { parseConfig, type Config, type TasksTarget } from '../config/config.js';
import { Gateway, type RetryNotice } from '../core/gateway.js';
import { createLogger, type Logger } from '../core/logs.js';
import { driveClientFor } from '../drive/client.js';
import { generateIds } from '../drive/files.js';
import { createDriveGateway, type DriveClient } from '../drive/gateway.js';
import { DriveIdPool } from '../drive/id-pool.js';
import { createDrivePacer } from '../drive/pacer.js';
import { DirectLane } from '../tasks/direct-lane.js';
import { createStorage } from '../gcs/client.js';
import { createStorageGateway } from '../gcs/gateway.js';
import { QueuePause } from '../tasks/queue-pause.js';
import { StateStore } from '../state/store.js';
import { createTasksClient, type TasksClient } from '../tasks/client.js';
import { BackPressure } from '../tasks/back-pressure.js';
import { createDispatcherVerifier } from '../tasks/dispatcher-identity.js';
import { BackupQueue, createTasksGateway } from '../tasks/backup-queue.js';

export type { Runtime };

/** The instance's runtime; rejects with a ConfigError when the environment is not a valid configuration. */
export function buildRuntime(env: NodeJS.ProcessEnv, logger: Logger): Promise<Runtime> {
  try {
    return Promise.resolve(assemble(parseConfig(env), logger));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error('the runtime could not be built', { cause: err }));
  }
}

function assemble(config: Config, logger: Logger): Runtime {
  const onRetry = ({ what, attempt, delayMs, failure }: RetryNotice) => logger.retrying({ what, attempt, delayMs, reason: failure.reason });
  const storage = createStorage(config);
  const secretManager = createSecretManager(config);
  const secrets = new Gateway({ service: 'secret-manager', client: () => Promise.resolve(secretManager), onRetry });
  const credentials = new DriveCredentials({
    secret: config.tokenSecretVersion,
    readSecret: () =>
      secrets.call('access the token secret', async (client) => {
        const [version] = await client.accessSecretVersion({ name: config.tokenSecretVersion });
        const data = version.payload?.data;
        if (data === undefined || data === null) return '';
        return typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
      }),
    makeClient: (user) => Promise.resolve(createUserOAuthClient(config, user)),
    registerSecret: (value) => logger.registerSecret(value),
  });

  let cached: { auth: OAuth2Client; client: DriveClient } | undefined;
  const connect = async (): Promise<DriveClient> => {
    const auth = await credentials.client();
    if (cached?.auth !== auth) cached = { auth, client: driveClientFor(config, auth) };
    return cached.client;
  };
  const pacer = createDrivePacer(config.driveWritesPerSecond);
  const drive = createDriveGateway({
    connect,
    invalidateAccessToken: () => credentials.invalidateAccessToken(),
    pacer,
    onRetry,
  });
  const store = new StateStore(createStorageGateway('state', storage, { onRetry }), config.stateBucket, config.statePrefix);
  const ids = new DriveIdPool((count, scope) => drive.call('files.generateIds', ({ api }) => generateIds(api, count), scope));
  return {
    config,
    storage,
    source: createStorageGateway('gcs-source', storage, { onRetry }),
    store,
    drive,
    ids,
    folders: new FolderResolver({
      drive,
      store,
      ids,
      rootId: config.driveFolderId,
      onOverflow: ({ path, fullFolderId, folderId, folderName }) =>
        logger.folderOverflowed({ folder: path.join('/'), fullFolderId, overflowFolderId: folderId, overflowFolderName: folderName }),
    }),
    logger,
    withCredentials: (operation) => credentials.withClient(() => operation()),
    ...(config.tasks !== undefined ? { dispatch: buildDispatch(config, config.tasks, store, onRetry, () => pacer.rate) } : {}),
  };
}

/** DISPATCH=tasks or auto: the queue (its client loaded on first use), its pause record, and auto's back-pressure. */
function buildDispatch(
  config: Config,
  target: TasksTarget,
  store: StateStore,
  onRetry: (notice: RetryNotice) => void,
  driveWritesPerSecond: () => number,
): Dispatch {
  let client: TasksClient | undefined;
  const queue = new BackupQueue(
    createTasksGateway(() => (client ??= createTasksClient(config)), { onRetry }),
    target,
  );
  const pause = new QueuePause({ store, queue, pauseMs: config.uploadLimitPauseMs });
  const verifyDispatcher = createDispatcherVerifier(config, target);
  if (config.dispatch === 'tasks') return { mode: 'tasks', queue, pause, verifyDispatcher };
  const lane = new DirectLane(driveWritesPerSecond);
  return { mode: 'auto', queue, pause, verifyDispatcher, pressure: new BackPressure({ store, queue }), lane };
}

/** One runtime per instance, created on first use; a failed build is retried on the next invocation. */
export function lazyRuntime(
  env: NodeJS.ProcessEnv = process.env,
  logger: Logger = createLogger({ project: env.GOOGLE_CLOUD_PROJECT ?? env.GCLOUD_PROJECT }),
) {
  let runtime: Promise<Runtime> | undefined;
  return {
    logger,
    get(): Promise<Runtime> {
      runtime ??= buildRuntime(env, logger);
      runtime.catch(() => {
        runtime = undefined;
      });
      return runtime;
    },
  };
}
