/**
 * What a restore prints: one line per object as it is known (problems apart, so they can be collected),
 * then the coverage report (how many objects ended how) and one summary line, with how to resume when a
 * later run can get further. Every name goes through the terminal escape: a hostile object name is data,
 * never a terminal control sequence. Pure.
 */
import { escapeForTerminal } from '../core/terminal-text.js';
import { formatBytes } from '../core/text.js';
import { isProblem, isRetryable, statusOf, type ObjectReport } from './outcome.js';

/** An object's line: status, name (and target name when it differs), what happened. */
export function objectLine(report: ObjectReport): string {
  const { decision, result } = report;
  const status = statusOf(report);
  const target = decision && 'target' in decision && decision.target !== report.name ? ` -> ${escapeForTerminal(decision.target)}` : '';
  const details: string[] = [];
  if (decision && 'source' in decision) details.push(`generation ${decision.source.generation}`);
  if (decision?.kind === 'restore' && !result)
    details.push(`${formatBytes(Number(decision.source.size))}, Drive revision ${decision.revisionId}`);
  if (decision?.kind === 'exists' && decision.same === false) details.push('differs from the backup: --overwrite replaces it');
  if (decision && 'detail' in decision) details.push(decision.detail);
  if (decision?.kind === 'deleted-before-T') details.push(`deleted at ${decision.deletedAt}`);
  if (result?.kind === 'restored') details.push(`${formatBytes(result.bytes)}, verified`);
  if (result && 'reason' in result) details.push(result.reason);
  if (result?.kind === 'drive-limit') details.push(result.action);
  const said = details.length > 0 ? `: ${escapeForTerminal(details.join('; '))}` : '';
  return `${status} ${escapeForTerminal(report.name)}${target}${said}`;
}

/** Counts per status, as the run goes. */
export class RestoreTally {
  readonly counts = new Map<string, number>();
  problems = 0;
  retryable = 0;
  bytes = 0;

  add(report: ObjectReport): void {
    const status = statusOf(report);
    this.counts.set(status, (this.counts.get(status) ?? 0) + 1);
    if (isProblem(report)) this.problems++;
    if (isRetryable(report)) this.retryable++;
    if (report.result?.kind === 'restored') this.bytes += report.result.bytes;
  }

  get total(): number {
    let n = 0;
    for (const count of this.counts.values()) n += count;
    return n;
  }
}

const ORDER = [
  'restore',
  'restored',
  'exists',
  'deleted-before-T',
  'missing-in-drive',
  'revision-purged',
  'not-in-backup',
  'not-in-history',
  'target-invalid',
  'refused',
  'drive-limit',
  'mismatch',
  'failed',
];

/** The coverage report and the summary line that end every run. */
export function closingLines(
  tally: RestoreTally,
  what: { source: string; target: string; at: string; dryRun: boolean; seconds: number },
): string {
  const lines = [`coverage of ${escapeForTerminal(what.source)} as at ${what.at}: ${tally.total} object(s)`];
  const statuses = [...ORDER.filter((s) => tally.counts.has(s)), ...[...tally.counts.keys()].filter((s) => !ORDER.includes(s))];
  for (const status of statuses) lines.push(`  ${status.padEnd(18)} ${tally.counts.get(status)}`);
  if (tally.retryable > 0 && !what.dryRun)
    lines.push('to resume: run the same command again; it restores only what is still missing (the rest is reported exists)');
  const verb = what.dryRun ? 'dry run: would restore' : 'restored';
  const count = what.dryRun ? (tally.counts.get('restore') ?? 0) : (tally.counts.get('restored') ?? 0);
  const bytes = what.dryRun ? '' : `, ${formatBytes(tally.bytes)}`;
  lines.push(
    `${verb} ${count} of ${tally.total} object(s) into ${escapeForTerminal(what.target)}${bytes}, ${tally.counts.get('exists') ?? 0} already there, ` +
      `${tally.problems} problem(s) in ${what.seconds.toFixed(1)} s`,
  );
  return `${lines.join('\n')}\n`;
}
