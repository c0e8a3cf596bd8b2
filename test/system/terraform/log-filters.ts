/**
 * The module's log filters, and a small evaluator for the part of the Cloud Logging query language they use
 * (https://cloud.google.com/logging/docs/view/logging-query-language), so a test can tell which log lines
 * each log-based metric and the operator-error alert count. Feed it the product's JSON lines (captured from
 * the functions, or written from the log contract): `logEntryFromLine` turns one into the LogEntry Cloud Run
 * would store, `countedBy` names the metrics that count it.
 *
 * Supported, as documented: comparisons `field OP value` with OP one of `=`, `!=`, `:` (has, case-insensitive
 * substring), `=~` / `!~` (regular expression), `<`, `<=`, `>`, `>=`; values quoted ("…") or bare; `AND`, `OR`,
 * `NOT`, juxtaposition as AND, parentheses; precedence NOT, then OR, then AND ("a OR b AND c" is
 * "(a OR b) AND c"); severities compare by level. A comparison on a missing field is false; on an array it
 * holds if it holds for an element. Anything else (global text search, `-` negation, functions) is refused
 * with an error, so a filter that leaves this subset cannot pass a test unnoticed.
 */
import { type HclBody, type TfModule, isBody } from './hcl';

export interface LogEntry {
  severity: string;
  resource: { type: string; labels: Record<string, string> };
  jsonPayload: Record<string, unknown>;
}

export type Op = '=' | '!=' | ':' | '=~' | '!~' | '<' | '<=' | '>' | '>=';
export type Expr =
  | { kind: 'and' | 'or'; items: Expr[] }
  | { kind: 'not'; item: Expr }
  | { kind: 'cmp'; path: string[]; op: Op; value: string };

const OPS: Op[] = ['=~', '!~', '!=', '<=', '>=', '=', '<', '>', ':'];
type Token = { kind: 'word' | 'string' | 'op' | '(' | ')'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) i += 1;
    else if (c === '(' || c === ')') {
      tokens.push({ kind: c, text: c });
      i += 1;
    } else if (c === '"') {
      let value = '';
      i += 1;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') i += 1;
        value += text[i] ?? '';
        i += 1;
      }
      if (i >= text.length) throw new Error(`unterminated string in filter: ${text}`);
      tokens.push({ kind: 'string', text: value });
      i += 1;
    } else {
      const op = OPS.find((o) => text.startsWith(o, i));
      if (op !== undefined) {
        tokens.push({ kind: 'op', text: op });
        i += op.length;
        continue;
      }
      const word = /^[^\s()"=!<>:~]+/.exec(text.slice(i));
      if (word === null) throw new Error(`unexpected ${JSON.stringify(c)} in filter: ${text}`);
      tokens.push({ kind: 'word', text: word[0] });
      i += word[0].length;
    }
  }
  return tokens;
}

