/**
 * The Cloud Tasks emulator: the v2 (and v2beta3, for queue stats) REST surface `@google-cloud/tasks`
 * speaks in fallback mode (`fallback: true`), errors as google.rpc.Status that google-gax turns into gRPC
 * codes, and a dispatcher that sends HTTP target tasks to their URLs at the queue's rate with its retry
 * policy, OIDC tokens and `X-CloudTasks-*` headers. Any `Authorization: Bearer …` is accepted (as with
 * Secret Manager: no emulator can check a service account); none gets 401 UNAUTHENTICATED. Time is the
 * hub's clock (harness/clock.ts), shared with the other emulators. `hub.reset()` forgets every queue, task, tombstone and the dispatch log.
 * Routes are listed in routes-queues.ts, routes-tasks.ts; control routes in control.ts.
 */
import type { Route } from '../harness/http.js';
import type { ControlHub, ErrorRenderer } from '../harness/server.js';
import type { Persistable } from '../persistence/persistable.js';
import type { Clock } from '../harness/clock.js';
import type { TasksContext } from './context.js';
import { addTasksControl, queueSummary, type QueueSummary } from './control.js';
import { Dispatcher, type DispatchLogEntry, type DuplicateSettings } from './dispatcher.js';
import { OidcSigner } from './oidc.js';
import { renderRpcError } from './rpc.js';
import { queueRoutes } from './routes-queues.js';
import { taskRoutes } from './routes-tasks.js';
import { restoreTasks, snapshotTasks } from './snapshot.js';
import { TaskStore } from './store.js';

export type { DispatchLogEntry, DuplicateSettings } from './dispatcher.js';
export type { QueueSummary } from './control.js';

export interface TasksEmulatorOptions {
  /** Randomness for duplicate dispatches and generated task IDs. Default `Math.random`. */
  random?: () => number;
}

export interface TasksEmulator extends Persistable {
  routes: Route[];
  renderError: ErrorRenderer;
  readonly clock: Clock;
  /** Per-queue statistics and counters (what `GET /_emulator/tasks/stats` returns). */
  stats(): QueueSummary[];
  /** Every dispatch attempt (the newest 10,000), oldest first. */
  dispatches(filter?: { queue?: string; sinceSeq?: number }): DispatchLogEntry[];
  setDuplicates(settings: DuplicateSettings): void;
  setThrottling(enabled: boolean): void;
  /** The public keys of the OIDC token signer, `{kid: PEM}` (the format of Google's v1 certs endpoint). */
  oidcCerts(): Record<string, string>;
  /** Stops dispatching and aborts attempts in flight. */
  close(): void;
}

export function createTasksEmulator(hub: ControlHub, options: TasksEmulatorOptions = {}): TasksEmulator {
  const clock = hub.clock;
  const random = options.random ?? Math.random;
  const store = new TaskStore(clock);
  const signer = new OidcSigner();
  const dispatcher = new Dispatcher(store, clock, signer, random);
  const context: TasksContext = { store, dispatcher, clock, random };
  hub.onReset(() => {
    dispatcher.reset();
    store.clear();
  });
  addTasksControl(hub, context, signer);

  return {
    routes: [...queueRoutes(context), ...taskRoutes(context)],
    renderError: renderRpcError,
    clock,
    stats: () => [...store.queues.values()].map((q) => queueSummary(context, q)),
    dispatches: (filter) => dispatcher.entries(filter),
    setDuplicates: (settings) => {
      if (!(settings.probability >= 0 && settings.probability <= 1)) throw new RangeError('probability must be in 0..1');
      dispatcher.duplicates = { ...settings };
    },
    setThrottling: (enabled) => {
      dispatcher.throttling = enabled;
    },
    oidcCerts: () => signer.certs(),
    close: () => dispatcher.close(),
    snapshot: () => snapshotTasks(store, clock.now()),
    restore: (data) => {
      restoreTasks(store, data);
      dispatcher.pump();
    },
  };
}
