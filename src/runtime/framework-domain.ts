/**
 * functions-framework runs every invocation inside a `node:domain` (build/src/function_wrappers.js), so
 * that an exception thrown outside any promise answers that request 500 instead of killing the instance.
 * While a domain is entered, Node binds every async resource created (each socket, stream, timer and
 * emitter) to it and enters and leaves it around every callback: measured on the event path with 16
 * events in flight (bench `concurrency`), that bookkeeping was the largest single CPU cost per object
 * after garbage collection, and it capped how many small objects one instance copies per second.
 *
 * The event handler is promise-based end to end (a failure rejects, the framework answers 500 and
 * Eventarc retries), so it leaves the domain at its start. What is given up: an exception thrown from a
 * library's callback now reaches the framework's `uncaughtException` handler, which answers and ends the
 * instance. Every event in flight is then redelivered by Eventarc, and exactly-once holds through the
 * state records (their leases expire); the one such exception known (teeny-request's
 * ERR_STREAM_UNABLE_TO_PIPE on a retried read) is avoided by reading objects without library retries.
 */

/** Leaves the domain functions-framework entered for this invocation, if any; the handler runs outside it. */
export function leaveFrameworkDomain(): void {
  const active = (process as { domain?: { exit(): void } | null }).domain;
  active?.exit();
}
