/**
 * Pure helpers for statically checking the Terraform configuration offline: load a module directory with
 * @cdktn/hcl2json, find the references inside its `${...}` expressions, and judge IAM grants.
 * @cdktn/hcl2json is CDK Terrain's maintained continuation of the archived CDKTF's @cdktf/hcl2json (the
 * same WASM build of tmccombs/hcl2json); the npm registry has no other maintained HCL 2 parser.
 *
 * hcl2json renders every expression as a template string: `name = var.x` becomes `"${var.x}"`, a literal
 * stays a plain string, and blocks become arrays of objects (`event_trigger = [{...}]`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktn/hcl2json';

export type HclValue = string | number | boolean | null | HclValue[] | HclBody;
export interface HclBody {
  [key: string]: HclValue;
}

/** A labelled block: `resource "type" "name"`, `data "type" "name"`, `variable "name"`, … */
export interface Block {
  /** `google_x` for resources and data sources; empty for variables, outputs and modules. */
  type: string;
  name: string;
  body: HclBody;
  file: string;
}

export interface TfModule {
  dir: string;
  files: string[];
  variables: Block[];
  outputs: Block[];
  modules: Block[];
  resources: Block[];
  data: Block[];
  /** Every `locals` entry, by name. */
  locals: Map<string, HclValue>;
  /** Raw hcl2json output per file, for walking every expression. */
  documents: { file: string; json: HclBody }[];
}

export function isBody(value: unknown): value is HclBody {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The bodies of a nested block (`blocks(fn, 'event_trigger')`); hcl2json renders blocks as arrays. */
export function blocks(body: HclBody, key: string): HclBody[] {
  const value = body[key];
  if (Array.isArray(value)) return value.filter(isBody);
  if (isBody(value)) return [value];
  return [];
}

/** The single nested block `key`, failing loudly when it is missing or repeated. */
export function block(body: HclBody, key: string): HclBody {
  const found = blocks(body, key);
  if (found.length !== 1) throw new Error(`expected exactly one "${key}" block, found ${found.length}`);
  return found[0]!;
}

/** A string attribute, or undefined when it is absent or not a string. */
export function str(body: HclBody, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' ? value : undefined;
}

export async function parseHcl(filename: string, contents: string): Promise<HclBody> {
  const json: unknown = await parse(filename, contents);
  if (!isBody(json)) throw new Error(`${filename}: hcl2json returned ${typeof json}`);
  return json;
}

function labelled(json: HclBody, kind: string, file: string): Block[] {
  const out: Block[] = [];
  const section = json[kind];
  if (!isBody(section)) return out;
  for (const [name, value] of Object.entries(section)) {
    for (const body of Array.isArray(value) ? value.filter(isBody) : isBody(value) ? [value] : []) {
      out.push({ type: '', name, body, file });
    }
  }
  return out;
}

function typed(json: HclBody, kind: string, file: string): Block[] {
  const out: Block[] = [];
  const section = json[kind];
  if (!isBody(section)) return out;
  for (const [type, byName] of Object.entries(section)) {
    if (!isBody(byName)) continue;
    for (const block of labelled({ x: byName }, 'x', file)) out.push({ ...block, type });
  }
  return out;
}

/** Builds a module from already-parsed documents (one per file). */
export function moduleFromDocuments(dir: string, documents: { file: string; json: HclBody }[]): TfModule {
  const mod: TfModule = {
    dir,
    files: documents.map((d) => d.file),
    variables: [],
    outputs: [],
    modules: [],
    resources: [],
    data: [],
    locals: new Map(),
    documents,
  };
  for (const { file, json } of documents) {
    mod.variables.push(...labelled(json, 'variable', file));
    mod.outputs.push(...labelled(json, 'output', file));
    mod.modules.push(...labelled(json, 'module', file));
    mod.resources.push(...typed(json, 'resource', file));
    mod.data.push(...typed(json, 'data', file));
    const locals = json['locals'];
    for (const entry of Array.isArray(locals) ? locals.filter(isBody) : isBody(locals) ? [locals] : []) {
      for (const [name, value] of Object.entries(entry)) mod.locals.set(name, value);
    }
  }
  return mod;
}

/** Parses every `*.tf` file directly in `dir` (one Terraform module). */
export async function loadModule(dir: string): Promise<TfModule> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.tf'))
    .sort();
  const documents = await Promise.all(
    files.map(async (file) => ({ file, json: await parseHcl(file, readFileSync(join(dir, file), 'utf8')) })),
  );
  return moduleFromDocuments(dir, documents);
}

