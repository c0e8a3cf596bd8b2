/**
 * `gcs-drive-backup reconcile gs://BUCKET[/PREFIX] [--dry-run] [--max-seconds N]`: back up everything the
 * event trigger missed, from a terminal. Same engine, state and cursor as `POST /reconcile`; without
 * `--max-seconds` it runs to the end. Progress (objects, bytes, rate) is shown only on a terminal; a
 * summary always. Exit code 1 when any object failed or the run was stopped by an error.
 */
import { createDeadline } from '../time-budget.js';
import { parseGsUrl } from '../http/validate.js';
import { reconcileBucket } from '../reconcile/reconcile.js';
import { bucketExists } from '../gcs/source.js';
import type { Progress, RunResult } from '../reconcile/run-loop.js';
import { failureVerdict } from '../verdict.js';
import { CONFIG_FLAG_USAGE, parseCommandLine, runtimeForCommand } from './backup-command.js';
import { UsageError, type CliIO } from './io.js';

const USAGE = `usage: gcs-drive-backup reconcile gs://BUCKET[/PREFIX] [--dry-run] [--max-seconds N] ${CONFIG_FLAG_USAGE}`;
const PROGRESS_EVERY_MS = 250;

export async function reconcileCommand(io: CliIO): Promise<number> {
  const { positionals, flags } = parseCommandLine(io.argv, { 'dry-run': 'boolean', 'max-seconds': 'string' }, USAGE);
  if (positionals.length !== 1) throw new UsageError(`expected one gs://BUCKET[/PREFIX]\n${USAGE}`);
  const target = parseGsUrl(positionals[0] as string, false);
  if (!target.ok) throw new UsageError(`${target.problems.join('; ')}\n${USAGE}`);
  let maxSeconds = Infinity;
  if (flags['max-seconds'] !== undefined) {
    maxSeconds = Number(flags['max-seconds']);
    if (!Number.isFinite(maxSeconds) || maxSeconds <= 0) throw new UsageError(`--max-seconds must be a number above 0\n${USAGE}`);
  }
  const { bucket, name: prefix } = target.value;
  const runtime = await runtimeForCommand(io, flags);
  const exists = await bucketExists(runtime.storage, bucket);
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
    { bucket, prefix, dryRun: flags['dry-run'] === true, maxSeconds },
    { objectDeadline: () => createDeadline(runtime.config.deadlineMs), onProgress: showProgress },
  );
  if (io.isTTY) io.stdout('\n');
  io.stdout(summary(report));
  return report.failed > 0 || report.error !== undefined ? 1 : 0;
}

function summary(r: RunResult): string {
  const lines = [
    `${r.dryRun ? 'dry run: ' : ''}gs://${r.bucket}/${r.prefix}: ${r.scanned} scanned, ${r.uploaded} uploaded, ${r.revised} revised, ` +
      `${r.skipped} skipped, ${r.failed} failed, ${formatBytes(r.bytes)} in ${(r.durationMs / 1000).toFixed(1)} s`,
  ];
  if (r.plan) {
    lines.push(`would upload ${r.plan.upload} and revise ${r.plan.revise} object(s)`);
    for (const item of r.plan.sample) lines.push(`  ${item.action} ${item.name}`);
    if (r.plan.sample.length < r.plan.upload + r.plan.revise) lines.push('  ...');
  }
  for (const f of r.failures) lines.push(`  failed ${f.name}#${f.generation}: ${f.reason}${f.action ? ` (action: ${f.action})` : ''}`);
  if (r.failed > r.failures.length) lines.push(`  ... and ${r.failed - r.failures.length} more failure(s)`);
  if (r.error !== undefined) lines.push(`stopped by an error: ${failureVerdict(r.error).reason}`);
  if (!r.done) lines.push(`not finished: run again to continue after ${JSON.stringify(r.cursor ?? '')}`);
  return `${lines.join('\n')}\n`;
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
