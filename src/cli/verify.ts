/**
 * `gcs-drive-backup verify`: proves a deployment end to end, the command a deployer runs right after
 * `terraform apply`. It writes a small canary object to the source bucket (src/cli/canary.ts; a canary
 * passes every filter of the event path and is never backed up by reconcile, so only the trigger can
 * bring it to Drive), waits until its Drive backup exists with the same MD5, prints the latency, and
 * removes the canary from the bucket, Drive and the state bucket. On timeout it says what it saw and what
 * to check next (src/cli/verify-report.ts). Configured as `backup` and `check` are: by the environment or
 * the settings as flags (`export $(terraform output -raw cli_environment)`). Exit codes: 0 the canary
 * landed, 1 it did not (or a failure), 2 usage.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { projectFromEnv } from '../core/logs.js';
import { escapeForTerminal as shown } from '../core/terminal-text.js';
import { wholeNumber } from '../config/option.js';
import { landed, lookAtCanary, removeCanary, writeCanary, type Canary, type CanarySighting, type Removal } from './canary.js';
import { commandLineOrHelp, type CommandOption, type CommandSpec } from './command-line.js';
import { runtimeForCommand, VERBOSE } from './command-runtime.js';
import { UsageError, type CliIO } from './io.js';
import { timeoutReport } from './verify-report.js';
import { describeRef } from '../core/object-ref.js';

const TIMEOUT: CommandOption<number> = {
  flag: 'timeout',
  parse: wholeNumber(1, 3600),
  default: 120,
  example: '120',
  placeholder: 'SECONDS',
  help: 'how long to wait for the canary in Drive',
};

const RESTORE: CommandOption<number> = {
  flag: 'restore',
  parse: wholeNumber(1, 1000),
  example: '5',
  placeholder: 'N',
  help: 'instead of the canary, the restore drill: N backed-up objects (the newest and N-1 at random) restored into memory and compared',
};

export const SPEC: CommandSpec<{ timeout: typeof TIMEOUT; restore: typeof RESTORE; verbose: typeof VERBOSE }> = {
  name: 'verify',
  synopsis: '[--timeout SECONDS] [--verbose] [settings]',
  about:
    'Writes a canary object to SOURCE_BUCKET (under CANARY_PREFIX), waits until the event trigger has backed it up to Drive with the\n' +
    'same MD5, prints the latency and removes the canary again. Configured as the function is: by the environment, or the\n' +
    'settings below as flags. Exit codes: 0 the pipeline works, 1 it does not (what was seen and what to check are printed), 2 usage.',
  options: { timeout: TIMEOUT, restore: RESTORE, verbose: VERBOSE },
  settings: true,
};

/** How often the state record and Drive are looked at while waiting. */
const POLL_MS = 500;

export async function verifyCommand(io: CliIO): Promise<number> {
  const line = commandLineOrHelp(io, SPEC);
  if (!line) return 0;
  const { values, positionals, settings, usage } = line;
  if (positionals.length > 0) throw new UsageError(`verify takes no arguments: the bucket is SOURCE_BUCKET (--source-bucket)\n${usage}`);
  const timeoutMs = (values.timeout ?? 120) * 1000;
  const runtime = await runtimeForCommand(io, settings, values.verbose === true);
  const bucket = runtime.config.sourceBucket;
  if (bucket === undefined)
    throw new UsageError(`SOURCE_BUCKET is not set: give --source-bucket BUCKET, the bucket the trigger watches\n${usage}`);

  if (values.restore !== undefined) return (await import('./restore-drill.js')).restoreDrill(io, runtime, bucket, values.restore);

  const canary = await writeCanary(runtime, bucket);
  const written = Date.now();
  const where = shown(describeRef(canary.ref));
  io.stdout(`verify: wrote the canary ${where}; waiting up to ${timeoutMs / 1000} s for its backup in Drive\n`);

  let seen: CanarySighting = {};
  let problem: string | undefined;
  for (;;) {
    try {
      seen = await lookAtCanary(runtime, canary);
      problem = undefined;
    } catch (err) {
      // The state bucket or Drive failing now: look again, and report it if it lasts.
      problem = err instanceof Error ? err.message : JSON.stringify(err);
    }
    if (landed(canary, seen) || Date.now() - written >= timeoutMs) break;
    await sleep(POLL_MS);
  }
  const waitedMs = Date.now() - written;
  const ok = landed(canary, seen);
  if (ok) {
    const latency = `${(waitedMs / 1000).toFixed(1)} s`;
    io.stdout(
      `verify: OK: the canary reached Drive in ${latency} (Drive file ${shown(seen.record?.fileId ?? '')}, MD5 ${canary.md5Hex})\n`,
    );
  } else {
    io.stderr(timeoutReport({ canary, seen, waitedMs, now: Date.now(), project: projectFromEnv(io.env) }));
    if (problem !== undefined) io.stderr(`  (the last look at the state bucket and Drive failed: ${shown(problem)})\n`);
  }
  report(io, await removeCanary(runtime, canary, seen), canary);
  return ok ? 0 : 1;
}

function report(io: CliIO, removal: Removal, canary: Canary): void {
  if (removal.removed.length > 0) io.stdout(`verify: removed the canary's ${removal.removed.join(', ')}\n`);
  for (const left of removal.left) io.stderr(`verify: left the canary's ${left}: ${shown(canary.ref.name)}\n`);
}
