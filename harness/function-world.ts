/**
 * The one way tests, benchmarks and the sandbox start the product: `startFunctionWorld` brings up the five
 * emulators, seeds them as a deployment is (harness/seed.ts: a source bucket, a state bucket, the user's
 * secret, a Drive root folder), creates the backup queue for tasks/auto dispatch, and serves the
 * requested function targets under functions-framework with the production environment, either in this
 * process (`processes: 'this'`, functions-framework's test server; once per process, because the runtime
 * reads process.env on its first invocation) or each in a process of its own (`'child'`,
 * harness/function-process.ts: caches and state not shared, memory and CPU apart). It answers the
 * emulators, the functions' URLs, one log capture of the product's lines (harness/log-capture.ts) and a
 * `stop()` that undoes everything in reverse order.
 *
 * Google's rate limits (Drive's create rate and daily upload bytes, Cloud Storage's per-object mutation
 * rate) are off unless `rateLimits: 'google'`, so a test's verdict never depends on timing; structural
 * limits stay on, and `limits` sets any of them.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Storage } from '@google-cloud/storage';
import type { drive_v3 } from '@googleapis/drive';
import { RATE_LIMITS_OFF, startEmulators, type Clock, type EmulatorLimits, type Emulators } from '@gcs-drive-backup/emulators';
import type { TasksEmulatorOptions } from '@gcs-drive-backup/emulators/tasks/index.js';
import { deliverStorageEvent } from './deliver.js';
import { freePort, startFunctionProcess } from './function-process.js';
import { callFunction, postJson, type FunctionAnswer } from './http-call.js';
import { LogCapture } from './log-capture.js';
import { ensureQueue, type QueueOptions } from './queue.js';
import { seedEmulators } from './seed.js';

/** The product's two function targets (src/entry-points.ts; Terraform's `entry_point`s). */
export const TARGETS = {
  event: { name: 'backupOnFinalize', signatureType: 'cloudevent' },
  http: { name: 'backupHttp', signatureType: 'http' },
} as const;
export type FunctionTarget = keyof typeof TARGETS;

export interface WorldNames {
  project: string;
  sourceBucket: string;
  stateBucket: string;
  /** `projects/P/secrets/S`. */
  secretName: string;
  rootFolderName: string;
}

const TEST_NAMES: WorldNames = {
  project: 'test',
  sourceBucket: 'source-bucket',
  stateBucket: 'state-bucket',
  secretName: 'projects/test/secrets/drive-token',
  rootFolderName: 'GCS backup',
};

export interface DispatchOptions {
  mode: 'direct' | 'tasks' | 'auto';
  /** The queue (tasks, auto): where, and its settings on top of Terraform's. */
  queue?: QueueOptions;
  /** Where the tasks POST, given the HTTP function's base URL (default: its `/backup`). */
  target?: (httpUrl: string) => string | Promise<string>;
}

