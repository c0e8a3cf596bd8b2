/**
 * What a benchmark hands back and how `bench/run.ts` shows it: a list of figures (one row each in the
 * table; a repeated one shows min / median / max), its goal as one or more checks with a verdict each
 * (the "ratios" line), and free-form details kept only in `bench/results/latest.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BenchOptions } from './options.js';
import type { Stats } from './stats.js';

/** One measured number; `stats` when it was repeated (then `value` is the median). */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  stats?: Stats;
}

/** One part of a benchmark's goal: `value` compared with `limit`; no value when it could not be measured. */
export interface GoalCheck {
  label: string;
  value?: number;
  unit: string;
  limit: number;
  comparison: 'atMost' | 'atLeast';
  /** Why there is no value (e.g. "peer not measured"). */
  missing?: string;
}

export interface BenchmarkResult {
  benchmark: string;
  figures: Figure[];
  /** Every check must be met for the goal to be met. */
  goal: GoalCheck[];
  details?: Record<string, unknown>;
}

/** What one benchmark measured for another in the same run (the peer's figures, for memory and throughput). */
export interface RunContext {
  peer?: { growthMiB: Stats; throughputMiBps: Stats };
}

export interface Benchmark {
  name: string;
  /** One line for `--help` and the README. */
  description: string;
  run(options: BenchOptions, progress: (line: string) => void, context: RunContext): Promise<BenchmarkResult>;
}

export type Verdict = 'met' | 'MISSED' | 'not measured';

export function verdictOf(check: GoalCheck): Verdict {
  if (check.value === undefined || !Number.isFinite(check.value)) return 'not measured';
  return (check.comparison === 'atMost' ? check.value <= check.limit : check.value >= check.limit) ? 'met' : 'MISSED';
}

/** true when every check is met, false when one is missed, null when some could not be measured. */
export function goalMet(checks: readonly GoalCheck[]): boolean | null {
  const verdicts = checks.map(verdictOf);
  if (verdicts.includes('MISSED')) return false;
  return verdicts.includes('not measured') ? null : true;
}

export function figure(name: string, value: number, unit: string): Figure {
  return { name, value, unit };
}

/** A repeated figure: shown as min / median / max. */
export function statFigure(name: string, stats: Stats, unit: string): Figure {
  return { name, value: stats.median, unit, stats };
}

/** A check against a figure measured elsewhere (the peer's): "not measured" when it is absent. */
export function relativeCheck(
  label: string,
  ours: number,
  theirs: number | undefined,
  limit: number,
  comparison: GoalCheck['comparison'],
  missing: string,
): GoalCheck {
  return theirs === undefined
    ? { label, unit: '×', limit, comparison, missing }
    : { label, value: ours / theirs, unit: '×', limit, comparison };
}

/** Rounds for display: 3 significant digits below 100, whole numbers above. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  return Number(value.toPrecision(3)).toString();
}

const withUnit = (value: string, unit: string): string => (unit === '×' ? `${value}×` : `${value} ${unit}`.trim());

function formatFigure(f: Figure): string {
  if (!f.stats) return withUnit(formatNumber(f.value), f.unit);
  const { min, median, max } = f.stats;
  return withUnit([min, median, max].map(formatNumber).join(' / '), f.unit);
}

export function describeCheck(check: GoalCheck): string {
  const sign = check.comparison === 'atMost' ? '≤' : '≥';
  const verdict = verdictOf(check);
  const value = check.value === undefined ? '' : ` ${withUnit(formatNumber(check.value), check.unit)}`;
  const outcome = verdict === 'not measured' ? (check.missing ?? verdict) : verdict;
  return `${check.label}${value} (goal ${sign} ${withUnit(formatNumber(check.limit), check.unit)}: ${outcome})`;
}

/** The results as an aligned text table, one row per figure, then the "ratios" line with every check. */
export function renderTable(results: readonly BenchmarkResult[]): string {
  const rows = [['benchmark', 'figure', 'value (repeated: min / median / max)']];
  for (const r of results) for (const f of r.figures) rows.push([r.benchmark, f.name, formatFigure(f)]);
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: string[]) => row.map((cell, col) => (col === 2 ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const body = rows.map(line);
  body.splice(1, 0, rule);
  const ratios = results.flatMap((r) => r.goal.map((check) => `${r.benchmark}: ${describeCheck(check)}`)).join('; ');
  return `${body.join('\n')}\n\nratios: ${ratios}\n`;
}

/** Writes the results (with the machine they ran on) as pretty JSON: one entry per benchmark, its goal verdicts included. */
export function writeResults(path: string, results: readonly BenchmarkResult[], machine: Record<string, unknown>): void {
  mkdirSync(dirname(path), { recursive: true });
  const payload = {
    finishedAt: new Date().toISOString(),
    machine,
    results: results.map((r) => ({
      ...r,
      goal: { met: goalMet(r.goal), checks: r.goal.map((check) => ({ ...check, verdict: verdictOf(check) })) },
    })),
  };
  writeFileSync(path, `${JSON.stringify(payload, null, 2)}\n`);
}
