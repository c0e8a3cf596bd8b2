/**
 * The recent per-object outcomes the page shows, read from the functions' JSON log lines
 * (`"event":"objectOutcome"`, see src/logs.ts): a pure parser and a bounded, newest-first list.
 */
import type { FunctionSource } from './logs.js';

export interface Outcome {
  /** When the sandbox read the line (ISO 8601). */
  at: string;
  source: FunctionSource;
  outcome: string;
  bucket: string;
  name: string;
  generation: string;
  reason?: string;
  bytes?: number;
  durationMs?: number;
  driveFileId?: string;
  attempts?: number;
}

/** The outcome a log line reports, or undefined for every other line. */
export function parseOutcomeLine(line: string, source: FunctionSource, at: Date): Outcome | undefined {
  let entry: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    entry = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (entry.event !== 'objectOutcome') return undefined;
  const text = (k: string): string | undefined => (typeof entry[k] === 'string' ? entry[k] : undefined);
  const num = (k: string): number | undefined => (typeof entry[k] === 'number' ? entry[k] : undefined);
  const outcome = text('outcome');
  const bucket = text('bucket');
  const name = text('name');
  if (outcome === undefined || bucket === undefined || name === undefined) return undefined;
  const optional = {
    reason: text('reason'),
    bytes: num('bytes'),
    durationMs: num('durationMs'),
    driveFileId: text('driveFileId'),
    attempts: num('attempts'),
  };
  return {
    at: at.toISOString(),
    source,
    outcome,
    bucket,
    name,
    generation: text('generation') ?? num('generation')?.toString() ?? '',
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

export class RecentOutcomes {
  private readonly items: Outcome[] = [];

  constructor(private readonly limit = 100) {}

  add(outcome: Outcome): void {
    this.items.unshift(outcome);
    if (this.items.length > this.limit) this.items.length = this.limit;
  }

  /** Newest first. */
  list(): Outcome[] {
    return [...this.items];
  }
}
