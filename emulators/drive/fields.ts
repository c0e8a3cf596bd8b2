/**
 * The `fields` system parameter (partial responses): parses selectors like
 * `id,name,files(id,name,parents),nextPageToken`, `files/id` and `*` into a tree, checks it against the
 * fields a resource has, and prunes a JSON value down to what was asked for. Pure.
 */

export interface FieldTree {
  /** The whole value is selected (a leaf, or `*`). */
  all: boolean;
  children: Map<string, FieldTree>;
}

export class FieldSelectionError extends Error {}

const NAME = /^[A-Za-z0-9_]+$/;

const leaf = (): FieldTree => ({ all: true, children: new Map() });
const node = (): FieldTree => ({ all: false, children: new Map() });

function mergeInto(target: FieldTree, source: FieldTree): void {
  if (source.all) {
    target.all = true;
    target.children.clear();
    return;
  }
  if (target.all) return;
  for (const [k, v] of source.children) {
    const existing = target.children.get(k);
    if (existing) mergeInto(existing, v);
    else target.children.set(k, v);
  }
}

/** Parses a selector. Throws FieldSelectionError on bad syntax (unbalanced parentheses, empty names). */
export function parseFields(selector: string): FieldTree {
  let pos = 0;
  const text = selector.replace(/\s+/g, '');

  function fail(): never {
    throw new FieldSelectionError(`Invalid field selection ${selector}`);
  }

  function parseList(): FieldTree {
    const tree = node();
    for (;;) {
      mergeInto(tree, parseField());
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      return tree;
    }
  }

  /** One `a/b/c(...)` entry, as a tree rooted at the list level. */
  function parseField(): FieldTree {
    const path: string[] = [];
    for (;;) {
      const m = /^(\*|[A-Za-z0-9_]+)/.exec(text.slice(pos));
      if (!m) fail();
      path.push(m[1]!);
      pos += m[1]!.length;
      if (text[pos] === '/') {
        pos++;
        continue;
      }
      break;
    }
    let tip = leaf();
    if (text[pos] === '(') {
      pos++;
      tip = parseList();
      if (text[pos] !== ')') fail();
      pos++;
    }
    let tree = tip;
    for (let i = path.length - 1; i >= 0; i--) {
      const name = path[i]!;
      if (name === '*') {
        if (i !== path.length - 1 || !tip.all) fail();
        tree = leaf();
        continue;
      }
      const parent = node();
      parent.children.set(name, tree);
      tree = parent;
    }
    return tree;
  }

  if (!text) fail();
  const tree = parseList();
  if (pos !== text.length) fail();
  return tree;
}

/**
 * What a resource may contain, for validation: a key maps to a nested schema, or to `true` when anything
 * below it is accepted.
 */
export interface FieldSchema {
  [key: string]: FieldSchema | true;
}

/** Throws FieldSelectionError naming the first selected field the schema does not know. */
export function checkFields(tree: FieldTree, schema: FieldSchema, prefix = ''): void {
  if (tree.all) return;
  for (const [name, sub] of tree.children) {
    if (!NAME.test(name)) continue;
    const known = Object.prototype.hasOwnProperty.call(schema, name) ? schema[name] : undefined;
    if (known === undefined) throw new FieldSelectionError(`Invalid field selection ${prefix}${name}`);
    if (known !== true) checkFields(sub, known, `${prefix}${name}/`);
  }
}

/** The parts of `value` the tree selects; arrays are pruned element by element. */
export function pickFields(value: unknown, tree: FieldTree): unknown {
  if (tree.all || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => pickFields(v, tree));
  const out: Record<string, unknown> = {};
  const obj = value as Record<string, unknown>;
  for (const [name, sub] of tree.children) {
    if (obj[name] !== undefined) out[name] = pickFields(obj[name], sub);
  }
  return out;
}

/** Convenience: parse (or use the default selector when `selector` is empty), check, and prune. */
export function selectFields(value: unknown, selector: string | null | undefined, fallback: string, schema: FieldSchema): unknown {
  const tree = parseFields(selector && selector.trim() ? selector : fallback);
  checkFields(tree, schema);
  return pickFields(value, tree);
}
