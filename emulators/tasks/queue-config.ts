/**
 * A queue's `rateLimits` and `retryConfig`: Google's defaults for queues created through the API, its
 * limits, the burst size Cloud Tasks derives from the rate, and UpdateQueue's field-mask semantics.
 * Sources: https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues (RateLimits,
 * RetryConfig, "If unspecified when the queue is created, Cloud Tasks will pick the default"),
 * https://cloud.google.com/tasks/docs/configuring-queues and https://cloud.google.com/tasks/docs/quotas.
 * In proto3 a zero is "unset", so 0 (or absence) means "the default" here too.
 */
import { rpcError } from './rpc.js';
import { snakeToCamel } from './names.js';
import type { Message } from './wire.js';

export interface QueueConfig {
  maxDispatchesPerSecond: number;
  maxBurstSize: number;
  maxConcurrentDispatches: number;
  /** -1: unlimited. */
  maxAttempts: number;
  /** 0: unlimited. */
  maxRetryDurationMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  maxDoublings: number;
}

/** What `gcloud tasks queues describe` shows for a queue created with no settings. */
export const DEFAULT_CONFIG: QueueConfig = {
  maxDispatchesPerSecond: 500,
  maxBurstSize: 100,
  maxConcurrentDispatches: 1000,
  maxAttempts: 100,
  maxRetryDurationMs: 0,
  minBackoffMs: 100,
  maxBackoffMs: 3_600_000,
  maxDoublings: 16,
};

export const LIMITS = { maxDispatchesPerSecond: 500, maxBurstSize: 500, maxConcurrentDispatches: 5000 } as const;

/**
 * The burst Cloud Tasks picks for a rate: rate/5 (at least 1), but 10 for a rate of exactly 1, as the
 * RateLimits reference documents it (v2beta2 `max_burst_size`); 500/s gives the default 100.
 */
export function derivedBurstSize(rate: number): number {
  if (rate === 1) return 10;
  return Math.min(LIMITS.maxBurstSize, Math.max(1, Math.floor(rate / 5)));
}

export const RATE_LIMITS_FIELDS = ['maxDispatchesPerSecond', 'maxBurstSize', 'maxConcurrentDispatches'] as const;
export const RETRY_CONFIG_FIELDS = ['maxAttempts', 'maxRetryDuration', 'minBackoff', 'maxBackoff', 'maxDoublings'] as const;

/** The settings present in a request's `rateLimits`/`retryConfig` (absent and zero values left out). */
export type ConfigInput = Partial<QueueConfig>;

function badValue(path: string, value: number, rule: string): never {
  throw rpcError('INVALID_ARGUMENT', `Invalid value for ${path}: ${value}. ${rule}`);
}

/** Reads and range-checks `rateLimits` and `retryConfig`; `burstSettable` is false on v2 (output only there). */
export function readConfigInput(queue: Message, burstSettable: boolean): ConfigInput {
  const input: ConfigInput = {};
  const rate = queue.message('rateLimits', RATE_LIMITS_FIELDS);
  if (rate) {
    const perSecond = rate.double('maxDispatchesPerSecond');
    if (perSecond !== undefined && perSecond !== 0) {
      if (perSecond < 0 || perSecond > LIMITS.maxDispatchesPerSecond) {
        badValue(
          rate.pathOf('maxDispatchesPerSecond'),
          perSecond,
          `It must be greater than 0 and at most ${LIMITS.maxDispatchesPerSecond}.`,
        );
      }
      input.maxDispatchesPerSecond = perSecond;
    }
    const burst = rate.int32('maxBurstSize');
    if (burstSettable && burst !== undefined && burst !== 0) {
      if (burst < 0 || burst > LIMITS.maxBurstSize)
        badValue(rate.pathOf('maxBurstSize'), burst, `It must be between 1 and ${LIMITS.maxBurstSize}.`);
      input.maxBurstSize = burst;
    }
    const concurrent = rate.int32('maxConcurrentDispatches');
    if (concurrent !== undefined && concurrent !== 0) {
      if (concurrent < 0 || concurrent > LIMITS.maxConcurrentDispatches) {
        badValue(rate.pathOf('maxConcurrentDispatches'), concurrent, `It must be between 1 and ${LIMITS.maxConcurrentDispatches}.`);
      }
      input.maxConcurrentDispatches = concurrent;
    }
  }
  const retry = queue.message('retryConfig', RETRY_CONFIG_FIELDS);
  if (retry) {
    const attempts = retry.int32('maxAttempts');
    if (attempts !== undefined && attempts !== 0) {
      if (attempts < -1) badValue(retry.pathOf('maxAttempts'), attempts, 'It must be >= -1 (-1 means unlimited).');
      input.maxAttempts = attempts;
    }
    for (const [field, key] of [
      ['maxRetryDuration', 'maxRetryDurationMs'],
      ['minBackoff', 'minBackoffMs'],
      ['maxBackoff', 'maxBackoffMs'],
    ] as const) {
      const ms = retry.duration(field);
      if (ms === undefined || ms === 0) continue;
      if (ms < 0) badValue(retry.pathOf(field), ms / 1000, 'A duration must not be negative.');
      input[key] = ms;
    }
    const doublings = retry.int32('maxDoublings');
    if (doublings !== undefined && doublings !== 0) {
      if (doublings < 0) badValue(retry.pathOf('maxDoublings'), doublings, 'It must not be negative.');
      input.maxDoublings = doublings;
    }
  }
  return input;
}

