/**
 * `gcs-drive-backup reconcile gs://BUCKET[/PREFIX] [--dry-run] [--max-seconds N]`: back up everything the
 * event trigger missed, from a terminal. Same engine, state and cursor as `POST /reconcile`; without
 * `--max-seconds` it runs to the end. Progress (objects, bytes, rate) is shown only on a terminal; a
 * summary always. Exit code 1 when any object failed or the run was stopped by an error.
 */
import { classifyFailure } from '../core/classify.js';
import { parseGsUrl } from '../core/names.js';
import { formatBytes } from '../core/text.js';
import { createDeadline } from '../core/time-budget.js';
import { escapeForTerminal as shown } from '../core/terminal-text.js';
import { bucketExists } from '../gcs/source.js';
import { reconcileBucket } from '../reconcile/reconcile.js';
import type { Progress, RunResult } from '../reconcile/run-loop.js';
import { commandLineOrHelp, type CommandOption, type CommandSpec } from './command-line.js';
import { commandBucket, runtimeForCommand, VERBOSE } from './command-runtime.js';
import { UsageError, type CliIO } from './io.js';

const DRY_RUN: CommandOption<boolean> = {
  flag: 'dry-run',
  boolean: true,
  parse: () => ({ ok: true, value: true }),
  default: false,
  example: '',
  help: 'report what a run would back up; write nothing',
};

const MAX_SECONDS: CommandOption<number> = {
  flag: 'max-seconds',
  parse: (text) => {
    const n = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : Number.NaN;
    return n > 0 && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, problem: `must be a number above 0, got "${text}"` };
  },
  example: '300',
  placeholder: 'SECONDS',
  help: 'stop starting new work after this long (default: run to the end)',
};

export const SPEC: CommandSpec<{ dryRun: typeof DRY_RUN; maxSeconds: typeof MAX_SECONDS; verbose: typeof VERBOSE }> = {
  name: 'reconcile',
  synopsis: 'gs://BUCKET[/PREFIX] [--dry-run] [--max-seconds N] [--verbose] [settings]',
  about: 'Backs up everything the event trigger missed, configured as the function is: by the environment, or the settings below as flags.',
  options: { dryRun: DRY_RUN, maxSeconds: MAX_SECONDS, verbose: VERBOSE },
  settings: true,
};
const PROGRESS_EVERY_MS = 250;

export async function reconcileCommand(io: CliIO): Promise<number> {
  const line = commandLineOrHelp(io, SPEC);
  if (!line) return 0;
  const { values, positionals, settings, usage } = line;
  if (positionals.length !== 1) throw new UsageError(`expected one gs://BUCKET[/PREFIX]\n${usage}`);
  const target = parseGsUrl(positionals[0], false);
  if (!target.ok) throw new UsageError(`${target.problems.join('; ')}\n${usage}`);
  const maxSeconds = values.maxSeconds ?? Infinity;
  const { bucket, name: prefix } = target.value;
  const runtime = await runtimeForCommand(io, commandBucket(io, settings, bucket, usage), values.verbose === true);
  const exists = await bucketExists(runtime.source, bucket);
  if (!exists) {
    io.stderr(`bucket ${bucket} not found\n`);
    return 1;
  }

  const started = Date.now();
  let shownAt = 0;
  const showProgress = (p: Progress, force = false) => {
    if (!io.isTTY || (!force && Date.now() - shownAt < PROGRESS_EVERY_MS)) return;
    shownAt = Date.now();
    const seconds = Math.max(0.001, (shownAt - started) / 1000);
    const rate = `${(p.backedUp / seconds).toFixed(1)} objects/s, ${formatBytes(p.bytes / seconds)}/s`;
    io.stdout(`\r${p.scanned} scanned, ${p.backedUp} backed up, ${p.failed} failed, ${formatBytes(p.bytes)} (${rate})   `);
  };
  const report = await reconcileBucket(
    runtime,
    { bucket, prefix, dryRun: values.dryRun === true, maxSeconds },
    { objectDeadline: () => createDeadline(runtime.config.deadlineMs), onProgress: showProgress },
  );
  if (io.isTTY) io.stdout('\n');
  io.stdout(summary(report));
  return report.failed > 0 || report.error !== undefined ? 1 : 0;
}

function summary(r: RunResult): string {
  const lines = [
    `${r.dryRun ? 'dry run: ' : ''}${shown(`gs://${r.bucket}/${r.prefix}`)}: ${r.scanned} scanned, ${r.uploaded} uploaded, ${r.revised} revised, ` +
      (r.enqueued !== undefined ? `${r.enqueued} enqueued, ` : '') +
      `${r.skipped} skipped, ${r.failed} failed, ${formatBytes(r.bytes)} in ${(r.durationMs / 1000).toFixed(1)} s`,
  ];
  if (r.plan) {
    lines.push(`would upload ${r.plan.upload} and revise ${r.plan.revise} object(s)`);
    for (const item of r.plan.sample) lines.push(`  ${item.action} ${shown(item.name)}`);
    if (r.plan.sample.length < r.plan.upload + r.plan.revise) lines.push('  ...');
  }
  for (const f of r.failures) {
    lines.push(`  failed ${shown(`${f.name}#${f.generation}`)}: ${shown(f.reason)}${f.action ? ` (action: ${shown(f.action)})` : ''}`);
  }
  if (r.failed > r.failures.length) lines.push(`  ... and ${r.failed - r.failures.length} more failure(s)`);
  if (r.error !== undefined) lines.push(`stopped by an error: ${shown(classifyFailure(r.error, 'drive').reason)}`);
  if (!r.done) lines.push(`not finished: run again to continue after ${shown(JSON.stringify(r.cursor ?? ''))}`);
  return `${lines.join('\n')}\n`;
}
