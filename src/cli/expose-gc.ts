/**
 * A long restore moves gigabytes through Buffers that V8 frees only when a collection finds them, and it
 * schedules collections by its heap, not by these bytes: a 1 GiB restore carried about 70 MiB of dead
 * buffers (`npm run bench -- restore`). The transfer's collector (src/core/memory.ts) fixes that with
 * `gc`, which the deployed function has from Terraform's `NODE_OPTIONS=--expose-gc`; the installed
 * command is started by npx without flags, so the command exposes `gc` itself, through V8's flag and a
 * new context, where the flag takes effect (https://nodejs.org/api/v8.html#v8setflagsfromstringflags).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Makes `globalThis.gc` V8's collector, unless it is there already; false when V8 refused. */
export function exposeGc(): boolean {
  const global = globalThis as { gc?: unknown };
  if (typeof global.gc === 'function') return true;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc !== 'function') return false;
    global.gc = gc;
    return true;
  } catch {
    return false;
  }
}
