/**
 * The backup queue (DISPATCH=tasks): one task per object generation, named after it (task-name.ts) so
 * that duplicate events make one task, POSTing `{bucket, name, generation}` to the HTTP function's
 * `/backup` with an OIDC token of the dispatcher account; and the queue's pause and resume. Every call goes
 * through the Cloud Tasks gateway, which retries what is worth retrying.
 *
 * The token's audience is the service's URL without the path: Cloud Run accepts an ID token whose `aud`
 * is the service's run.app URL (https://cloud.google.com/run/docs/configuring/custom-audiences), while a
 * task without an audience would carry its full target URL, path included.
 */
import type { TasksTarget } from '../config/config.js';
import { grpcCodeOf } from '../core/error-shapes.js';
import { Gateway, type CallScope, type GatewayOptions } from '../core/gateway.js';
import type { TasksClient } from './client.js';
import { backupTaskId, type GenerationRef } from './task-name.js';

export type TasksGateway = Gateway<TasksClient>;

export function createTasksGateway(
  client: () => TasksClient,
  options: Omit<GatewayOptions<TasksClient>, 'service' | 'client'> = {},
): TasksGateway {
  return new Gateway<TasksClient>({ ...options, service: 'cloud-tasks', client: () => Promise.resolve(client()) });
}

/** What a backup task POSTs to `/backup` (src/http/validate.ts parses it). */
export interface BackupTaskBody {
  bucket: string;
  name: string;
  generation: string;
  /** Reconcile found the object missing in Drive: re-upload even if its record says it was backed up. */
  restoreMissing?: boolean;
}

export interface Enqueued {
  /** The task's ID (its name's last part). */
  task: string;
  /** False: a task of that name is queued, or ran within the de-duplication window (or our own retried create landed). */
  created: boolean;
}

/** gRPC ALREADY_EXISTS: the name is in use or was used recently (a duplicate event). */
const ALREADY_EXISTS = 6;
/** Cloud Tasks' longest dispatch deadline for HTTP targets; the function's own timeout ends a run sooner. */
const DISPATCH_DEADLINE_SECONDS = 1800;

export class BackupQueue {
  constructor(
    private readonly gateway: TasksGateway,
    readonly target: TasksTarget,
  ) {}

  /** The queue's short name (`Q` of `projects/P/locations/L/queues/Q`). */
  get shortName(): string {
    return this.target.queue.slice(this.target.queue.lastIndexOf('/') + 1);
  }

  async enqueue(ref: GenerationRef, options: { restoreMissing?: boolean } = {}, scope?: CallScope): Promise<Enqueued> {
    const task = backupTaskId(ref);
    const body: BackupTaskBody = { bucket: ref.bucket, name: ref.name, generation: ref.generation };
    if (options.restoreMissing) body.restoreMissing = true;
    const created = await this.createTask(task, this.target.targetUrl, body, scope);
    return { task, created };
  }

  /**
   * Creates task `task` POSTing `body` as JSON to `url` (the function's `/backup`, or a route beside it)
   * with the dispatcher's OIDC token; false when a task of that name exists or ran recently.
   */
  async createTask(task: string, url: string, body: unknown, scope?: CallScope): Promise<boolean> {
    return this.gateway.call(
      'tasks.create',
      async (client) => {
        try {
          await client.createTask({
            parent: this.target.queue,
            task: {
              name: `${this.target.queue}/tasks/${task}`,
              dispatchDeadline: { seconds: DISPATCH_DEADLINE_SECONDS },
              httpRequest: {
                httpMethod: 'POST',
                url,
                headers: { 'Content-Type': 'application/json' },
                body: Buffer.from(JSON.stringify(body), 'utf8'),
                oidcToken: { serviceAccountEmail: this.target.serviceAccount, audience: new URL(this.target.targetUrl).origin },
              },
            },
          });
          return true;
        } catch (err) {
          if (grpcCodeOf(err) === ALREADY_EXISTS) return false;
          throw err;
        }
      },
      scope,
    );
  }

  /** The URL of the function's route `route` (`restore`), beside the `/backup` the tasks target. */
  routeUrl(route: string): string {
    return new URL(route, this.target.targetUrl).toString();
  }

  /** Whether the queue holds no task (dispatch `auto` goes direct again only then). */
  async isEmpty(scope?: CallScope): Promise<boolean> {
    return this.gateway.call(
      'tasks.list',
      async (client) => {
        const [tasks] = await client.listTasks({ parent: this.target.queue, pageSize: 1 }, { autoPaginate: false });
        return tasks.length === 0;
      },
      scope,
    );
  }

  /** Stops dispatching (a paused queue keeps its tasks and accepts new ones). */
  async pause(scope?: CallScope): Promise<void> {
    await this.gateway.call('queues.pause', (client) => client.pauseQueue({ name: this.target.queue }), scope);
  }

  async resume(scope?: CallScope): Promise<void> {
    await this.gateway.call('queues.resume', (client) => client.resumeQueue({ name: this.target.queue }), scope);
  }
}
