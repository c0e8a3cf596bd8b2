/**
 * The function's configuration: `parseConfig(env)` reads every setting (config/settings.ts) from the
 * environment into a typed, frozen `Config` — each setting's value under its key, plus what is derived
 * from them — or throws a `ConfigError` naming the first bad variable, what is wrong, and a good value.
 * Pure: the environment is a parameter, nothing is read at import time. Empty or blank values count as
 * unset (Terraform and `gcloud` often pass `""`).
 */
import { wholeNumber, type Option, type ValueParser } from './option.js';
import { SETTINGS, type DeleteMode, type Dispatch, type KnownSetting, type OnNewGeneration, type Setting } from './settings.js';

export type { DeleteMode, Dispatch, OnNewGeneration };

/** Base URLs (scheme://host:port[/path], no trailing `/`) replacing Google endpoints in local runs. */
export interface EmulatorHosts {
  readonly storage?: string;
  readonly drive?: string;
  readonly oauth?: string;
  readonly secretManager?: string;
  readonly tasks?: string;
}

/** A setting's value in the config: always there when required or defaulted, else maybe undefined. */
type ValueOf<S> = S extends { parse: ValueParser<infer T> }
  ? S extends { required: true } | { default: unknown }
    ? T
    : T | undefined
  : never;

/** Every setting's value, under its key in SETTINGS: a new setting lands here by itself. */
export type SettingValues = { readonly [K in keyof typeof SETTINGS]: ValueOf<(typeof SETTINGS)[K]> };

/** The settings' values, and what the product derives from them. */
export interface Config extends SettingValues {
  /** Reconcile's time budget: RECONCILE_MAX_SECONDS, by default (and at most) the invocation budget. */
  readonly reconcileMaxSeconds: number;
  /** Resumable upload chunk size: a positive multiple of 256 KiB. */
  readonly uploadChunkBytes: number;
  /** Objects up to this size go up in one multipart request. */
  readonly multipartMaxBytes: number;
  /** Work budget per invocation: (timeout − margin) × 1000. */
  readonly deadlineMs: number;
  /** A Cloud Storage read or Drive request that moves no byte for this long is abandoned and retried. */
  readonly ioIdleTimeoutMs: number;
  /** How long an upload claim is held without renewal; a crashed instance's claim frees up after it. */
  readonly leaseMs: number;
  /** DISPATCH=tasks (or auto): the queue, its tasks' target and identity (all three required then). */
  readonly tasks?: TasksTarget;
  /** How long the queue stays paused after Drive's daily upload limit. */
  readonly uploadLimitPauseMs: number;
  /** DISPATCH=auto: how long events are enqueued after Drive refused a direct backup for rate. */
  readonly backPressureMs: number;
  readonly emulators: EmulatorHosts;
}

export interface TasksTarget {
  /** `projects/P/locations/L/queues/Q`. */
  readonly queue: string;
  /** The HTTP function's `POST /backup` URL. */
  readonly targetUrl: string;
  /** The service account in the tasks' OIDC tokens. */
  readonly serviceAccount: string;
}

/** A configuration variable is missing or invalid; `variable` names it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

export type Env = NodeJS.ProcessEnv | Readonly<Record<string, string | undefined>>;

const MIB = 1024 * 1024;

function fail(variable: string, problem: string, example: string): never {
  throw new ConfigError(variable, `${variable} ${problem}; for example ${variable}=${example}`);
}

type Narrowed<T> = Partial<Pick<Option<T>, 'parse'>>;

/** A setting's value in `env` (trimmed; blank is unset), its default, or a ConfigError. */
export function readSetting<T>(env: Env, setting: KnownSetting<T>, narrowed?: Narrowed<T>): T;
export function readSetting<T>(env: Env, setting: Setting<T>, narrowed?: Narrowed<T>): T | undefined;
export function readSetting<T>(env: Env, setting: Setting<T>, narrowed: Narrowed<T> = {}): T | undefined {
  const parse = narrowed.parse ?? setting.parse;
  const text = env[setting.env]?.trim();
  if (text === undefined || text === '') {
    if (setting.required) fail(setting.env, 'is required but not set', setting.example);
    return setting.default;
  }
  const parsed = parse(text);
  return parsed.ok ? parsed.value : fail(setting.env, parsed.problem, setting.example);
}

