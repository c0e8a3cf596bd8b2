/**
 * `gcs-drive-backup backup gs://BUCKET/NAME [--generation G]`: back up one object now, with the same
 * configuration variables as the function (from the environment, or the flags below), Application Default
 * Credentials for Cloud Storage and Secret Manager. Also home of the small command-line helpers the
 * `reconcile` command shares (flag parsing, the runtime with flag overrides, the quiet logger).
 */
import { randomUUID } from 'node:crypto';
import { isNotFound } from '../errors.js';
import { normaliseInt64 } from '../event.js';
import { objectMetadata } from '../gcs/source.js';
import { createLogger, projectFromEnv } from '../logs.js';
import { buildRuntime, type Runtime } from '../runtime.js';
import { createDeadline } from '../time-budget.js';
import { parseGsUrl } from '../http/validate.js';
import { backupAndLog } from '../backup-and-log.js';
import { UsageError, type CliIO } from './io.js';

/** Flags every command that builds a runtime accepts, and the variables they set. */
const CONFIG_FLAGS = { 'drive-folder-id': 'DRIVE_FOLDER_ID', 'token-secret': 'TOKEN_SECRET', 'state-bucket': 'STATE_BUCKET' } as const;
export const CONFIG_FLAG_USAGE = '[--drive-folder-id ID] [--token-secret projects/P/secrets/S] [--state-bucket B] [--verbose]';
const USAGE = `usage: gcs-drive-backup backup gs://BUCKET/NAME [--generation G] ${CONFIG_FLAG_USAGE}`;

export interface CommandLine {
  positionals: string[];
  flags: Record<string, string | true>;
}

/** `--name value`, `--name=value` and boolean `--name`; anything not in `known` is a usage error. */
export function parseCommandLine(argv: readonly string[], known: Record<string, 'string' | 'boolean'>, usage: string): CommandLine {
  const all: Record<string, 'string' | 'boolean'> = { ...known, verbose: 'boolean' };
  for (const flag of Object.keys(CONFIG_FLAGS)) all[flag] = 'string';
  const out: CommandLine = { positionals: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      out.positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const kind = all[name];
    if (kind === undefined) throw new UsageError(`unknown option --${name}\n${usage}`);
    if (kind === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value\n${usage}`);
      out.flags[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value\n${usage}`);
    out.flags[name] = value;
  }
  return out;
}

/** The function's runtime for a command: env plus flag overrides; only warnings and errors are printed (all with --verbose). */
export async function runtimeForCommand(io: CliIO, flags: CommandLine['flags']): Promise<Runtime> {
  const env: NodeJS.ProcessEnv = { ...io.env };
  for (const [flag, variable] of Object.entries(CONFIG_FLAGS)) {
    const value = flags[flag];
    if (typeof value === 'string') env[variable] = value;
  }
  const verbose = flags.verbose === true;
  const logger = createLogger({
    project: projectFromEnv(env),
    write: (line) => {
      if (verbose || /^\{"severity":"(WARNING|ERROR)"/.test(line)) io.stderr(`${line}\n`);
    },
  });
  return buildRuntime(env, logger);
}

export async function backupCommand(io: CliIO): Promise<number> {
  const { positionals, flags } = parseCommandLine(io.argv, { generation: 'string' }, USAGE);
  if (positionals.length !== 1) throw new UsageError(`expected one gs://BUCKET/NAME\n${USAGE}`);
  const target = parseGsUrl(positionals[0] as string, true);
  if (!target.ok) throw new UsageError(`${target.problems.join('; ')}\n${USAGE}`);
  let generation: string | undefined;
  if (flags.generation !== undefined) {
    generation = normaliseInt64(flags.generation);
    if (generation === undefined || generation === '0') throw new UsageError(`--generation must be a positive integer\n${USAGE}`);
  }
  const { bucket, name } = target.value;
  const runtime = await runtimeForCommand(io, flags);

  let ref;
  try {
    ref = await objectMetadata(runtime.storage, bucket, name, generation);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    io.stderr(`gs://${bucket}/${name}${generation ? `#${generation}` : ''} not found\n`);
    return 1;
  }
  const where = `gs://${bucket}/${name}#${ref.generation}`;
  // Each call is one function-sized invocation (its claim's lease is bounded); a large upload that
  // checkpoints at the deadline is simply continued by the next call, from the same Drive session.
  for (;;) {
    const result = await backupAndLog(runtime, ref, {
      deadline: createDeadline(runtime.config.deadlineMs),
      invocationId: `cli-${randomUUID()}`,
    });
    if (result.ok) {
      const file = result.driveFileId ? ` → Drive file ${result.driveFileId}` : '';
      const detail = result.outcome === 'skipped' ? ` (${result.reason})` : ` (${result.bytes} bytes)`;
      io.stdout(`${result.outcome} ${where}${file}${detail}\n`);
      return 0;
    }
    if (result.verdict.log === 'checkpoint') {
      io.stdout(`${result.verdict.reason}\n`);
      continue;
    }
    const action = 'action' in result.verdict && result.verdict.action ? `\naction: ${result.verdict.action}` : '';
    io.stderr(`failed ${where}: ${result.verdict.reason}${action}\n`);
    return 1;
  }
}