export interface ChildOptions {
  /** Where the HTTP function listens (default: a free port). */
  httpPort?: number;
  /** Each child in its own process group (a terminal's Ctrl-C reaches only this process, which stops them). */
  detached?: boolean;
  /** Every output line of a child, the product's JSON lines and anything else. */
  onLine?: (target: FunctionTarget, line: string) => void;
  /** A child exited by itself (not through `stop()`). */
  onUnexpectedExit?: (target: FunctionTarget, code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface FunctionWorldOptions {
  /** The functions to serve; none: the emulators alone, seeded. */
  targets?: readonly FunctionTarget[];
  /** In this process (default) or each function in a process of its own. */
  processes?: 'this' | 'child';
  /** DISPATCH, and the queue it needs; unset, the product's default applies and no queue is created. */
  dispatch?: DispatchOptions;
  /** `off` (default): Google's rate limits off; `google`: every limit as Google's. */
  rateLimits?: 'off' | 'google';
  /** Limits on top of those (they also survive `hub.reset()`), e.g. `{ drive: { folderChildren: 50 } }`. */
  limits?: EmulatorLimits;
  /** The clock the emulators' rate limits read (a ManualClock for a test of a rate limit). */
  clock?: Clock;
  /** The Cloud Tasks emulator's options (its clock). */
  tasks?: TasksEmulatorOptions;
  /** The emulators' data directory (state kept across runs) and what to do when saving it fails. */
  dataDir?: string;
  onSaveError?: (err: Error) => void;
  names?: Partial<WorldNames>;
  /** A root folder id from an earlier run, reused if it still exists. */
  knownRootFolderId?: string;
  /** Product environment on top of the seeded one; a function of the emulators when it needs them (a proxy in front of one). */
  env?: Record<string, string> | ((emulators: Emulators) => Promise<Record<string, string>>);
  child?: ChildOptions;
  /** Whether `logs` keeps the product's lines (default); the sandbox, running for hours, reads them through `child.onLine` only. */
  keepLogs?: boolean;
}

export interface FunctionInstance {
  url: string;
  /** The process serving it: this one, or the child's. */
  pid: number;
  /** The product's lines of this instance (a child's own; in this process, the world's). */
  logs: LogCapture;
  /** Every output line of a child, the product's and any other (a stack trace); none in this process. */
  output: string[];
  stop(): Promise<void>;
}

export interface FunctionWorld {
  emulators: Emulators;
  /** A Cloud Storage client and a Drive client (the seeded user's) against the emulators. */
  storage: Storage;
  drive: drive_v3.Drive;
  sourceBucket: string;
  stateBucket: string;
  rootFolderId: string;
  secretName: string;
  /** The product's environment the functions run with. */
  env: Record<string, string>;
  /** The served functions' base URLs. */
  urls: Partial<Record<FunctionTarget, string>>;
  pids: Partial<Record<FunctionTarget, number>>;
  /** A served function's base URL (throws for one not served). */
  url(target: FunctionTarget): string;
  /** Tasks/auto: the queue's full name and the URL its tasks POST to. */
  queue?: string;
  tasksTarget?: string;
  /** The product's JSON log lines, of every function this world started. */
  logs: LogCapture;
  /** A request to the HTTP function, and a JSON `POST` to it. */
  request(method: string, path: string, body?: string, headers?: Record<string, string>): Promise<FunctionAnswer>;
  post(path: string, body: unknown): Promise<FunctionAnswer>;
  /** Eventarc's delivery of an object's finalized event to the event function; the HTTP status. */
  sendFinalized(object: { bucket: string; name: string }, id?: string): Promise<number>;
  /** One more instance of `target` in a process of its own, with `env` on top of the world's; stopped with the world. */
  startFunction(target: FunctionTarget, env?: Record<string, string>): Promise<FunctionInstance>;
  stop(): Promise<void>;
}

export async function startFunctionWorld(options: FunctionWorldOptions = {}): Promise<FunctionWorld> {
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse().splice(0)) await Promise.resolve(s()).catch(() => undefined);
  };
  try {
    return await start(options, stops, stop);
  } catch (err) {
    await stop();
    throw err;
  }
}

async function start(
  options: FunctionWorldOptions,
  stops: (() => Promise<void> | void)[],
  stop: () => Promise<void>,
): Promise<FunctionWorld> {
  const names = { ...TEST_NAMES, ...options.names };
  const emulators = await startEmulators({
    limits: emulatorLimits(options),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.tasks ? { tasks: options.tasks } : {}),
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.onSaveError ? { onSaveError: options.onSaveError } : {}),
  });
  stops.push(() => emulators.stop());
  const seeded = await seedEmulators(emulators, { ...names, knownRootFolderId: options.knownRootFolderId });
  const extra = typeof options.env === 'function' ? await options.env(emulators) : (options.env ?? {});
  const env: Record<string, string> = { ...seeded.env, ...extra };
  const targets = options.targets ?? [];
  const inChildren = options.processes === 'child';
  const inThis = !inChildren && targets.length > 0;
  const logs = inThis ? LogCapture.fromStdout() : new LogCapture();
  stops.push(() => logs.stop());
  const servers = inChildren ? childServers(options, logs, stops) : await inProcessServers(logs, stops);
  const urls: FunctionWorld['urls'] = {};
  const pids: FunctionWorld['pids'] = {};
  const serve = async (target: FunctionTarget, port?: number) => {
    const instance = await servers.serve(target, env, port);
    urls[target] = instance.url;
    pids[target] = instance.pid;
  };
  // The HTTP function's URL comes first: in tasks mode it is the tasks' target, which both functions read.
  let httpPort: number | undefined;
  let httpUrl: string | undefined;
  if (targets.includes('http')) {
    if (inChildren) {
      httpPort = options.child?.httpPort ?? (await freePort());
      httpUrl = `http://127.0.0.1:${httpPort}`;
    } else {
      await serve('http');
      httpUrl = urls.http;
    }
  }
  const dispatch = options.dispatch;
  const queue =
    dispatch !== undefined && dispatch.mode !== 'direct'
      ? await ensureQueue(emulators.env.CLOUD_TASKS_EMULATOR_HOST, dispatch.queue)
      : undefined;
  // The caller's environment stays on top (a test of DISPATCH=auto in a world whose queue is set up for tasks).
  if (dispatch !== undefined) Object.assign(env, await dispatchEnv(dispatch, queue, httpUrl), extra);
  // In this process the runtime reads process.env on its first invocation, which comes after this.
  if (inThis) stops.push(setProcessEnv(env));
  if (httpPort !== undefined) await serve('http', httpPort);
  if (targets.includes('event')) await serve('event');

  const url = (target: FunctionTarget): string => urls[target] ?? fail(`the ${target} function is not served by this world`);
  return {
    emulators,
    storage: new Storage({ apiEndpoint: emulators.env.STORAGE_EMULATOR_HOST, projectId: names.project }),
    drive: seeded.drive,
    sourceBucket: names.sourceBucket,
    stateBucket: names.stateBucket,
    rootFolderId: seeded.rootFolderId,
    secretName: names.secretName,
    env,
    urls,
    pids,
    url,
    ...(queue !== undefined ? { queue, tasksTarget: env.TASKS_TARGET_URL } : {}),
    logs,
    request: (method, path, body, headers) => callFunction(url('http'), method, path, body, headers),
    post: (path, body) => postJson(url('http'), path, body),
    sendFinalized: (object, id) => deliverStorageEvent(url('event'), object, id !== undefined ? { id } : {}),
    startFunction: (target, more = {}) => childServers(options, logs, stops).serve(target, { ...env, ...more }),
    stop,
  };
}

