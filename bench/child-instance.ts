/**
 * Function instances in processes of their own (harness/function-process.ts: functions-framework serving
 * the product's entry module, as Cloud Run does), so that their memory and CPU stay apart from the
 * emulators', with a tail of their log lines so that a failure can say what the function said. Only the
 * targets' registered names are used (Terraform's `entry_point`s): nothing of src/ is imported.
 */
import { startFunctionProcess } from '../harness/function-process.js';
import { deliverStorageEvent, deliverUntilAcked } from '../harness/deliver.js';
import type { SourceObject } from './objects.js';

export const EVENT_TARGET = 'backupOnFinalize';
export const HTTP_TARGET = 'backupHttp';
/** terraform/main.tf sets this NODE_OPTIONS on the deployed function (see src/core/memory.ts). */
export const DEPLOYED_NODE_OPTIONS = '--expose-gc --max-semi-space-size=2';

const LOG_TAIL = 20;

export interface ChildInstance {
  url: string;
  pid: number;
  /** The function's last log lines. */
  logTail(): string;
  stop(): Promise<void>;
}

export interface EventInstance extends ChildInstance {
  /** Delivers the object's finalize event until acknowledged (3 deliveries at most); resolves to the milliseconds it took. */
  backUp(object: SourceObject): Promise<number>;
  /** Delivers the event once; the HTTP status and the milliseconds it took. */
  deliverOnce(object: SourceObject): Promise<{ status: number; ms: number }>;
}

async function startChild(target: string, signatureType: 'cloudevent' | 'http', env: Record<string, string>): Promise<ChildInstance> {
  const tail: string[] = [];
  const child = await startFunctionProcess({
    target,
    signatureType,
    env: { NODE_OPTIONS: DEPLOYED_NODE_OPTIONS, ...env },
    onLog: (line) => {
      tail.push(line);
      if (tail.length > LOG_TAIL) tail.shift();
    },
  });
  return { url: child.url, pid: child.pid, logTail: () => tail.join('\n'), stop: () => child.stop() };
}

/** The event function (`backupOnFinalize`), with the deployed NODE_OPTIONS unless `env` sets its own. */
export async function startEventInstance(env: Record<string, string>): Promise<EventInstance> {
  const child = await startChild(EVENT_TARGET, 'cloudevent', env);
  return {
    ...child,
    async backUp(object) {
      const started = performance.now();
      const statuses = await deliverUntilAcked(child.url, object, 3);
      const last = statuses.at(-1) ?? 0;
      if (last < 200 || last >= 300) {
        throw new Error(`backing up ${object.name} answered ${statuses.join(', ')}; last log lines:\n${child.logTail()}`);
      }
      return performance.now() - started;
    },
    async deliverOnce(object) {
      const started = performance.now();
      const status = await deliverStorageEvent(child.url, object);
      return { status, ms: performance.now() - started };
    },
  };
}

/** The HTTP function (`backupHttp`: `POST /reconcile`, `POST /backup`). */
export function startHttpInstance(env: Record<string, string>): Promise<ChildInstance> {
  return startChild(HTTP_TARGET, 'http', env);
}
