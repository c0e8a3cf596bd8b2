/**
 * One mode's world for the `burst` benchmark (harness/function-world.ts): its own emulators (one Drive user
 * with the burst's compressed limits: a create cap and a daily upload window), the product's functions as
 * child processes under functions-framework, the sandbox's Eventarc-like bridge (1 s doubling to 60 s, 12 deliveries) delivering
 * the finalize events the benchmark hands it, and recording proxies in front of Drive, the functions and (tasks mode) Cloud
 * Tasks, so that the benchmark counts what the wire saw. Tasks mode adds the queue (created through
 * `@google-cloud/tasks`), DISPATCH=tasks and a tick every two seconds. Nothing of the product is mocked.
 */
import type { Emulators } from '@gcs-drive-backup/emulators';
import { startFunctionWorld } from '../harness/function-world.js';
import { startEventBridge, type EventBridge } from '../sandbox/event-bridge.js';
import { startScheduler, type Scheduler } from '../sandbox/scheduler.js';
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
    let drive: RecordingProxy | undefined;
    let tasks: RecordingProxy | undefined;
    let worker: RecordingProxy | undefined;
    const recorder = async (url: string): Promise<RecordingProxy> => {
      const proxy = await startRecordingProxy(url);
      stops.push(() => proxy.close());
      return proxy;
    };
    const functions = await startFunctionWorld({
      targets: mode === 'direct' ? ['event'] : ['http', 'event'],
      processes: 'child',
      rateLimits: 'google',
      limits: {
        drive: {
          createRate: { perSecond: limits.createsPerSecond, burst: limits.createsPerSecond },
          dailyUpload: { bytes: limits.dailyBytes, resetAfterMs: limits.windowMs },
        },
      },
      names: {
        sourceBucket: BUCKET,
        stateBucket: 'burst-state',
        secretName: 'projects/burst/secrets/drive-token',
        project: 'burst',
        rootFolderName: `burst (${mode})`,
      },
      env: async (emulators): Promise<Record<string, string>> => {
        drive = await recorder(emulators.env.DRIVE_EMULATOR_HOST);
        if (mode === 'direct') return { DRIVE_EMULATOR_HOST: drive.url };
        tasks = await recorder(emulators.env.CLOUD_TASKS_EMULATOR_HOST);
        return { DRIVE_EMULATOR_HOST: drive.url, CLOUD_TASKS_EMULATOR_HOST: tasks.url, UPLOAD_LIMIT_PAUSE_SEC: String(limits.pauseSec) };
      },
      dispatch:
        mode === 'direct'
          ? { mode }
          : {
              mode,
              queue: {
                location: QUEUE_LOCATION,
                serviceAccount: 'burst-dispatch@burst.iam.gserviceaccount.com',
                // The backup queue as an operator sets it for this Drive cap; unlimited attempts, compressed backoff.
                settings: {
                  rateLimits: { maxDispatchesPerSecond: limits.queueRate, maxConcurrentDispatches: 8 },
                  retryConfig: { maxAttempts: -1, minBackoff: { seconds: 1 }, maxBackoff: { seconds: 60 }, maxDoublings: 5 },
                },
              },
              target: async (httpUrl) => `${(worker = await recorder(httpUrl)).url}/backup`,
            },
    });
    stops.push(() => functions.stop());
    const emulators = functions.emulators;
    if (mode !== 'direct') {
      const tick: Scheduler = startScheduler({
        httpFunctionUrl: functions.url('http'),
        everyMs: 2000,
        firstAfterMs: 2000,
        body: '{"queueOnly":true}',
        logs: () => false,
        log: { reconcileAnswered: () => undefined, reconcileUnreachable: () => undefined },
      });
      stops.push(() => tick.stop());
    }
    const events = await recorder(functions.url('event'));

    let deliver: ((kind: 'finalized', data: { bucket: string; name: string }) => void) | undefined;
    const arrive = (objects: readonly Record<string, unknown>[]) => {
      for (const object of objects) deliver?.('finalized', object as { bucket: string; name: string });
    };
    const world: BurstWorld = {
      mode,
      emulators,
      bucket: BUCKET,
      drive: drive as RecordingProxy,
      events,
      worker,
      tasks,
      queue: functions.queue,
      abandoned: 0,
      arrive,
      lines: functions.logs.entries,
      stop,
    };
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