/** A new queue's configuration: defaults for whatever was not given. */
export function configForCreate(input: ConfigInput): QueueConfig {
  const rate = input.maxDispatchesPerSecond ?? DEFAULT_CONFIG.maxDispatchesPerSecond;
  const config: QueueConfig = { ...DEFAULT_CONFIG, ...input, maxDispatchesPerSecond: rate };
  config.maxBurstSize = input.maxBurstSize ?? derivedBurstSize(rate);
  checkBackoffOrder(config);
  return config;
}

const MASKABLE: Record<string, readonly (keyof QueueConfig)[]> = {
  rateLimits: ['maxDispatchesPerSecond', 'maxBurstSize', 'maxConcurrentDispatches'],
  retryConfig: ['maxAttempts', 'maxRetryDurationMs', 'minBackoffMs', 'maxBackoffMs', 'maxDoublings'],
};
const LEAF: Record<string, keyof QueueConfig> = {
  'rateLimits.maxDispatchesPerSecond': 'maxDispatchesPerSecond',
  'rateLimits.maxBurstSize': 'maxBurstSize',
  'rateLimits.maxConcurrentDispatches': 'maxConcurrentDispatches',
  'retryConfig.maxAttempts': 'maxAttempts',
  'retryConfig.maxRetryDuration': 'maxRetryDurationMs',
  'retryConfig.minBackoff': 'minBackoffMs',
  'retryConfig.maxBackoff': 'maxBackoffMs',
  'retryConfig.maxDoublings': 'maxDoublings',
};

/**
 * The settings UpdateQueue changes: every one (reset to its default when absent) without a mask, else the
 * masked ones. `otherPaths` are the non-config top-level fields the caller accepts in a mask.
 * Throws on a mask path the Queue does not have.
 */
export function maskedConfigKeys(mask: readonly string[] | undefined, otherPaths: readonly string[]): Set<keyof QueueConfig> {
  if (!mask) return new Set(Object.keys(DEFAULT_CONFIG) as (keyof QueueConfig)[]);
  const keys = new Set<keyof QueueConfig>();
  for (const raw of mask) {
    const path = raw.split('.').map(snakeToCamel).join('.');
    if (MASKABLE[path]) for (const k of MASKABLE[path]) keys.add(k);
    else if (LEAF[path]) keys.add(LEAF[path]);
    else if (!otherPaths.includes(path.split('.')[0] ?? '')) {
      throw rpcError('INVALID_ARGUMENT', `Invalid update_mask path "${raw}": the Queue has no such field.`);
    }
  }
  return keys;
}

/**
 * Applies an update. The burst is re-derived whenever the update touches the rate without setting the
 * burst itself (v2beta3 RateLimits.max_burst_size: "max_burst_size value will get updated if UpdateQueue
 * is updating max_dispatches_per_second").
 */
export function configForUpdate(current: QueueConfig, input: ConfigInput, keys: ReadonlySet<keyof QueueConfig>): QueueConfig {
  const config = { ...current };
  const target = config as unknown as Record<string, number>;
  for (const key of keys) target[key] = input[key] ?? DEFAULT_CONFIG[key];
  const burstGiven = keys.has('maxBurstSize') && input.maxBurstSize !== undefined;
  if (!burstGiven && (keys.has('maxBurstSize') || keys.has('maxDispatchesPerSecond'))) {
    config.maxBurstSize = derivedBurstSize(config.maxDispatchesPerSecond);
  }
  checkBackoffOrder(config);
  return config;
}

function checkBackoffOrder(config: QueueConfig): void {
  if (config.minBackoffMs > config.maxBackoffMs) {
    throw rpcError(
      'INVALID_ARGUMENT',
      `RetryConfig.min_backoff (${config.minBackoffMs / 1000}s) must not be greater than RetryConfig.max_backoff (${config.maxBackoffMs / 1000}s).`,
    );
  }
}
