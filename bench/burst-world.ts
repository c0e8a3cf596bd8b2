/**
 * One mode's world for the `burst` benchmark: its own emulators (one Drive user with the burst's compressed
 * limits: a create cap and a daily upload window), the product's functions as child processes under
 * functions-framework, the sandbox's Eventarc-like bridge (1 s doubling to 60 s, 12 deliveries) delivering
 * the finalize events the benchmark hands it, and recording proxies in front of Drive, the functions and (tasks mode) Cloud
 * Tasks, so that the benchmark counts what the wire saw. Tasks mode adds the queue (created through
 * `@google-cloud/tasks`), DISPATCH=tasks and a tick every two seconds. Nothing of the product is mocked.
 */
import { startEmulators, type Emulators } from '@gcs-drive-backup/emulators';
import { startEventBridge, type EventBridge } from '../sandbox/event-bridge.js';
import { freePort, startFunctionProcess, type FunctionProcess } from '../sandbox/function-process.js';
import { startScheduler, type Scheduler } from '../sandbox/scheduler.js';
import { seedEmulators } from '../sandbox/seed.js';
import type * as Tasks from '@google-cloud/tasks' with { 'resolution-mode': 'import' };
import { OAuth2Client } from 'google-auth-library';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.js';

export type Mode = 'direct' | 'tasks' | 'auto';

export interface BurstLimits {
  /** Drive creates per second per user (and as many at once). */
  createsPerSecond: number;
  /** Daily upload bytes of the user, and how long the window lasts from its first upload. */
  dailyBytes: number;
  windowMs: number;
  /** UPLOAD_LIMIT_PAUSE_SEC of the product in tasks mode. */
  pauseSec: number;
  /** The queue's max_dispatches_per_second. */
  queueRate: number;
}

export interface BurstWorld {
  mode: Mode;
  emulators: Emulators;
  bucket: string;
  drive: RecordingProxy;
  /** In front of the event function: what Eventarc's deliveries got. */
  events: RecordingProxy;
  /** Tasks mode: in front of the HTTP function (what the queue's dispatches got), and of Cloud Tasks. */
  worker?: RecordingProxy;
  tasks?: RecordingProxy;
  /** Tasks mode: the queue's full name. */
  queue?: string;
  /** Deliveries the bridge gave up on. */
  abandoned: number;
  /** Hands finalize events to the bridge, all at once (the objects are written beforehand, untimed). */
  arrive(objects: readonly Record<string, unknown>[]): void;
  /** The product's log lines, parsed. */
  lines: Record<string, unknown>[];
  stop(): Promise<void>;
}

const BUCKET = 'burst-bucket';
const QUEUE_LOCATION = 'projects/burst/locations/local';
/** Eventarc's 10 s … 600 s, compressed tenfold as in the sandbox. */
const BRIDGE_RETRY = { initialDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 12 };

