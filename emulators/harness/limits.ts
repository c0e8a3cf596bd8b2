/**
 * Google's limits as the emulators enforce them, in one registry per emulator set: each emulator
 * registers a section (`drive`, `gcs`, ...) with Google's values as defaults and a parser for changes.
 * `startEmulators({ limits })` overrides the defaults at start; `POST /_emulator/limits` (and `hub.limits`
 * in process) changes them while running; `DELETE /_emulator/limits` and `POST /_emulator/reset` go back
 * to the start values. Changes are validated as a whole before any is applied.
 */

/** A section's parser: turns one `{field: value}` patch into typed fields, or throws an Error saying what is wrong. */
export type LimitParser<T> = (patch: Record<string, unknown>) => Partial<T>;

/** A registered section: what the emulator reads on every request. */
export interface LimitSection<T> {
  get(): Readonly<T>;
}

interface Section {
  start: Record<string, unknown>;
  current: Record<string, unknown>;
  parse: LimitParser<Record<string, unknown>>;
}

/** Changes for some sections: `{ drive: { folderChildren: 50 }, gcs: { objectMutationRate: null } }`. */
export type LimitsPatch = Record<string, Record<string, unknown> | undefined>;

export class LimitsRegistry {
  private readonly sections = new Map<string, Section>();

  /** `initial`: overrides of the defaults, applied as each section registers (from `startEmulators`). */
  constructor(private readonly initial: LimitsPatch = {}) {}

  register<T extends object>(name: string, defaults: T, parse: LimitParser<T>): LimitSection<T> {
    if (this.sections.has(name)) throw new Error(`limits section ${name} registered twice`);
    const typedParse = parse as unknown as LimitParser<Record<string, unknown>>;
    const overrides = this.initial[name];
    const start = { ...(defaults as Record<string, unknown>), ...(overrides ? checkedPatch(name, overrides, typedParse) : {}) };
    const section: Section = { start, current: { ...start }, parse: typedParse };
    this.sections.set(name, section);
    return { get: () => section.current as T };
  }

  /** Applies a patch (validated as a whole first) and returns every section's values. */
  set(patch: unknown): Record<string, Record<string, unknown>> {
    if (!patch || typeof patch !== 'object' || Array.isArray(patch)) {
      throw new Error(`limits must be an object of sections: ${[...this.sections.keys()].join(', ')}`);
    }
    const parsed: Array<[Section, Record<string, unknown>]> = [];
    for (const [name, value] of Object.entries(patch as Record<string, unknown>)) {
      const section = this.sections.get(name);
      if (!section) throw new Error(`unknown limits section "${name}" (known: ${[...this.sections.keys()].join(', ')})`);
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`limits.${name} must be an object`);
      parsed.push([section, checkedPatch(name, value as Record<string, unknown>, section.parse)]);
    }
    for (const [section, fields] of parsed) Object.assign(section.current, fields);
    return this.get();
  }

  /** Every section's current values (`null`: that limit is off). */
  get(): Record<string, Record<string, unknown>> {
    return Object.fromEntries([...this.sections].map(([name, s]) => [name, structuredClone(s.current)]));
  }

  /** Back to the values the emulators started with. */
  reset(): void {
    for (const s of this.sections.values()) s.current = { ...s.start };
  }
}

function checkedPatch(name: string, patch: Record<string, unknown>, parse: LimitParser<Record<string, unknown>>): Record<string, unknown> {
  try {
    return parse(patch);
  } catch (err) {
    throw new Error(`limits.${name}: ${(err as Error).message}`, { cause: err });
  }
}

/** Parser helper: a count limit, `null` for off. */
export function countOrNull(value: unknown, field: string, min = 1): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw new Error(`${field} must be null or an integer >= ${min}`);
  return value;
}

/** Parser helper: refuses fields the section does not know. */
export function onlyKnownFields(patch: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(patch).filter((k) => !known.includes(k));
  if (unknown.length) throw new Error(`unknown field(s) ${unknown.join(', ')} (known: ${known.join(', ')})`);
}
