/**
 * The Drive v3 `q` search language ("Search query terms and operators"): tokenizer, parser and
 * evaluator, pure and synchronous. `files.list` parses `q` once with `parseDriveQuery` and filters
 * with `matchesDriveQuery`; a `DriveQuerySyntaxError` should become Drive's 400 "Invalid Value".
 *
 * Supported terms: `name` and `mimeType` (`=`, `!=`, `contains`), `fullText contains`,
 * `'ID' in parents`, `trashed` / `starred` (`=`, `!=` against `true` / `false`),
 * `appProperties has { key='k' and value='v' }` (same for `properties`), and `createdTime` /
 * `modifiedTime` (`<`, `<=`, `=`, `!=`, `>`, `>=` against RFC 3339 strings; no offset means UTC,
 * as Drive documents). Combinators `not` > `and` > `or` (precedence, high to low), parentheses.
 *
 * Decisions where Drive's behaviour is undocumented or approximated:
 * - Keywords (`and`, `or`, `not`, `in`, `contains`, `has`, `true`, `false`) are case-insensitive;
 *   field names (`name`, `mimeType`, `parents`, `key`, `value`, ...) are case-sensitive.
 * - `=` / `!=` on strings are exact and case-sensitive (Drive does not document case folding).
 *   Product code must not rely on Drive folding case either way.
 * - `contains` is a case-insensitive substring test. Real Drive matches word prefixes for `name`
 *   and whole tokens for `fullText`, so the emulator matches a superset of what Drive returns.
 *   For `fullText`, a value wrapped in double quotes (a phrase) has them stripped; the haystack is
 *   the file's name and its `fullText`.
 * - String literals use single quotes only. Escapes: `\'` → `'`, `\\` → `\`; any other backslash
 *   sequence (and a trailing lone backslash) is a syntax error, so an unescaped backslash can
 *   never be silently reinterpreted.
 * - A time term on a file that lacks that time is false (also for `!=`).
 * Error messages name a 0-based character offset into `q` ("at position N").
 */

export class DriveQuerySyntaxError extends Error {
  override name = 'DriveQuerySyntaxError';
}

export interface QueryableFile {
  name: string;
  mimeType: string;
  parents: readonly string[];
  trashed: boolean;
  starred?: boolean;
  appProperties: Readonly<Record<string, string>>;
  properties: Readonly<Record<string, string>>;
  createdTime?: string;
  modifiedTime?: string;
  fullText?: string;
}

export type StringOperator = '=' | '!=' | 'contains';
export type TimeOperator = '<' | '<=' | '=' | '!=' | '>' | '>=';

export type DriveQuery =
  | { readonly kind: 'and'; readonly operands: readonly DriveQuery[] }
  | { readonly kind: 'or'; readonly operands: readonly DriveQuery[] }
  | { readonly kind: 'not'; readonly operand: DriveQuery }
  | { readonly kind: 'string'; readonly field: 'name' | 'mimeType'; readonly op: StringOperator; readonly value: string }
  | { readonly kind: 'fullText'; readonly value: string }
  | { readonly kind: 'inParents'; readonly parentId: string }
  | { readonly kind: 'boolean'; readonly field: 'trashed' | 'starred'; readonly op: '=' | '!='; readonly value: boolean }
  | { readonly kind: 'time'; readonly field: 'createdTime' | 'modifiedTime'; readonly op: TimeOperator; readonly epochMs: number }
  | { readonly kind: 'has'; readonly field: 'appProperties' | 'properties'; readonly key: string; readonly value: string };

type Token =
  | { type: 'string'; value: string; pos: number }
  | { type: 'word'; value: string; pos: number }
  | { type: 'op'; value: TimeOperator; pos: number }
  | { type: 'punct'; value: '(' | ')' | '{' | '}'; pos: number }
  | { type: 'end'; value: ''; pos: number };

function syntaxError(message: string, pos: number): DriveQuerySyntaxError {
  return new DriveQuerySyntaxError(`Invalid query: ${message} at position ${pos}`);
}

