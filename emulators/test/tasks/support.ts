/**
 * Helpers of the Cloud Tasks emulator's contract tests: `@google-cloud/tasks` clients (v2, and v2beta3 for
 * queue stats) constructed as the product must construct them against `CLOUD_TASKS_EMULATOR_HOST`, a
 * local HTTP target that records every request and answers from a script, and gax error capture.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as Tasks from '@google-cloud/tasks' with { 'resolution-mode': 'import' };
import { startEmulators, type Emulators, type StartOptions } from '../../index.js';
import { restFallbackOptions } from '../support.js';
export { control } from '../../../emulators/control.js';
export { rpcFailure } from '../support.js';

/**
 * `@google-cloud/tasks` 7 is `"type": "module"` with a CommonJS build, but its typings are only `.d.ts`:
 * TypeScript (module Node16) treats them as ESM and refuses a CommonJS `import` (TS1479). So: the types
 * through `resolution-mode: import`, the CommonJS build through `require`, as the product will have to.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { v2, v2beta3 } = require('@google-cloud/tasks') as typeof Tasks;
export type TasksClient = Tasks.v2.CloudTasksClient;
export type TasksBetaClient = Tasks.v2beta3.CloudTasksClient;

export const LOCATION = 'projects/emu-project/locations/europe-west1';
export const queueName = (id: string) => `${LOCATION}/queues/${id}`;

/**
 * Starts the emulators (`options`: the clock, the tasks emulator's randomness) with a Cloud Tasks client and
 * `target` listening; `reset` forgets the emulators' state and the target's hits, `stop` closes all three.
 */
export async function startWithTasks(
  target: Target,
  options: StartOptions,
): Promise<{ emu: Emulators; client: TasksClient; reset(): void; stop(): Promise<void> }> {
  const emu = await startEmulators(options);
  const client = tasksClient(emu.env.CLOUD_TASKS_EMULATOR_HOST);
  await target.start();
  return {
    emu,
    client,
    reset() {
      emu.hub.reset();
      target.reset();
    },
    async stop() {
      await client.close();
      await emu.stop();
      await target.stop();
    },
  };
}

/** REST fallback with a static access token (../support.ts). Against Google: `new v2.CloudTasksClient()` (gRPC, ADC). */
export function tasksClient(baseUrl: string): TasksClient {
  return new v2.CloudTasksClient(restFallbackOptions(baseUrl));
}

export function tasksBetaClient(baseUrl: string): TasksBetaClient {
  return new v2beta3.CloudTasksClient(restFallbackOptions(baseUrl));
}

export interface Hit {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
}

/** A local worker: records requests; `answer` decides each reply (default 200), possibly later. */
export class Target {
  readonly hits: Hit[] = [];
  answer: (hit: Hit) => Answer | Promise<Answer> = () => ({ status: 200 });
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const hit: Hit = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
        this.hits.push(hit);
        void Promise.resolve(this.answer(hit)).then(({ status, headers }) => {
          res.writeHead(status, headers);
          res.end();
        });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The requests for one task (by `X-CloudTasks-TaskName`). */
  hitsOf(taskId: string): Hit[] {
    return this.hits.filter((h) => h.headers['x-cloudtasks-taskname'] === taskId);
  }

  /** Waits (on progress, not on time) until `n` requests have arrived. */
  async waitForHits(n: number): Promise<void> {
    // No wall-clock budget of its own: the test runner's timeout catches requests that never arrive.
    while (this.hits.length < n) await new Promise((resolve) => setTimeout(resolve, 2));
  }

  reset(): void {
    this.hits.length = 0;
    this.answer = () => ({ status: 200 });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}
