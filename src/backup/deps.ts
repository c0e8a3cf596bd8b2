/**
 * What the per-object pipeline needs from a function instance, which src/runtime/runtime.ts builds once
 * per instance and every entry (the event handler, `POST /backup`, reconcile, the CLI) passes in: the
 * config, the gateways every Google call goes through, the state store, the instance's caches, the
 * logger and, in tasks mode, the backup queue. Types only.
 */
import type { Storage } from '@google-cloud/storage';
import type { Config } from '../config/config.js';
import type { Logger } from '../core/logs.js';
import type { DriveGateway } from '../drive/gateway.js';
import type { DriveIdPool } from '../drive/id-pool.js';
import type { StorageGateway } from '../gcs/gateway.js';
import type { QueuePause } from '../state/queue-pause.js';
import type { StateStore } from '../state/store.js';
import type { BackPressure } from '../tasks/back-pressure.js';
import type { BackupQueue } from '../tasks/queue.js';
import type { FolderResolver } from './06-folders.js';

export interface BackupDeps {
  config: Config;
  /** The Cloud Storage client, for content streams (src/gcs/source.ts marks their errors). */
  storage: Storage;
  /** Metadata and listing calls to the watched buckets. */
  source: StorageGateway;
  /** Records in the state bucket (through its own gateway). */
  store: StateStore;
  drive: DriveGateway;
  ids: DriveIdPool;
  folders: FolderResolver;
  /** Runs the backup with the user's credentials, re-reading the secret once on invalid_grant. */
  withCredentials?: <T>(operation: () => Promise<T>) => Promise<T>;
  /** For the lines a step writes on its own (a revision kept forever released to make room). */
  logger: Logger;
}

/** DISPATCH=tasks or auto: the backup queue, and its pause while Drive refuses uploads. */
export interface Dispatch {
  /** `tasks`: every event is enqueued; `auto`: backed up directly unless `pressure` says enqueue. */
  mode: 'tasks' | 'auto';
  queue: BackupQueue;
  pause: QueuePause;
  /** DISPATCH=auto: where the next event goes. */
  pressure?: BackPressure;
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