/** Splits `q` into tokens; the last one is always `end`. */
function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (/\s/u.test(c)) {
      i++;
    } else if (c === "'") {
      const start = i++;
      let value = '';
      for (;;) {
        if (i >= q.length) throw syntaxError('unterminated string', start);
        const d = q[i];
        if (d === "'") break;
        if (d === '\\') {
          const escaped = q[i + 1];
          if (escaped !== "'" && escaped !== '\\') {
            throw syntaxError(escaped === undefined ? 'unterminated string' : `unknown escape \\${escaped}`, i);
          }
          value += escaped;
          i += 2;
        } else {
          value += d;
          i++;
        }
      }
      i++;
      tokens.push({ type: 'string', value, pos: start });
    } else if (c === '(' || c === ')' || c === '{' || c === '}') {
      tokens.push({ type: 'punct', value: c, pos: i++ });
    } else if (c === '=' || c === '<' || c === '>' || c === '!') {
      const two = q.slice(i, i + 2);
      const value = two === '!=' || two === '<=' || two === '>=' ? two : c;
      if (value === '!') throw syntaxError("unexpected '!'", i);
      tokens.push({ type: 'op', value: value as TimeOperator, pos: i });
      i += value.length;
    } else {
      const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(q.slice(i))?.[0];
      if (word === undefined) throw syntaxError(`unexpected character ${JSON.stringify(c)}`, i);
      tokens.push({ type: 'word', value: word, pos: i });
      i += word.length;
    }
  }
  tokens.push({ type: 'end', value: '', pos: q.length });
  return tokens;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?([Zz]|[+-]\d{2}:\d{2})?$/;

/** Parses an RFC 3339 date or date-time (offset optional, default UTC) to epoch milliseconds. */
function parseTime(text: string, pos: number): number {
  const m = RFC3339.exec(text);
  if (!m) throw syntaxError(`invalid RFC 3339 time '${text}'`, pos);
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${frac.slice(0, 4)}${zone.toUpperCase()}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) {
    throw syntaxError(`invalid RFC 3339 time '${text}'`, pos);
  }
  return ms;
}

/** Recursive-descent parser over the token list. */
class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.index];
  }
  private next(): Token {
    const token = this.tokens[this.index];
    if (token.type !== 'end') this.index++;
    return token;
  }
  private isKeyword(token: Token, keyword: string): boolean {
    return token.type === 'word' && token.value.toLowerCase() === keyword;
  }
  private describe(token: Token): string {
    return token.type === 'end' ? 'end of query' : token.type === 'string' ? 'string literal' : `'${token.value}'`;
  }
  private expectKeyword(keyword: string): void {
    const token = this.next();
    if (!this.isKeyword(token, keyword)) throw syntaxError(`expected '${keyword}' but found ${this.describe(token)}`, token.pos);
  }
  private expectPunct(value: '(' | ')' | '{' | '}'): void {
    const token = this.next();
    if (token.type !== 'punct' || token.value !== value) {
      throw syntaxError(`expected '${value}' but found ${this.describe(token)}`, token.pos);
    }
  }
  private expectString(): Extract<Token, { type: 'string' }> {
    const token = this.next();
    if (token.type !== 'string') throw syntaxError(`expected a string literal but found ${this.describe(token)}`, token.pos);
    return token;
  }
  private expectEquals(): void {
    const token = this.next();
    if (token.type !== 'op' || token.value !== '=') throw syntaxError(`expected '=' but found ${this.describe(token)}`, token.pos);
  }

  parseQuery(): DriveQuery {
    if (this.peek().type === 'end') throw syntaxError('empty query', 0);
    const query = this.parseOr();
    const rest = this.peek();
    if (rest.type !== 'end') throw syntaxError(`unexpected ${this.describe(rest)}`, rest.pos);
    return query;
  }

  private parseOr(): DriveQuery {
    const operands = [this.parseAnd()];
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? operands[0] : { kind: 'or', operands };
  }

  private parseAnd(): DriveQuery {
    const operands = [this.parseUnary()];
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      operands.push(this.parseUnary());
    }
    return operands.length === 1 ? operands[0] : { kind: 'and', operands };
  }

  private parseUnary(): DriveQuery {
    if (this.isKeyword(this.peek(), 'not')) {
      this.next();
      return { kind: 'not', operand: this.parseUnary() };
    }
    const token = this.peek();
    if (token.type === 'punct' && token.value === '(') {
      this.next();
      const close = this.peek();
      if (close.type === 'punct' && close.value === ')') throw syntaxError('empty parentheses', token.pos);
      const inner = this.parseOr();
      this.expectPunct(')');
      return inner;
    }
    return this.parseTerm();
  }

  private parseTerm(): DriveQuery {
    const first = this.next();
    if (first.type === 'string') {
      this.expectKeyword('in');
      const field = this.next();
      if (field.type === 'word' && field.value === 'parents') return { kind: 'inParents', parentId: first.value };
      if (field.type === 'word') throw syntaxError(`unsupported collection '${field.value}' for 'in'`, field.pos);
      throw syntaxError(`expected a collection after 'in' but found ${this.describe(field)}`, field.pos);
    }
    if (first.type !== 'word') throw syntaxError(`expected a query term but found ${this.describe(first)}`, first.pos);
    const opToken = this.next();
    const op = opToken.type === 'op' ? opToken.value : opToken.type === 'word' ? opToken.value.toLowerCase() : undefined;
    const badOperator = (): DriveQuerySyntaxError =>
      syntaxError(`invalid operator ${this.describe(opToken)} for '${first.value}'`, opToken.pos);
    switch (first.value) {
      case 'name':
      case 'mimeType': {
        if (op !== '=' && op !== '!=' && op !== 'contains') throw badOperator();
        return { kind: 'string', field: first.value, op, value: this.expectString().value };
      }
      case 'fullText': {
        if (op !== 'contains') throw badOperator();
        return { kind: 'fullText', value: this.expectString().value };
      }
      case 'trashed':
      case 'starred': {
        if (op !== '=' && op !== '!=') throw badOperator();
        const literal = this.next();
        const text = literal.type === 'word' ? literal.value.toLowerCase() : '';
        if (text !== 'true' && text !== 'false') {
          throw syntaxError(`expected true or false but found ${this.describe(literal)}`, literal.pos);
        }
        return { kind: 'boolean', field: first.value, op, value: text === 'true' };
      }
      case 'createdTime':
      case 'modifiedTime': {
        if (opToken.type !== 'op') throw badOperator();
        const literal = this.expectString();
        return { kind: 'time', field: first.value, op: opToken.value, epochMs: parseTime(literal.value, literal.pos) };
      }
      case 'appProperties':
      case 'properties': {
        if (op !== 'has') throw badOperator();
        return this.parseHas(first.value);
      }
      default:
        throw syntaxError(`unknown query term '${first.value}'`, first.pos);
    }
  }

  /** `{ key = 'k' and value = 'v' }`, in that order, as Drive documents. */
  private parseHas(field: 'appProperties' | 'properties'): DriveQuery {
    this.expectPunct('{');
    const keyWord = this.next();
    if (keyWord.type !== 'word' || keyWord.value !== 'key') {
      throw syntaxError(`expected 'key' but found ${this.describe(keyWord)}`, keyWord.pos);
    }
    this.expectEquals();
    const key = this.expectString().value;
    this.expectKeyword('and');
    const valueWord = this.next();
    if (valueWord.type !== 'word' || valueWord.value !== 'value') {
      throw syntaxError(`expected 'value' but found ${this.describe(valueWord)}`, valueWord.pos);
    }
    this.expectEquals();
    const value = this.expectString().value;
    this.expectPunct('}');
    return { kind: 'has', field, key, value };
  }
}