function emulatorLimits(options: FunctionWorldOptions): EmulatorLimits {
  const base: EmulatorLimits = options.rateLimits === 'google' ? {} : RATE_LIMITS_OFF;
  const limits: EmulatorLimits = {};
  for (const section of new Set([...Object.keys(base), ...Object.keys(options.limits ?? {})])) {
    limits[section] = { ...base[section], ...options.limits?.[section] };
  }
  return limits;
}

/** DISPATCH and, for tasks/auto, the queue, its target and the identity whose tokens the worker accepts. */
async function dispatchEnv(
  dispatch: DispatchOptions,
  queue: string | undefined,
  httpUrl: string | undefined,
): Promise<Record<string, string>> {
  if (queue === undefined) return { DISPATCH: dispatch.mode };
  const base = httpUrl ?? 'http://127.0.0.1:1';
  const target = dispatch.target ? await dispatch.target(base) : `${base}/backup`;
  return {
    DISPATCH: dispatch.mode,
    TASKS_QUEUE: queue,
    TASKS_TARGET_URL: target,
    TASKS_SERVICE_ACCOUNT: dispatch.queue?.serviceAccount ?? DISPATCHER,
  };
}

/** The service account the queue's OIDC tokens name, unless the queue options say another. */
export const DISPATCHER = 'backup-dispatch@test.iam.gserviceaccount.com';

interface Servers {
  serve(target: FunctionTarget, env: Record<string, string>, port?: number): Promise<FunctionInstance>;
}

/** Each target a child process; its lines go to `logs` (and `onLine`), and it stops with the world. */
function childServers(options: FunctionWorldOptions, logs: LogCapture, stops: (() => Promise<void> | void)[]): Servers {
  const child = options.child ?? {};
  return {
    async serve(target, env, port) {
      const own = new LogCapture();
      const output: string[] = [];
      const proc = await startFunctionProcess({
        target: TARGETS[target].name,
        signatureType: TARGETS[target].signatureType,
        env,
        ...(port !== undefined ? { port } : {}),
        ...(child.detached ? { detached: true } : {}),
        onLog: (line) => {
          if (options.keepLogs !== false) {
            output.push(line);
            if (logs.add(line)) own.add(line);
          }
          child.onLine?.(target, line);
        },
        onUnexpectedExit: (code, signal) => child.onUnexpectedExit?.(target, code, signal),
      });
      stops.push(() => proc.stop());
      return { url: proc.url, pid: proc.pid, logs: own, output, stop: () => proc.stop() };
    },
  };
}

/** Each target functions-framework's test server in this process, on a free loopback port. */
async function inProcessServers(logs: LogCapture, stops: (() => Promise<void> | void)[]): Promise<Servers> {
  await import('../src/index.js');
  const { getTestServer } = await import('@google-cloud/functions-framework/testing');
  return {
    async serve(target) {
      const server: Server = getTestServer(TARGETS[target].name);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      const { port } = server.address() as AddressInfo;
      const close = () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      stops.push(close);
      return { url: `http://127.0.0.1:${port}`, pid: process.pid, logs, output: [], stop: close };
    },
  };
}

export { freePort };

/** Sets `vars` in process.env; returns the undo (the world's stop gives the environment back). */
function setProcessEnv(vars: Record<string, string>): () => void {
  const saved = Object.keys(vars).map((key) => [key, process.env[key]] as const);
  Object.assign(process.env, vars);
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

function fail(message: string): never {
  throw new Error(message);
}
