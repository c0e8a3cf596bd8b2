/**
 * Test support (not a test) for DISPATCH=tasks through the real entry points: a world of emulators whose
 * Cloud Tasks emulator runs on a ManualClock (dispatches happen when a test moves it, so every verdict is
 * a count), a queue created through `@google-cloud/tasks`, and the product's entry module served by
 * functions-framework in this process: the event function enqueues, the queue dispatches to the HTTP
 * function's `POST /backup`. The product's JSON log lines are captured. One per test file: the runtime
 * reads process.env on its first invocation.
 */
import { randomUUID } from 'node:crypto';
import { ManualClock, type EmulatorLimits } from '@gcs-drive-backup/emulators';
import type { DispatchLogEntry, QueueSummary } from '@gcs-drive-backup/emulators/tasks/index.js';
import { storageEventHeaders } from '../../../sandbox/cloud-event.js';
import { LOCATION, queueName, tasksClient, type TasksClient } from '@gcs-drive-backup/emulators/test/tasks/support.js';
import { captureLogs, listen } from '../../support/in-process.js';
import { createWorld, type World } from '../../support/world.js';
import type { ObjectResource } from '../../support/instance-pool.js';

export const DISPATCHER = 'backup-dispatch@test.iam.gserviceaccount.com';

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
  const world = await createWorld({}, { clock, limits: options.limits });
  const client = tasksClient(world.emulators.env.CLOUD_TASKS_EMULATOR_HOST);
  const queue = queueName('backup');
  await client.createQueue({
    parent: LOCATION,
    queue: {
      name: queue,
      rateLimits: { maxDispatchesPerSecond: 5, maxConcurrentDispatches: 4 },
      retryConfig: { minBackoff: { seconds: 1 }, maxBackoff: { seconds: 10 } },
      ...options.queue,
    },
  });

  const logs = captureLogs();
  const { getTestServer } = await import('@google-cloud/functions-framework/testing');
  await import('../../../src/index.js');
  const { EVENT_ENTRY_POINT, HTTP_ENTRY_POINT } = await import('../../../src/entry-points.js');
  const http = await listen(getTestServer(HTTP_ENTRY_POINT));
  const events = await listen(getTestServer(EVENT_ENTRY_POINT));
  const target = options.targetUrl ? await options.targetUrl(http.url) : `${http.url}/backup`;
  Object.assign(process.env, world.env, {
    DISPATCH: 'tasks',
    TASKS_QUEUE: queue,
    TASKS_TARGET_URL: target,
    TASKS_SERVICE_ACCOUNT: DISPATCHER,
    ...options.env,
  });

  const drive = world.emulators.drive;
  return {
    world,
    clock,
    client,
    queue,
    httpUrl: http.url,
    logs: logs.lines,
    async upload(name, content, custom) {
      const file = world.storage.bucket(world.sourceBucket).file(name);
      await file.save(content, { resumable: false, ...(custom ? { metadata: { metadata: custom } } : {}) });
      const [metadata] = await file.getMetadata();
      return metadata as ObjectResource;
    },
    async sendFinalized(object, id = randomUUID()) {
      const res = await fetch(events.url, {
        method: 'POST',
        headers: storageEventHeaders({ kind: 'finalized', id, bucket: object.bucket, name: object.name, time: new Date() }),
        body: JSON.stringify(object),
      });
      await res.arrayBuffer();
      return res.status;
    },
    async post(path, body) {
      const res = await fetch(`${http.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
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
    lines: (event) => logs.lines.filter((l) => l.event === event),
    async close() {
      await client.close();
      await Promise.all([http.close(), events.close()]);
      await world.stop();
      logs.restore();
    },
  };
}
