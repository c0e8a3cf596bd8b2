/**
 * One emulator process per data directory: `DIR/lock` holds the owner's pid, created exclusively. A lock
 * whose process is gone (a crash, kill -9) is taken over; a live owner (another process, or emulators
 * already running on the same directory in this process) makes opening fail with a clear message.
 */
import { readFile, realpath, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCK_FILE = 'lock';

/** Directories locked by this process (realpaths). */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Locks `dir` (which must exist); resolves to the function that releases it. */
export async function lockDirectory(dir: string): Promise<() => Promise<void>> {
  const real = await realpath(dir);
  if (heldHere.has(real)) throw new Error(`${dir} is already used by emulators running in this process`);
  const path = join(real, LOCK_FILE);
  const mine = `${process.pid}\n`;
  try {
    await writeFile(path, mine, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (owner !== process.pid && isAlive(owner)) {
      throw new Error(`${dir} is used by emulators in process ${owner} (delete ${path} if that is wrong)`, { cause: err });
    }
    await writeFile(path, mine, { mode: 0o600 });
  }
  heldHere.add(real);
  return async () => {
    if (!heldHere.delete(real)) return;
    await unlink(path).catch(() => undefined);
  };
}
