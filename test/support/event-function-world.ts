/**
 * The setup the event function's end-to-end tests share: a world of emulators with the given settings, the
 * product's environment pointed at it, the product's JSON log lines captured, and `backupOnFinalize`
 * served in process (test/support/function-server.ts). `stop` undoes all of it, in reverse order.
 */
import { captureLogLines, type LogCapture } from './log-capture.js';
import { startInProcess, type FunctionInstance } from './function-server.js';
import { createWorld, type World, type WorldOptions } from './world.js';

export interface EventFunctionWorld {
  world: World;
  fn: FunctionInstance;
  logs: LogCapture;
  stop(): Promise<void>;
}

export async function startEventFunctionWorld(env: Record<string, string>, options: WorldOptions = {}): Promise<EventFunctionWorld> {
  const world = await createWorld(env, options);
  Object.assign(process.env, world.env);
  const logs = captureLogLines();
  let fn: FunctionInstance;
  try {
    fn = await startInProcess('backupOnFinalize');
  } catch (err) {
    logs.stop();
    await world.stop();
    throw err;
  }
  return {
    world,
    fn,
    logs,
    async stop() {
      logs.stop();
      await fn.stop();
      await world.stop();
    },
  };
}
