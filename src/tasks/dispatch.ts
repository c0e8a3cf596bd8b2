/**
 * An instance's runtime as the entries see it: what the backup pipeline needs (backup/deps.ts) plus, with
 * DISPATCH=tasks or auto, the backup queue and its pause (and auto's back-pressure). It sits in tasks/
 * because that is the lowest folder that knows both; src/runtime/runtime.ts builds it once per instance.
 * Types, and the one way an entry gets the runtime (`runtimeOrConfigError`).
 */
import { ConfigError } from '../config/config.js';
import type { Logger } from '../core/logs.js';
import type { BackupDeps } from '../backup/deps.js';
import type { BackPressure } from './back-pressure.js';
import type { BackupQueue } from './backup-queue.js';
import type { DirectLane } from './direct-lane.js';
import type { DispatcherVerifier } from './dispatcher-identity.js';
import type { QueuePause } from './queue-pause.js';

/** DISPATCH=tasks or auto: the backup queue, and its pause while Drive refuses uploads. */
export interface Dispatch {
  /** `tasks`: every event is enqueued; `auto`: backed up directly unless `pressure` says enqueue. */
  mode: 'tasks' | 'auto';
  queue: BackupQueue;
  pause: QueuePause;
  /** DISPATCH=auto: where the next event goes. */
  pressure?: BackPressure;
  /** DISPATCH=auto: the instance's direct backups in flight against its Drive pace (direct-lane.ts). */
  lane?: DirectLane;
  /** Whether a request's `Authorization` is the queue's own OIDC token (dispatcher-identity.ts). */
  verifyDispatcher: DispatcherVerifier;
}

export interface Runtime extends BackupDeps {
  /** Set with DISPATCH=tasks, or auto with the queue configured. */
  dispatch?: Dispatch;
}

/** An instance's runtime, built on first use; the logger works before (and without) it. */
export interface RuntimeSource {
  logger: Logger;
  get(): Promise<Runtime>;
}

/**
 * The instance's runtime or, when the configuration is invalid, the ConfigError after its one
 * `configInvalid` line; each entry answers it its own way (the event is retried, HTTP says 503).
 */
export async function runtimeOrConfigError(source: RuntimeSource): Promise<Runtime | ConfigError> {
  try {
    return await source.get();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    source.logger.configInvalid({ variable: err.variable, message: err.message });
    return err;
  }
}