/** Every directory under `root` (itself included) that holds at least one `*.tf` file, skipping dot-dirs. */
export function moduleDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name.endsWith('.tf'))) out.push(dir);
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) walk(join(dir, e.name));
  };
  walk(root);
  return out.sort();
}

export function findResource(mod: TfModule, type: string, name?: string): Block[] {
  return mod.resources.filter((r) => r.type === type && (name === undefined || r.name === name));
}

// ---------------------------------------------------------------------------------------------------------
// Expressions and references
// ---------------------------------------------------------------------------------------------------------

/**
 * Scans a template (the text of a JSON string from hcl2json) from `start`, collecting the code of every
 * `${...}` / `%{...}` into `out`. With `quoted`, the template is a string literal inside an expression and
 * ends at the first unescaped `"`; returns the index just past where scanning stopped.
 */
function scanTemplate(s: string, start: number, out: string[], quoted: boolean): number {
  let i = start;
  while (i < s.length) {
    const c = s[i];
    if (quoted && c === '\\') {
      i += 2;
      continue;
    }
    if (quoted && c === '"') return i + 1;
    if ((c === '$' || c === '%') && s[i + 1] === c && s[i + 2] === '{') {
      i += 3; // $${ and %%{ are literal text
      continue;
    }
    if ((c === '$' || c === '%') && s[i + 1] === '{') {
      i = scanExpression(s, i + 2, out);
      continue;
    }
    i += 1;
  }
  return i;
}

/**
 * Scans expression code from `start` up to its closing `}` (brace depth and string literals respected).
 * Pushes the code with string-literal contents blanked out (so `"a.b"` is not mistaken for a reference);
 * interpolations nested in those literals are pushed separately. Returns the index past the `}`.
 */
function scanExpression(s: string, start: number, out: string[]): number {
  let depth = 0;
  let code = '';
  let i = start;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"') {
      code += '""';
      i = scanTemplate(s, i + 1, out, true);
      continue;
    }
    if (c === '{') depth += 1;
    if (c === '}') {
      if (depth === 0) {
        out.push(code);
        return i + 1;
      }
      depth -= 1;
    }
    code += c;
    i += 1;
  }
  throw new Error(`unterminated interpolation in ${JSON.stringify(s)}`);
}

/** The expression code inside every `${...}` / `%{...}` of a hcl2json string, string literals blanked. */
export function interpolations(template: string): string[] {
  const out: string[] = [];
  scanTemplate(template, 0, out, false);
  return out;
}

/** Names bound by `for` expressions / directives (`for k, v in …`) in the given code. */
export function forVariables(codes: string[]): Set<string> {
  const names = new Set<string>();
  for (const code of codes) {
    for (const m of code.matchAll(/\bfor\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\b/g)) {
      names.add(m[1]!);
      if (m[2] !== undefined) names.add(m[2]);
    }
  }
  return names;
}

/** Roots that are not references to declared objects. */
const BUILTIN_ROOTS = new Set(['each', 'count', 'self', 'path', 'terraform']);

/**
 * Normalized references in one expression's code: `var.x`, `local.x`, `data.type.name`, `module.x`, or
 * `type.name` for a resource. `scope` holds names that are bound locally (for-expression variables, dynamic
 * block iterators) and are not references. A `data` traversal without a name yields `data.type` (which
 * never resolves, as Terraform would also reject it).
 */