/** Parses a filter into an expression tree; throws on syntax outside the supported subset. */
export function parseFilter(text: string): Expr {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (t: Token | undefined, w: string): boolean => t?.kind === 'word' && t.text === w;
  const startsTerm = (t: Token | undefined): boolean => t !== undefined && (t.kind === '(' || (t.kind === 'word' && !isWord(t, 'AND') && !isWord(t, 'OR')));

  const conjunction = (): Expr => {
    const items = [disjunction()];
    for (;;) {
      if (isWord(peek(), 'AND')) pos += 1;
      else if (!startsTerm(peek())) break;
      items.push(disjunction());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };
  const disjunction = (): Expr => {
    const items = [negation()];
    while (isWord(peek(), 'OR')) {
      pos += 1;
      items.push(negation());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  };
  const negation = (): Expr => {
    if (isWord(peek(), 'NOT')) {
      pos += 1;
      return { kind: 'not', item: negation() };
    }
    return primary();
  };
  const primary = (): Expr => {
    const t = tokens[pos++];
    if (t?.kind === '(') {
      const inner = conjunction();
      if (tokens[pos++]?.kind !== ')') throw new Error(`missing ")" in filter: ${text}`);
      return inner;
    }
    const op = tokens[pos++];
    const value = tokens[pos++];
    if (t?.kind !== 'word' || op?.kind !== 'op' || (value?.kind !== 'string' && value?.kind !== 'word')) {
      throw new Error(`unsupported term near ${JSON.stringify(t?.text)} in filter: ${text}`);
    }
    if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(t.text)) throw new Error(`unsupported field ${t.text} in filter: ${text}`);
    return { kind: 'cmp', path: t.text.split('.'), op: op.text as Op, value: value.text };
  };

  const expr = conjunction();
  if (pos !== tokens.length) throw new Error(`unexpected ${JSON.stringify(tokens[pos]?.text)} in filter: ${text}`);
  return expr;
}

const SEVERITY_LEVELS = ['DEFAULT', 'DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY'];

function severityLevel(value: string): number {
  const named = SEVERITY_LEVELS.indexOf(value.toUpperCase());
  return named >= 0 ? named * 100 : Number(value);
}

/** The value at a field path (`jsonPayload.a.b`, `resource.labels.service_name`, `severity`), or undefined. */
export function fieldValue(entry: LogEntry, path: string[]): unknown {
  let value: unknown = entry;
  for (const part of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function compare(actual: unknown, op: Op, expected: string, severity: boolean): boolean {
  if (Array.isArray(actual)) return actual.some((a) => compare(a, op, expected, severity));
  if (actual === undefined || actual === null || typeof actual === 'object') return false;
  const text = String(actual);
  const numeric = severity ? [severityLevel(text), severityLevel(expected)] : [Number(text), Number(expected)];
  const bothNumbers = typeof actual !== 'boolean' && !Number.isNaN(numeric[0]) && !Number.isNaN(numeric[1]) && text !== '' && expected !== '';
  const [a, b] = numeric as [number, number];
  switch (op) {
    case '=':
      return bothNumbers ? a === b : text === expected;
    case '!=':
      return bothNumbers ? a !== b : text !== expected;
    case ':':
      return text.toLowerCase().includes(expected.toLowerCase());
    case '=~':
      return new RegExp(expected).test(text);
    case '!~':
      return !new RegExp(expected).test(text);
    default: {
      if (!bothNumbers) {
        const order = text < expected ? -1 : text > expected ? 1 : 0;
        return { '<': order < 0, '<=': order <= 0, '>': order > 0, '>=': order >= 0 }[op];
      }
      return { '<': a < b, '<=': a <= b, '>': a > b, '>=': a >= b }[op];
    }
  }
}

export function matches(expr: Expr, entry: LogEntry): boolean {
  switch (expr.kind) {
    case 'and':
      return expr.items.every((e) => matches(e, entry));
    case 'or':
      return expr.items.some((e) => matches(e, entry));
    case 'not':
      return !matches(expr.item, entry);
    case 'cmp':
      return compare(fieldValue(entry, expr.path), expr.op, expr.value, expr.path.join('.') === 'severity');
  }
}

/** `EXTRACT(field)` of a label or value extractor on an entry: the field as a string, or undefined. */
export function extract(extractor: string, entry: LogEntry): string | undefined {
  const m = /^EXTRACT\(([\w.]+)\)$/.exec(extractor);
  if (m === null) throw new Error(`unsupported extractor ${extractor}`);
  const value = fieldValue(entry, m[1]!.split('.'));
  return value === undefined || value === null || typeof value === 'object' ? undefined : String(value);
}

/**
 * The LogEntry Cloud Run stores for one JSON line on stdout: `severity` becomes the entry's severity and the
 * `logging.googleapis.com/*` keys become trace fields; everything else, `message` included, stays in
 * jsonPayload (https://cloud.google.com/logging/docs/structured-logging#special-payload-fields). The resource
 * is the revision of the Cloud Run service `service`.
 */
export function logEntryFromLine(line: string | Record<string, unknown>, service: string): LogEntry {
  const parsed: unknown = typeof line === 'string' ? JSON.parse(line) : line;
  if (!isBody(parsed)) throw new Error(`a log line is one JSON object: ${String(line)}`);
  const jsonPayload: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (k !== 'severity' && !k.startsWith('logging.googleapis.com/')) jsonPayload[k] = v;
  }
  const severity = (parsed as Record<string, unknown>)['severity'];
  return {
    severity: typeof severity === 'string' ? severity : 'DEFAULT',
    resource: {
      type: 'cloud_run_revision',
      labels: { service_name: service, revision_name: `${service}-00001-abc`, configuration_name: service, location: 'europe-west1', project_id: 'my-proj-123' },
    },
    jsonPayload,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The module's filters
// ---------------------------------------------------------------------------------------------------------

/**
 * Resolves a hcl2json template whose interpolations are plain `local.X` / `var.X` references, using the
 * module's locals and the variables' defaults (or `vars`). Anything else throws: the filters stay literal.
 */
export function resolveTemplate(template: string, mod: TfModule, vars: Record<string, string> = {}, depth = 0): string {
  if (depth > 10) throw new Error(`locals refer to each other too deeply: ${template}`);
  return template.replace(/\$\{([^}]*)\}/g, (_, code: string) => {
    const m = /^(local|var)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?$/.exec(code.trim());
    if (m === null) throw new Error(`not a plain reference: \${${code}} in ${template}`);
    const [, root, name, key] = m as unknown as [string, string, string, string | undefined];
    let value: unknown;
    if (root === 'var') value = vars[name] ?? mod.variables.find((v) => v.name === name)?.body['default'];
    else value = mod.locals.get(name);
    if (key !== undefined) value = isBody(value) ? (value as HclBody)[key] : undefined;
    if (typeof value !== 'string') throw new Error(`${code} is not a string the filters can use`);
    return resolveTemplate(value, mod, vars, depth + 1);
  });
}

export interface ModuleFilter {
  text: string;
  expr: Expr;
}

/** Every filter in `local.log_filters`, resolved and parsed, by metric name. */
export function moduleLogFilters(mod: TfModule, vars: Record<string, string> = {}): Map<string, ModuleFilter> {
  const filters = mod.locals.get('log_filters');
  if (!isBody(filters)) throw new Error('local.log_filters is not a map');
  const out = new Map<string, ModuleFilter>();
  for (const [name, template] of Object.entries(filters as HclBody)) {
    if (typeof template !== 'string') throw new Error(`local.log_filters.${name} is not a string`);
    const text = resolveTemplate(template, mod, vars);
    out.set(name, { text, expr: parseFilter(text) });
  }
  return out;
}

/** The names of the filters (metrics) that count one log line logged by the Cloud Run service `service`. */
export function countedBy(filters: Map<string, ModuleFilter>, line: string | Record<string, unknown>, service: string): string[] {
  const entry = logEntryFromLine(line, service);
  return [...filters].filter(([, f]) => matches(f.expr, entry)).map(([name]) => name);
}
