/**
 * The whole pipeline on loopback: the five emulators (seeded like a deployment) and both function targets
 * under functions-framework as child processes configured through the production environment variables
 * (harness/function-world.ts, as the tests and benchmarks start them), then
 * the event bridge (Eventarc), the scheduler (Cloud Scheduler → /reconcile) and the page. With
 * `--dispatch tasks`, a Cloud Tasks queue between the event function and `POST /backup` (sandbox/queue.ts),
 * the queue's tick, and the queue on the page. `stop()` takes it all down in reverse order: children
 * killed and awaited, servers closed, ports freed.
 */
import type { Emulators } from '@gcs-drive-backup/emulators';
import { startFunctionWorld } from '../harness/function-world.js';
import { SETTINGS } from '../src/config/settings.js';
import { uploadCommand, type BannerFacts } from './banner.js';
import { buildDriveTree } from './drive-tree.js';
import { startEventBridge } from './event-bridge.js';
import type { SandboxLog } from './logs.js';
import type { SandboxOptions } from './options.js';
import { parseOutcomeLine, RecentOutcomes } from './outcomes.js';
import type { BucketObject, PageModel } from './page.js';
import { bridgeState, startPageServer, type Download } from './page-server.js';
import { queuePanel, sandboxQueue } from './queue.js';
import { readSandboxFile, writeSandboxFile } from './sandbox-file.js';
import { startScheduler } from './scheduler.js';

export const SANDBOX_NAMES = {
  project: 'sandbox',
  sourceBucket: 'sandbox-bucket',
  stateBucket: 'sandbox-state',
  secretName: 'projects/sandbox/secrets/drive-token',
  rootFolderName: 'GCS backup (sandbox)',
} as const;

const BUCKET_LISTING_LIMIT = 500;
/** The product's default STATE_PREFIX (the sandbox does not set one). */
const SANDBOX_STATE_PREFIX = SETTINGS.statePrefix.default;

export interface RunningSandbox {
  banner: BannerFacts;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions, log: SandboxLog): Promise<RunningSandbox> {
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse().splice(0)) await cleanup().catch(() => undefined);
  };
  try {
    return await start(options, log, cleanups, stopAll);
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function start(
  options: SandboxOptions,
  log: SandboxLog,
  cleanups: (() => Promise<void>)[],
  stopAll: () => Promise<void>,
): Promise<RunningSandbox> {
  const remembered = options.dataDir !== undefined ? await readSandboxFile(options.dataDir) : {};
  const outcomes = new RecentOutcomes();
  const world = await startFunctionWorld({
    targets: ['http', 'event'],
    processes: 'child',
    keepLogs: false,
    rateLimits: 'google',
    names: SANDBOX_NAMES,
    ...(remembered.rootFolderId !== undefined ? { knownRootFolderId: remembered.rootFolderId } : {}),
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    onSaveError: (err) => log.emulatorSaveFailed({ error: err.message }),
    dispatch: options.dispatch === 'direct' ? { mode: 'direct' } : { mode: options.dispatch, queue: sandboxQueue(options.retry) },
    child: {
      detached: true,
      onLine: (source, line) => {
        log.functionLine(source, line);
        const outcome = parseOutcomeLine(line, source, new Date());
        if (outcome) outcomes.add(outcome);
      },
      onUnexpectedExit: (source, code, signal) => log.functionExited(source, code, signal),
    },
  });
  cleanups.push(() => world.stop());
  const { emulators, rootFolderId, queue } = world;
  const functions = {
    event: { url: world.urls.event as string, pid: world.pids.event as number },
    http: { url: world.urls.http as string, pid: world.pids.http as number },
  };
  if (options.dataDir !== undefined) {
    await emulators.save();
    await writeSandboxFile(options.dataDir, { rootFolderId });
  }

  const bridge = startEventBridge({
    subscribe: (listener) => emulators.gcs.subscribe(listener),
    functionUrl: functions.event.url,
    bucket: SANDBOX_NAMES.sourceBucket,
    retry: options.retry,
    log,
  });
  cleanups.push(() => bridge.stop());

  const upload = uploadCommand(emulators.env.STORAGE_EMULATOR_HOST, SANDBOX_NAMES.sourceBucket);
  const page = await startPageServer({
    port: options.port,
    fallbackToFreePort: options.portIsDefault,
    model: async () => ({
      ...(await pageModel(emulators, rootFolderId, outcomes, upload, queue, options.dispatch)),
      ...bridgeState(bridge),
    }),
    download: (id) => driveDownload(emulators, id),
    bridge,
  });
  cleanups.push(() => page.close());
  if (options.port !== 0 && page.port !== options.port) log.pagePortTaken({ wanted: options.port, used: page.port });

  const scheduler = startScheduler({
    httpFunctionUrl: functions.http.url,
    everyMs: options.reconcileEveryMs,
    firstAfterMs: options.firstReconcileAfterMs,
    log,
  });
  cleanups.push(() => scheduler.stop());
  if (queue !== undefined) {
    const tick = startScheduler({
      httpFunctionUrl: functions.http.url,
      everyMs: options.queueTickEveryMs,
      firstAfterMs: options.queueTickEveryMs,
      body: '{"queueOnly":true}',
      logs: (status, body) => status !== 200 || body.includes('"resumed"'),
      log,
    });
    cleanups.push(() => tick.stop());
  }

  const variables: Record<string, string> = {
    ...emulators.env,
    OAUTH_CLIENT_ID: emulators.seed.clientId,
    OAUTH_CLIENT_SECRET: emulators.seed.clientSecret,
    OAUTH_REFRESH_TOKEN: emulators.seed.refreshToken,
    DRIVE_FOLDER_ID: rootFolderId,
    SOURCE_BUCKET: SANDBOX_NAMES.sourceBucket,
    STATE_BUCKET: SANDBOX_NAMES.stateBucket,
    TOKEN_SECRET: SANDBOX_NAMES.secretName,
    GOOGLE_CLOUD_PROJECT: SANDBOX_NAMES.project,
    ...(queue !== undefined ? pick(world.env, ['DISPATCH', 'TASKS_QUEUE', 'TASKS_TARGET_URL', 'TASKS_SERVICE_ACCOUNT']) : {}),
    SANDBOX_PAGE_URL: page.url,
    EVENT_FUNCTION_URL: functions.event.url,
    HTTP_FUNCTION_URL: functions.http.url,
    SANDBOX_PIDS: [process.pid, functions.event.pid, functions.http.pid].join(','),
  };
  return {
    banner: { pageUrl: page.url, uploadCommand: upload, variables, ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}) },
    stop: stopAll,
  };
}

