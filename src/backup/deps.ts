/**
 * What the per-object pipeline needs from a function instance, which src/runtime/runtime.ts builds once
 * per instance and every entry (the event handler, `POST /backup`, reconcile, the CLI) passes in: the
 * config, the gateways every Google call goes through, the state store, the instance's caches, the
 * logger. Types only (src/tasks/dispatch.ts adds tasks mode's queue to make an instance's `Runtime`).
 */
import type { Storage } from '@google-cloud/storage';
import type { Config } from '../config/config.js';
import type { Logger } from '../core/logs.js';
import type { DriveGateway } from '../drive/gateway.js';
import type { DriveIdPool } from '../drive/id-pool.js';
import type { StorageGateway } from '../gcs/gateway.js';
import type { StateStore } from '../state/store.js';
import type { FolderResolver } from './folders/folders.js';

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
