/**
 * One event-function instance in its own process (test/support's `startInstances`) for benchmarks that
 * must keep its memory and CPU apart from the emulators', with a tail of its log lines so that a failed
 * backup can say what the function said.
 */
import { EVENT_ENTRY_POINT } from '../src/entry-points.js';
import { deliverUntilAcked, startInstances } from '../test/support/function-server.js';
import type { SourceObject } from './objects.js';

export interface ChildInstance {
  url: string;
  pid: number;
  /** Delivers the object's finalize event until acknowledged; resolves to the milliseconds it took. */
  backUp(object: SourceObject): Promise<number>;
  stop(): Promise<void>;
}

const LOG_TAIL = 20;

export async function startChildInstance(env: Record<string, string>): Promise<ChildInstance> {
  const tail: string[] = [];
  const [instance] = await startInstances(EVENT_ENTRY_POINT, 1, env, (line) => {
    tail.push(line);
    if (tail.length > LOG_TAIL) tail.shift();
  });
  if (!instance) throw new Error('startInstances started no instance');
  return {
    url: instance.url,
    pid: instance.pid,
    async backUp(object) {
      const started = performance.now();
      const statuses = await deliverUntilAcked(instance.url, object, 3);
      const last = statuses.at(-1) ?? 0;
      if (last < 200 || last >= 300) {
        throw new Error(`backing up ${object.name} answered ${statuses.join(', ')}; last log lines:\n${tail.join('\n')}`);
      }
      return performance.now() - started;
    },
    stop: () => instance.stop(),
  };
}