/** Parses a Drive `q` string; throws `DriveQuerySyntaxError` naming the offending position. */
export function parseDriveQuery(q: string): DriveQuery {
  return new Parser(tokenize(q)).parseQuery();
}

function containsFolded(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

function compareTime(op: TimeOperator, actual: number, expected: number): boolean {
  switch (op) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
  }
}

/** Evaluates a parsed query against one file. */
export function matchesDriveQuery(query: DriveQuery, file: QueryableFile): boolean {
  switch (query.kind) {
    case 'and':
      return query.operands.every((operand) => matchesDriveQuery(operand, file));
    case 'or':
      return query.operands.some((operand) => matchesDriveQuery(operand, file));
    case 'not':
      return !matchesDriveQuery(query.operand, file);
    case 'string': {
      const actual = file[query.field];
      if (query.op === '=') return actual === query.value;
      if (query.op === '!=') return actual !== query.value;
      return containsFolded(actual, query.value);
    }
    case 'fullText': {
      const phrase = /^"(.*)"$/su.exec(query.value)?.[1] ?? query.value;
      return containsFolded(file.name, phrase) || containsFolded(file.fullText ?? '', phrase);
    }
    case 'inParents':
      return file.parents.includes(query.parentId);
    case 'boolean': {
      const actual = file[query.field] ?? false;
      return query.op === '=' ? actual === query.value : actual !== query.value;
    }
    case 'time': {
      const text = file[query.field];
      if (text === undefined) return false;
      const actual = Date.parse(text);
      return !Number.isNaN(actual) && compareTime(query.op, actual, query.epochMs);
    }
    case 'has': {
      const bag = file[query.field];
      return Object.prototype.hasOwnProperty.call(bag, query.key) && bag[query.key] === query.value;
    }
  }
}