async function pageModel(
  emulators: Emulators,
  rootFolderId: string,
  outcomes: RecentOutcomes,
  upload: string,
  queue: string | undefined,
  mode: 'direct' | 'tasks' | 'auto',
): Promise<PageModel> {
  const files = emulators.drive.listAll();
  const root = files.find((f) => f.id === rootFolderId);
  return {
    ...(queue !== undefined && mode !== 'direct'
      ? { queue: await queuePanel(emulators, queue, SANDBOX_NAMES.stateBucket, SANDBOX_STATE_PREFIX, mode) }
      : {}),
    generatedAt: new Date().toISOString(),
    rootFolder: { id: rootFolderId, name: root?.name ?? SANDBOX_NAMES.rootFolderName },
    drive: buildDriveTree(files, rootFolderId),
    bucket: { name: SANDBOX_NAMES.sourceBucket, ...(await listBucket(emulators.env.STORAGE_EMULATOR_HOST, SANDBOX_NAMES.sourceBucket)) },
    outcomes: outcomes.list(),
    uploadCommand: upload,
  };
}

/** The bucket's live objects through the emulator's JSON API (first BUCKET_LISTING_LIMIT). */
async function listBucket(storageHost: string, bucket: string): Promise<{ objects: BucketObject[]; truncated: boolean; error?: string }> {
  try {
    const res = await fetch(`${storageHost}/storage/v1/b/${encodeURIComponent(bucket)}/o?maxResults=${BUCKET_LISTING_LIMIT}`);
    if (!res.ok) return { objects: [], truncated: false, error: `listing failed: HTTP ${res.status} ${await res.text()}` };
    const body = (await res.json()) as { items?: Record<string, string>[]; nextPageToken?: string };
    const objects = (body.items ?? []).map((o) => ({
      name: o.name ?? '',
      size: Number(o.size ?? 0),
      generation: o.generation ?? '',
      updated: o.updated ?? '',
      ...(o.md5Hash !== undefined ? { md5Hash: o.md5Hash } : {}),
    }));
    return { objects, truncated: body.nextPageToken !== undefined };
  } catch (err) {
    return { objects: [], truncated: false, error: `listing failed: ${(err as Error).message}` };
  }
}

function driveDownload(emulators: Emulators, fileId: string): Download | undefined {
  const file = emulators.drive.listAll().find((f) => f.id === fileId);
  const content = emulators.drive.readContent(fileId);
  if (!file || !content) return undefined;
  return { name: file.name, mimeType: file.mimeType, size: content.size, stream: () => content.stream() };
}

function pick(env: Record<string, string>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
}
