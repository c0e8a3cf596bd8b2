/**
 * `gcs-drive-backup backup gs://BUCKET/NAME [--generation G]`: back up one object now, with the same
 * configuration as the function (from the environment, or the flags of the settings), Application
 * Default Credentials for Cloud Storage and Secret Manager.
 */
import { randomUUID } from 'node:crypto';
import { backupAndLog } from '../backup/backup-and-log.js';
import { isNotFound } from '../core/error-shapes.js';
import { parseGsUrl } from '../core/names.js';
import { describeRef, normaliseInt64 } from '../core/object-ref.js';
import { createDeadline } from '../core/time-budget.js';
import { escapeForTerminal as shown } from '../core/terminal-text.js';
import { objectMetadata } from '../gcs/source.js';
import { commandLineOrHelp, type CommandOption, type CommandSpec } from './command-line.js';
import { commandBucket, runtimeForCommand, VERBOSE } from './command-runtime.js';
import { UsageError, type CliIO } from './io.js';

const GENERATION: CommandOption<string> = {
  flag: 'generation',
  parse: (text) => {
    const generation = normaliseInt64(text);
    return generation !== undefined && generation !== '0'
      ? { ok: true, value: generation }
      : { ok: false, problem: `must be a positive integer, got "${text}"` };
  },
  example: '1700000000000001',
  placeholder: 'G',
  help: 'the generation to back up (default: the live one)',
};

export const SPEC: CommandSpec<{ generation: typeof GENERATION; verbose: typeof VERBOSE }> = {
  name: 'backup',
  synopsis: 'gs://BUCKET/NAME [--generation G] [--verbose] [settings]',
  about: 'Backs up one object now, configured as the function is: by the environment, or the settings below as flags.',
  options: { generation: GENERATION, verbose: VERBOSE },
  settings: true,
};

export async function backupCommand(io: CliIO): Promise<number> {
  const line = commandLineOrHelp(io, SPEC);
  if (!line) return 0;
  const { values, positionals, settings, usage } = line;
  if (positionals.length !== 1) throw new UsageError(`expected one gs://BUCKET/NAME\n${usage}`);
  const target = parseGsUrl(positionals[0], true);
  if (!target.ok) throw new UsageError(`${target.problems.join('; ')}\n${usage}`);
  const { bucket, name } = target.value;
  const generation = values.generation;
  const runtime = await runtimeForCommand(io, commandBucket(io, settings, bucket, usage), values.verbose === true);

  let ref;
  try {
    ref = await objectMetadata(runtime.source, { bucket, name, generation });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    io.stderr(`${shown(describeRef({ bucket, name, generation: generation || undefined }))} not found\n`);
    return 1;
  }
  const where = shown(describeRef(ref));
  // Each call is one function-sized invocation (its claim's lease is bounded); a large upload that
  // checkpoints at the deadline is simply continued by the next call, from the same Drive session.
  for (;;) {
    const result = await backupAndLog(runtime, ref, {
      deadline: createDeadline(runtime.config.deadlineMs),
      invocationId: `cli-${randomUUID()}`,
    });
    if (result.ok) {
      const file = result.driveFileId ? ` → Drive file ${shown(result.driveFileId)}` : '';
      const detail = result.outcome === 'skipped' ? ` (${shown(result.reason)})` : ` (${result.bytes} bytes)`;
      io.stdout(`${result.outcome} ${where}${file}${detail}\n`);
      return 0;
    }
    const { failure } = result;
    if (failure.kind === 'checkpoint') {
      io.stdout(`${shown(failure.reason)}\n`);
      continue;
    }
    const action = 'action' in failure && failure.action ? `\naction: ${shown(failure.action)}` : '';
    io.stderr(`failed ${where}: ${shown(failure.reason)}${action}\n`);
    return 1;
  }
}