export async function startBurstWorld(mode: Mode, limits: BurstLimits): Promise<BurstWorld> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse().splice(0)) await s().catch(() => undefined);
  };
  try {
    const emulators = await startEmulators({
      limits: {
        drive: {
          createRate: { perSecond: limits.createsPerSecond, burst: limits.createsPerSecond },
          dailyUpload: { bytes: limits.dailyBytes, resetAfterMs: limits.windowMs },
        },
      },
    });
    stops.push(() => emulators.stop());
    const seeded = await seedEmulators(emulators, {
      sourceBucket: BUCKET,
      stateBucket: 'burst-state',
      secretName: 'projects/burst/secrets/drive-token',
      project: 'burst',
      rootFolderName: `burst (${mode})`,
    });
    const drive = await startRecordingProxy(emulators.env.DRIVE_EMULATOR_HOST);
    stops.push(() => drive.close());
    const env: Record<string, string> = { ...seeded.env, DRIVE_EMULATOR_HOST: drive.url };
    const lines: Record<string, unknown>[] = [];
    const onLog = (line: string) => {
      if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
    };
    const start = async (target: 'backupOnFinalize' | 'backupHttp', port?: number): Promise<FunctionProcess> => {
      const signatureType = target === 'backupHttp' ? 'http' : 'cloudevent';
      const child = await startFunctionProcess({ target, signatureType, env, onLog, ...(port ? { port } : {}) });
      stops.push(() => child.stop());
      return child;
    };

    let worker: RecordingProxy | undefined;
    let tasks: RecordingProxy | undefined;
    let queue: string | undefined;
    if (mode === 'direct') env.DISPATCH = 'direct';
    else {
      queue = await createQueue(emulators, limits.queueRate);
      tasks = await startRecordingProxy(emulators.env.CLOUD_TASKS_EMULATOR_HOST);
      stops.push(() => tasks!.close());
      const httpPort = await freePort();
      worker = await startRecordingProxy(`http://127.0.0.1:${httpPort}`);
      stops.push(() => worker!.close());
      Object.assign(env, {
        CLOUD_TASKS_EMULATOR_HOST: tasks.url,
        DISPATCH: mode,
        TASKS_QUEUE: queue,
        TASKS_TARGET_URL: `${worker.url}/backup`,
        TASKS_SERVICE_ACCOUNT: 'burst-dispatch@burst.iam.gserviceaccount.com',
        UPLOAD_LIMIT_PAUSE_SEC: String(limits.pauseSec),
      });
      const http = await start('backupHttp', httpPort);
      const tick: Scheduler = startScheduler({
        httpFunctionUrl: http.url,
        everyMs: 2000,
        firstAfterMs: 2000,
        body: '{"queueOnly":true}',
        logs: () => false,
        log: { reconcileAnswered: () => undefined, reconcileUnreachable: () => undefined },
      });
      stops.push(() => tick.stop());
    }
    const eventFunction = await start('backupOnFinalize');
    const events = await startRecordingProxy(eventFunction.url);
    stops.push(() => events.close());

    let deliver: ((kind: 'finalized', data: { bucket: string; name: string }) => void) | undefined;
    const arrive = (objects: readonly Record<string, unknown>[]) => {
      for (const object of objects) deliver?.('finalized', object as { bucket: string; name: string });
    };
    const world: BurstWorld = { mode, emulators, bucket: BUCKET, drive, events, worker, tasks, queue, abandoned: 0, arrive, lines, stop };
    // The bridge gets its events from the benchmark, not from the bucket's notifications: the objects are
    // written first, then their events arrive together.
    const bridge: EventBridge = startEventBridge({
      subscribe: (listener) => {
        deliver = listener;
        return () => (deliver = undefined);
      },
      functionUrl: events.url,
      bucket: BUCKET,
      retry: BRIDGE_RETRY,
      log: {
        deliveryRetry: () => undefined,
        deliveryAbandoned: () => void world.abandoned++,
        deliveryDropped: () => undefined,
        bridgeSwitched: () => undefined,
      },
    });
    stops.push(() => bridge.stop());
    return world;
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The backup queue as an operator sets it for this Drive cap; unlimited attempts, compressed backoff. */
async function createQueue(emulators: Emulators, rate: number): Promise<string> {
  const name = `${QUEUE_LOCATION}/queues/backup`;
  // `@google-cloud/tasks` as the product speaks it to the emulator: REST fallback, a static token. Its types
  // are ESM-only, its CommonJS build is loaded with require (as in src/tasks/client.ts, not imported here).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { v2 } = require('@google-cloud/tasks') as typeof Tasks;
  const url = new URL(emulators.env.CLOUD_TASKS_EMULATOR_HOST);
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'emulator', expiry_date: Date.now() + 24 * 3600_000 });
  const client = new v2.CloudTasksClient({
    fallback: true,
    apiEndpoint: url.hostname,
    port: Number(url.port),
    protocol: 'http',
    authClient,
  });
  try {
    await client.createQueue({
      parent: QUEUE_LOCATION,
      queue: {
        name,
        rateLimits: { maxDispatchesPerSecond: rate, maxConcurrentDispatches: 8 },
        retryConfig: { maxAttempts: -1, minBackoff: { seconds: 1 }, maxBackoff: { seconds: 60 }, maxDoublings: 5 },
      },
    });
  } finally {
    await client.close();
  }
  return name;
}