export function referencesInCode(code: string, scope: ReadonlySet<string> = new Set()): string[] {
  const refs: string[] = [];
  // A traversal starts at an identifier not preceded by `.`, a word character or a closing bracket (which
  // would make it an attribute of something else, e.g. `foo(x).bar` or `list[0].name`).
  const traversal = /(?<![\w.\-)\]])([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?/g;
  for (const m of code.matchAll(traversal)) {
    const [, root, second, third] = m as unknown as [string, string, string, string | undefined];
    if (BUILTIN_ROOTS.has(root) || scope.has(root)) continue;
    if (root === 'var' || root === 'local' || root === 'module') refs.push(`${root}.${second}`);
    else if (root === 'data') refs.push(third === undefined ? `data.${second}` : `data.${second}.${third}`);
    else refs.push(`${root}.${second}`);
  }
  return refs;
}

/** References in a whole hcl2json string value (all its interpolations, for-variables excluded). */
export function referencesInTemplate(template: string, scope: ReadonlySet<string> = new Set()): string[] {
  const codes = interpolations(template);
  const local = new Set([...scope, ...forVariables(codes)]);
  return codes.flatMap((code) => referencesInCode(code, local));
}

export interface Reference {
  ref: string;
  /** Where it was found, e.g. `functions.tf: resource.google_x.y.build_config.0.source`. */
  where: string;
}

/**
 * Every reference anywhere in a hcl2json value. Entering a `dynamic "name"` block binds `name` (or its
 * `iterator`) for that block's content.
 */
export function collectReferences(value: HclValue, where: string, scope: ReadonlySet<string> = new Set()): Reference[] {
  if (typeof value === 'string') return referencesInTemplate(value, scope).map((ref) => ({ ref, where }));
  if (Array.isArray(value)) return value.flatMap((v, i) => collectReferences(v, `${where}.${i}`, scope));
  if (!isBody(value)) return [];
  const out: Reference[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (key === 'dynamic' && isBody(child)) {
      for (const [label, bodies] of Object.entries(child)) {
        for (const body of Array.isArray(bodies) ? bodies.filter(isBody) : isBody(bodies) ? [bodies] : []) {
          const iterator = str(body, 'iterator');
          const inner = new Set([...scope, iterator !== undefined ? iterator.replace(/^\$\{|\}$/g, '') : label]);
          for (const [k, v] of Object.entries(body)) {
            const path = `${where}.dynamic.${label}.${k}`;
            out.push(...collectReferences(v, path, k === 'content' ? inner : scope));
          }
        }
      }
      continue;
    }
    out.push(...collectReferences(child, `${where}.${key}`, scope));
  }
  return out;
}

/** Addresses a module declares, in the same normalized form as `referencesInCode` produces. */
export function declaredAddresses(mod: TfModule): Set<string> {
  return new Set([
    ...mod.variables.map((v) => `var.${v.name}`),
    ...[...mod.locals.keys()].map((k) => `local.${k}`),
    ...mod.resources.map((r) => `${r.type}.${r.name}`),
    ...mod.data.map((d) => `data.${d.type}.${d.name}`),
    ...mod.modules.map((m) => `module.${m.name}`),
  ]);
}

/** Every reference in the module that does not resolve to something the module declares. */
export function unresolvedReferences(mod: TfModule): Reference[] {
  const declared = declaredAddresses(mod);
  return mod.documents
    .flatMap(({ file, json }) => collectReferences(json, file))
    .filter((r) => !declared.has(r.ref));
}

// ---------------------------------------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------------------------------------

const PUBLIC_PRINCIPALS = ['allUsers', 'allAuthenticatedUsers'];
const BASIC_ROLES = ['roles/owner', 'roles/editor'];
/** Resource types whose grants apply to a whole project, folder or organization. */
const HIERARCHY_IAM = /^google_(project|folder|organization)_iam_/;

export function isIamResource(type: string): boolean {
  return /^google_.*_iam_(member|binding|policy)$/.test(type);
}

/** `${google_project_iam_custom_role.NAME.id}` (optionally indexed): a custom role declared in the module. */
const CUSTOM_ROLE_REF = /^\$\{google_project_iam_custom_role\.[A-Za-z_][\w-]*(\[\d+\])?\.id\}$/;

/**
 * Why an IAM resource is not acceptable, or an empty list. Forbidden: basic roles (owner/editor anywhere,
 * viewer at project/folder/organization level), public principals, authoritative bindings or policies at
 * project/folder/organization level (they would strip every other member of the role), and roles that are
 * neither literal strings nor a reference to a custom role of the module (they cannot be audited).
 */
export function forbiddenGrantReasons(type: string, body: HclBody): string[] {
  if (!isIamResource(type)) return [];
  const reasons: string[] = [];
  const role = body['role'];
  if (typeof role === 'string') {
    if (role.includes('${') && !CUSTOM_ROLE_REF.test(role)) reasons.push(`role is an expression (${role}), not a literal`);
    if (BASIC_ROLES.includes(role)) reasons.push(`grants basic role ${role}`);
    if (role === 'roles/viewer' && HIERARCHY_IAM.test(type)) reasons.push('grants roles/viewer project-wide');
  }
  const members = [body['member'], ...(Array.isArray(body['members']) ? body['members'] : [body['members']])];
  for (const member of members) {
    if (typeof member !== 'string') continue;
    for (const p of PUBLIC_PRINCIPALS) if (member.includes(p)) reasons.push(`grants to public principal ${p}`);
  }
  if (type.endsWith('_iam_policy')) {
    const policy = JSON.stringify(body['policy_data'] ?? '');
    for (const p of PUBLIC_PRINCIPALS) if (policy.includes(p)) reasons.push(`policy grants to ${p}`);
    for (const r of BASIC_ROLES) if (policy.includes(r)) reasons.push(`policy grants ${r}`);
  }
  if (HIERARCHY_IAM.test(type) && /_iam_(binding|policy)$/.test(type)) {
    reasons.push(`${type} is authoritative at project/folder/organization level`);
  }
  return reasons;
}
