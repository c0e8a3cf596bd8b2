/**
 * Everything one function instance builds once and reuses across invocations: config (parsed from the
 * environment on first use, not at import), clients, credentials, the state store, caches. Built lazily
 * on the first invocation; a bad config fails every invocation with the same clear message.
 */
import type { drive_v3 } from '@googleapis/drive';
import type { OAuth2Client } from 'google-auth-library';
import { parseConfig, type Config } from './config.js';
import { createDrive, createSecretManager, createStorage, createUserOAuthClient } from './clients.js';
import { DriveCredentials } from './credentials.js';
import { StateStore } from './state/store.js';
import { DriveIdPool } from './drive/id-pool.js';
import { FolderResolver } from './drive/folders.js';
import { generateIds } from './drive/files.js';
import type { BackupDeps } from './backup.js';
import { createLogger, type Logger } from './logs.js';

export interface Runtime extends BackupDeps {
  logger: Logger;
  credentials: DriveCredentials;
}

export async function buildRuntime(env: NodeJS.ProcessEnv, logger: Logger): Promise<Runtime> {
  const config: Config = parseConfig(env);
  const storage = await createStorage(config);
  const sourceReader = await createStorage(config, { libraryRetries: false });
  const secrets = await createSecretManager(config);
  const credentials = new DriveCredentials({
    secret: config.tokenSecretVersion,
    readSecret: async () => {
      const [version] = await secrets.accessSecretVersion({ name: config.tokenSecretVersion });
      const data = version.payload?.data;
      if (data === undefined || data === null) return '';
      return typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    },
    makeClient: (user) => createUserOAuthClient(config, user),
    registerSecret: (value) => logger.registerSecret(value),
  });

  let cached: { auth: OAuth2Client; drive: drive_v3.Drive } | undefined;
  const drive = async (): Promise<drive_v3.Drive> => {
    const auth = await credentials.client();
    if (cached?.auth !== auth) cached = { auth, drive: await createDrive(config, auth) };
    return cached.drive;
  };
  const store = new StateStore(storage.bucket(config.stateBucket), config.statePrefix);
  const ids = new DriveIdPool(async (count) => generateIds(await drive(), count));
  return {
    config,
    storage,
    sourceReader,
    store,
    drive,
    authHeaders: async () => {
      const headers = await (await credentials.client()).getRequestHeaders();
      const plain: Record<string, string> = {};
      headers.forEach((value, name) => {
        plain[name] = value;
      });
      return plain;
    },
    ids,
    folders: new FolderResolver({ drive, store, ids, rootId: config.driveFolderId }),
    logger,
    credentials,
    onRetry: (info) => logger.retrying(info),
    withCredentials: (operation) => credentials.withClient(() => operation()),
    invalidateAccessToken: () => credentials.invalidateAccessToken(),
  };
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
