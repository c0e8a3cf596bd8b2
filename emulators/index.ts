/**
 * Starts the five emulators (Cloud Storage, Drive, OAuth 2.0, Secret Manager, Cloud Tasks) in this process,
 * each on its own loopback port, sharing one control hub (faults, counters, limits, clock, reset). Tests call
 * `startEmulators()`; `npm run emulators` wraps it in a CLI. With `dataDir`, state survives restarts (see
 * persistence.ts). Google's limits apply by default (limits.ts); `limits` changes them from the start.
 */
import type { Clock } from './harness/clock.js';
import type { LimitsPatch } from './harness/limits.js';
import { ControlHub, startServiceServer, type ServiceServer } from './harness/server.js';
import type { EmulatorLimits } from './limits.js';
import { createGcsEmulator, type GcsEmulator } from './gcs/index.js';
import { createDriveEmulator, type DriveEmulator, type DriveEmulatorOptions } from './drive/index.js';
import { createOAuthEmulator, type OAuthEmulator, type OAuthEmulatorOptions } from './oauth/index.js';
import { createSecretsEmulator, type SecretsEmulator } from './secrets/index.js';
import { createTasksEmulator, type TasksEmulator, type TasksEmulatorOptions } from './tasks/index.js';
import { StatePersistence } from './persistence.js';

export interface StartOptions {
  /** Fixed ports (default: any free port). */
  ports?: Partial<Record<'gcs' | 'drive' | 'oauth' | 'secrets' | 'tasks', number>>;
  oauth?: OAuthEmulatorOptions;
  drive?: DriveEmulatorOptions;
  /** Cloud Tasks: randomness. */
  tasks?: TasksEmulatorOptions;
  /**
   * Keep all state in this directory (created if missing): loaded at start, saved shortly after every
   * request and on `stop()`. Open resumable upload sessions, faults, counters and webhooks are not kept.
   */
  dataDir?: string;
  /** Debounce of saves after requests. Default 200 ms. */
  saveDelayMs?: number;
  /** Failures of background (debounced) saves; default: dropped, the next save retries. `save()`/`stop()` reject instead. */
  onSaveError?: (err: Error) => void;
  /** Changes to Google's limits from the start (and after every reset), e.g. RATE_LIMITS_OFF or `{ drive: { folderChildren: 50 } }`. */
  limits?: EmulatorLimits;
  /**
   * The time every emulator reads, the Cloud Tasks emulator's timers included (default: `systemClock`); a
   * `ManualClock` makes tests independent of the machine's speed (harness/clock.ts says how it moves).
   */
  clock?: Clock;
}

export { ManualClock, systemClock, type Clock } from './harness/clock.js';
export { RATE_LIMITS_OFF, type EmulatorLimits, type DriveLimits, type GcsLimits, type RateLimit } from './limits.js';

/** The seeded OAuth client and user: what `npm run emulators` prints so outside programs can authenticate. */
export interface Seed {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface Emulators {
  hub: ControlHub;
  gcs: GcsEmulator;
  drive: DriveEmulator;
  oauth: OAuthEmulator;
  secrets: SecretsEmulator;
  tasks: TasksEmulator;
  seed: Seed;
  /** `STORAGE_EMULATOR_HOST` etc., base URLs like `http://127.0.0.1:PORT`. */
  env: {
    STORAGE_EMULATOR_HOST: string;
    DRIVE_EMULATOR_HOST: string;
    OAUTH_EMULATOR_HOST: string;
    SECRET_MANAGER_EMULATOR_HOST: string;
    CLOUD_TASKS_EMULATOR_HOST: string;
  };
  /** The state directory, when persistent. */
  dataDir?: string;
  /** Writes the state now (no-op without `dataDir`); in-process API calls are saved by this, the next request, or `stop()`. */
  save(): Promise<void>;
  /** Closes the servers, then writes the state one last time (when persistent). */
  stop(): Promise<void>;
}

export async function startEmulators(options: StartOptions = {}): Promise<Emulators> {
  const hub = new ControlHub({ limits: options.limits as LimitsPatch | undefined, clock: options.clock });
  const oauth = createOAuthEmulator(hub, options.oauth);
  const drive = createDriveEmulator(hub, oauth, options.drive);
  const gcs = createGcsEmulator(hub);
  const secrets = createSecretsEmulator(hub);
  const tasks = createTasksEmulator(hub, options.tasks);
  const persistence = options.dataDir
    ? await StatePersistence.open(
        options.dataDir,
        { gcs, drive, oauth, secrets, tasks },
        { saveDelayMs: options.saveDelayMs, onError: options.onSaveError },
      )
    : undefined;
  if (persistence) {
    hub.onRequestDone(() => persistence.schedule());
    hub.onReset(() => persistence.schedule());
  }

  const servers: ServiceServer[] = [];
  try {
    for (const [service, emu] of [
      ['gcs', gcs],
      ['drive', drive],
      ['oauth', oauth],
      ['secrets', secrets],
      ['tasks', tasks],
    ] as const) {
      servers.push(
        await startServiceServer({
          service,
          routes: emu.routes,
          hub,
          port: options.ports?.[service],
          renderError: emu.renderError,
        }),
      );
    }
  } catch (err) {
    tasks.close();
    await Promise.all(servers.map((s) => s.close()));
    await persistence?.close();
    throw err;
  }
  const [gcsServer, driveServer, oauthServer, secretsServer, tasksServer] = servers as [
    ServiceServer,
    ServiceServer,
    ServiceServer,
    ServiceServer,
    ServiceServer,
  ];
  oauth.setBaseUrl(oauthServer.url);
  drive.setBaseUrl(driveServer.url);
  gcs.setBaseUrl(gcsServer.url);

  return {
    hub,
    gcs,
    drive,
    oauth,
    secrets,
    tasks,
    seed: oauth.seed,
    env: {
      STORAGE_EMULATOR_HOST: gcsServer.url,
      DRIVE_EMULATOR_HOST: driveServer.url,
      OAUTH_EMULATOR_HOST: oauthServer.url,
      SECRET_MANAGER_EMULATOR_HOST: secretsServer.url,
      CLOUD_TASKS_EMULATOR_HOST: tasksServer.url,
    },
    dataDir: options.dataDir,
    save: async () => {
      await persistence?.save();
    },
    stop: async () => {
      tasks.close();
      await Promise.all(servers.map((s) => s.close()));
      await persistence?.close();
    },
  };
}
