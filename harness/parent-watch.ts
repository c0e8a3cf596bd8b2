/**
 * A process the sandbox starts must not outlive the process that started it: when a parent is killed
 * outright (SIGKILL, a crash) or its signal never reaches the children (`npm start` stopped through
 * npm's pid), they are re-parented and would keep their ports and files. Each one watches its parent
 * and stops once the parent is gone (its parent pid changes: it was re-parented).
 */

const EVERY_MS = 500;

/** Calls `onGone` once, when this process's parent has exited; the watch does not keep the process alive. */
export function whenParentGone(onGone: () => void, everyMs = EVERY_MS): { stop(): void } {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