/** The `*_EMULATOR_HOST` settings alone (the CLI's authorize and check need nothing else). */
export function readEmulatorHosts(env: Env): EmulatorHosts {
  const hosts = {
    storage: readSetting(env, SETTINGS.storageEmulatorHost),
    drive: readSetting(env, SETTINGS.driveEmulatorHost),
    oauth: readSetting(env, SETTINGS.oauthEmulatorHost),
    secretManager: readSetting(env, SETTINGS.secretManagerEmulatorHost),
    tasks: readSetting(env, SETTINGS.cloudTasksEmulatorHost),
  };
  return Object.fromEntries(Object.entries(hosts).filter(([, url]) => url !== undefined));
}

/**
 * Validates `env` into a `Config`: every setting of SETTINGS, in table order, then the rules that span
 * two settings, then the derived values. Throws `ConfigError` for the first invalid variable.
 */
export function parseConfig(env: Env): Config {
  const values = Object.fromEntries(
    Object.entries(SETTINGS).map(([key, setting]: [string, Setting<unknown>]) => {
      const value = readSetting(env, setting);
      return [key, Array.isArray(value) ? Object.freeze([...(value as unknown[])]) : value];
    }),
  ) as { -readonly [K in keyof SettingValues]: SettingValues[K] };

  if (values.sourceBucket === values.stateBucket) {
    const why = 'state writes would trigger the function on itself';
    fail('STATE_BUCKET', `must differ from SOURCE_BUCKET ("${values.stateBucket}"): ${why}`, `${values.stateBucket}-state`);
  }
  const { functionTimeoutSec, deadlineMarginSec } = values;
  if (deadlineMarginSec >= functionTimeoutSec) {
    const problem = `must be less than FUNCTION_TIMEOUT_SEC (${functionTimeoutSec}), got ${deadlineMarginSec}`;
    fail('DEADLINE_MARGIN_SEC', problem, String(Math.floor(functionTimeoutSec / 10)));
  }
  let tasks: TasksTarget | undefined;
  // auto without any of the queue's settings is direct (a local run, the CLI); with some, it needs all.
  const queueSet = values.tasksQueue !== undefined || values.tasksTargetUrl !== undefined || values.tasksServiceAccount !== undefined;
  if (values.dispatch === 'tasks' || (values.dispatch === 'auto' && queueSet)) {
    const need = (key: 'tasksQueue' | 'tasksTargetUrl' | 'tasksServiceAccount'): string =>
      values[key] ?? fail(SETTINGS[key].env, `is required with DISPATCH=${values.dispatch}`, SETTINGS[key].example);
    tasks = Object.freeze({ queue: need('tasksQueue'), targetUrl: need('tasksTargetUrl'), serviceAccount: need('tasksServiceAccount') });
  }
  const budgetSec = functionTimeoutSec - deadlineMarginSec;
  const reconcileMaxSeconds = readSetting(env, SETTINGS.reconcileMaxSeconds, { parse: wholeNumber(1, budgetSec) }) ?? budgetSec;

  return Object.freeze({
    ...values,
    reconcileMaxSeconds,
    uploadChunkBytes: values.uploadChunkMib * MIB,
    multipartMaxBytes: Math.floor(values.multipartMaxMib * MIB),
    deadlineMs: budgetSec * 1000,
    ioIdleTimeoutMs: values.ioIdleTimeoutSec * 1000,
    leaseMs: values.leaseSec * 1000,
    ...(tasks !== undefined ? { tasks } : {}),
    uploadLimitPauseMs: values.uploadLimitPauseSec * 1000,
    backPressureMs: values.backPressureSec * 1000,
    emulators: Object.freeze(readEmulatorHosts(env)),
  });
}

/** What the client builders read of the config: only the emulator hosts (the CLI has no full `Config`). */
export type ClientConfig = Pick<Config, 'emulators'>;
