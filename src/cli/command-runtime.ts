/**
 * The function's runtime for the commands that back up (`backup`, `reconcile`): the environment with the
 * settings given as flags laid over it, Application Default Credentials for Cloud Storage and Secret
 * Manager, and a logger that prints only warnings and errors (every line with --verbose). The bucket a
 * command line names must be the one this deployment backs up (`commandBucket`).
 */
import type { Runtime } from '../tasks/dispatch.js';
import { bucketScopeProblem } from '../config/source-bucket.js';
import { createLogger, projectFromEnv } from '../core/logs.js';
import { escapeForTerminal as shown } from '../core/terminal-text.js';
import { buildRuntime } from '../runtime/runtime.js';
import type { CommandOption } from './command-line.js';
import { UsageError, type CliIO } from './io.js';

export const VERBOSE: CommandOption<boolean> = {
  flag: 'verbose',
  boolean: true,
  parse: () => ({ ok: true, value: true }),
  default: false,
  example: '',
  help: 'print every log line, not only warnings and errors',
};

export function runtimeForCommand(io: CliIO, settings: Record<string, string>, verbose: boolean): Promise<Runtime> {
  const env: NodeJS.ProcessEnv = { ...io.env, ...settings };
  const logger = createLogger({
    project: projectFromEnv(env),
    write: (line) => {
      if (verbose || /^\{"severity":"(WARNING|ERROR)"/.test(line)) io.stderr(`${shown(line)}\n`);
    },
  });
  return buildRuntime(env, logger);
}

/**
 * The settings for a command that backs up `bucket`: with SOURCE_BUCKET set (environment or flag), the
 * bucket must be it; unset, the bucket named on the command line becomes it, so the configuration's own
 * rule (STATE_BUCKET differs from SOURCE_BUCKET) holds. Never the state bucket. A UsageError otherwise.
 */
export function commandBucket(io: CliIO, settings: Record<string, string>, bucket: string, usage: string): Record<string, string> {
  const setting = (name: string): string | undefined => (settings[name] ?? io.env[name])?.trim() || undefined;
  const sourceBucket = setting('SOURCE_BUCKET') ?? bucket;
  const stateBucket = setting('STATE_BUCKET');
  const problem = bucketScopeProblem(bucket, { sourceBucket, stateBucket: stateBucket ?? '' });
  if (problem !== undefined) {
    const hint = bucket === stateBucket ? '' : `; give --source-bucket ${bucket} if this deployment should back it up`;
    throw new UsageError(`${shown(`gs://${bucket}`)}: ${problem}${hint}\n${usage}`);
  }
  return { ...settings, SOURCE_BUCKET: sourceBucket };
}
