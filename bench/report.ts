/**
 * What a benchmark hands back and how `bench/run.ts` shows it: a list of figures (one row each in the
 * table), its goal (or goals) with the verdict (the "ratios" line), and free-form details kept only in
 * `bench/results/latest.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BenchOptions } from './options.js';

/** One measured number. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
}

/** The measurable goal a benchmark checks: `value` compared with `limit`. */
export interface Goal {
  label: string;
  value: number;
  unit: string;
  limit: number;
  comparison: 'atMost' | 'atLeast';
}

export interface BenchmarkResult {
  benchmark: string;
  figures: Figure[];
  goal: Goal;
  /** Every goal of a benchmark that has several (`goal` is its headline one, listed here too). */
  goals?: Goal[];
  details?: Record<string, unknown>;
}

export interface Benchmark {
  name: string;
  /** One line for `--help` and the README. */
  description: string;
  run(options: BenchOptions, progress: (line: string) => void): Promise<BenchmarkResult>;
}

export const goalMet = (goal: Goal): boolean => (goal.comparison === 'atMost' ? goal.value <= goal.limit : goal.value >= goal.limit);

export function figure(name: string, value: number, unit: string): Figure {
  return { name, value, unit };
}

/** Rounds for display: 3 significant digits below 100, whole numbers above. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  return Number(value.toPrecision(3)).toString();
}

const withUnit = (value: number, unit: string): string =>
  unit === '×' ? `${formatNumber(value)}×` : `${formatNumber(value)} ${unit}`.trim();

function describeGoal(goal: Goal): string {
  const sign = goal.comparison === 'atMost' ? '≤' : '≥';
  return `${goal.label} ${withUnit(goal.value, goal.unit)} (goal ${sign} ${withUnit(goal.limit, goal.unit)}: ${goalMet(goal) ? 'met' : 'MISSED'})`;
}

/** The results as an aligned text table, one row per figure, then the "ratios" line. */
export function renderTable(results: readonly BenchmarkResult[]): string {
  const rows = [['benchmark', 'figure', 'value']];
  for (const r of results) for (const f of r.figures) rows.push([r.benchmark, f.name, withUnit(f.value, f.unit)]);
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: string[]) => row.map((cell, col) => (col === 2 ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const body = rows.map(line);
  body.splice(1, 0, rule);
  const ratios = results.flatMap((r) => (r.goals ?? [r.goal]).map((g) => `${r.benchmark}: ${describeGoal(g)}`)).join('; ');
  return `${body.join('\n')}\n\nratios: ${ratios}\n`;
}

/** Writes the results (with the machine they ran on) as pretty JSON. */
export function writeResults(path: string, results: readonly BenchmarkResult[], machine: Record<string, unknown>): void {
  mkdirSync(dirname(path), { recursive: true });
  const payload = {
    finishedAt: new Date().toISOString(),
    machine,
    results: results.map((r) => ({
      ...r,
      goal: { ...r.goal, met: goalMet(r.goal) },
      ...(r.goals ? { goals: r.goals.map((g) => ({ ...g, met: goalMet(g) })) } : {}),
    })),
  };
  writeFileSync(path, `${JSON.stringify(payload, null, 2)}\n`);
}
