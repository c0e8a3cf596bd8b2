/**
 * Test support (not a test) for DISPATCH=tasks through the real entry points: a world
 * (harness/function-world.ts) whose Cloud Tasks emulator runs on a ManualClock (dispatches happen when a
 * test moves it, so every verdict is a count), its queue, and both functions served in this process: the event function enqueues, the queue dispatches to the HTTP
 * function's `POST /backup`. The product's JSON log lines are captured. One per test file: the runtime
 * reads process.env on its first invocation.
 */
import { ManualClock, type EmulatorLimits } from '@gcs-drive-backup/emulators';
import type { DispatchLogEntry, QueueSummary } from '@gcs-drive-backup/emulators/tasks/index.js';
import type { ObjectResource } from '../../../harness/deliver.js';
import { DISPATCHER, startFunctionWorld } from '../../../harness/function-world.js';
import { LOCATION, tasksClient, type TasksClient } from '@gcs-drive-backup/emulators/test/tasks/support.js';
import { writeObject, type World } from '../../support/world.js';

export { DISPATCHER };

export interface TasksHarness {
  world: World;
  clock: ManualClock;
  client: TasksClient;
  /** The queue's full name. */
  queue: string;
  httpUrl: string;
  /** The product's JSON log lines. */
  logs: Record<string, unknown>[];
  /** Writes an object (with custom metadata, if given) to the source bucket; its resource, as an event carries it. */
  upload(name: string, content: string | Buffer, metadata?: Record<string, string>): Promise<ObjectResource>;
  /** Delivers a finalized CloudEvent to the event function; the HTTP status. */
  sendFinalized(object: ObjectResource, id?: string): Promise<number>;
  post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  stats(): QueueSummary;
  dispatches(): DispatchLogEntry[];
  /** Live Drive backups of an object. */
  backups(name: string): ReturnType<World['emulators']['drive']['listAll']>;
  /**
   * Creates task `id` with `body` as the product's queue does (POST to its target, the dispatcher's OIDC
   * token unless `oidc` says otherwise), lets the emulator dispatch it once, deletes it, and answers that
   * dispatch's log entry.
   */
  dispatch(id: string, body: unknown, oidc?: { serviceAccountEmail?: string; audience?: string }): Promise<DispatchLogEntry>;
  /** Log lines of one event. */
  lines(event: string): Record<string, unknown>[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Queue settings (`rateLimits`, `retryConfig`) on top of the harness's. */
  queue?: Record<string, unknown>;
  /** Product environment on top of tasks mode's. */
  env?: Record<string, string>;
  /** Emulator limits on top of RATE_LIMITS_OFF; they read the same ManualClock. */
  limits?: EmulatorLimits;
  /** Where the tasks POST (default: the HTTP function's /backup); `http` is the function's base URL. */
  targetUrl?: (http: string) => Promise<string> | string;
}

export async function startTasksHarness(options: HarnessOptions = {}): Promise<TasksHarness> {
  const clock = new ManualClock();
  const world = await startFunctionWorld({
    targets: ['http', 'event'],
    clock,
    ...(options.limits ? { limits: options.limits } : {}),
    dispatch: {
      mode: 'tasks',
      queue: {
        location: LOCATION,
        serviceAccount: DISPATCHER,
        settings: {
          rateLimits: { maxDispatchesPerSecond: 5, maxConcurrentDispatches: 4 },
          retryConfig: { minBackoff: { seconds: 1 }, maxBackoff: { seconds: 10 } },
          ...options.queue,
        },
      },
      ...(options.targetUrl ? { target: options.targetUrl } : {}),
    },
    ...(options.env ? { env: options.env } : {}),
  });
  const client = tasksClient(world.emulators.env.CLOUD_TASKS_EMULATOR_HOST);
  const queue = world.queue as string;
  const target = world.tasksTarget as string;
  const drive = world.emulators.drive;
  return {
    world,
    clock,
    client,
    queue,
    httpUrl: world.url('http'),
    logs: world.logs.entries,
    upload: (name, content, custom) => writeObject(world, name, content, custom ? { metadata: custom } : {}),
    sendFinalized: (object, id) => world.sendFinalized(object, id),
    post: (path, body) => world.post(path, body),
    stats: () => world.emulators.tasks.stats().find((q) => q.name === queue) as QueueSummary,
    dispatches: () => world.emulators.tasks.dispatches({ queue }),
    backups: (name) => drive.listAll().filter((f) => f.appProperties['gdb.object'] === name && !f.trashed),
    async dispatch(id, body, oidc = {}) {
      const name = `${queue}/tasks/${id}`;
      const before = world.emulators.tasks.dispatches({ queue }).length;
      await client.createTask({
        parent: queue,
        task: {
          name,
          httpRequest: {
            httpMethod: 'POST',
            url: target,
            headers: { 'Content-Type': 'application/json' },
            body: Buffer.from(JSON.stringify(body), 'utf8'),
            oidcToken: { serviceAccountEmail: DISPATCHER, audience: new URL(target).origin, ...oidc },
          },
        },
      });
      const sent = () =>
        world.emulators.tasks
          .dispatches({ queue })
          .slice(before)
          .find((d) => d.task.split('/').pop() === id);
      while (sent() === undefined) await clock.advance(200);
      // Waits on progress: the dispatch is answered (its status or error recorded).
      while (sent()?.status === undefined && sent()?.error === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
      await client.deleteTask({ name }).catch(() => undefined);
      return sent() as DispatchLogEntry;
    },
    lines: (event) => world.logs.ofEvent(event),
    async close() {
      await client.close();
      await world.stop();
    },
  };
}
