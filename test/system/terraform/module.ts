/**
 * The Terraform module under test, loaded once per test file, and the offline `terraform` runs the static
 * tests use: `fmt`, and a provider-less workspace holding only the inputs (variables*.tf) and files of
 * locals that read nothing but inputs, where `terraform plan` judges validations and `terraform console`
 * evaluates those locals. No provider is ever installed, so nothing here needs the network.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Block, type TfModule, loadModule, moduleDirs } from './hcl';

export const repoRoot = resolve(__dirname, '..', '..', '..');
export const tfDir = join(repoRoot, 'terraform');

let cached: Promise<TfModule[]> | undefined;
/** Every module under terraform/ (the root module first), parsed once. */
export function modules(): Promise<TfModule[]> {
  cached ??= Promise.all(moduleDirs(tfDir).map((dir) => loadModule(dir)));
  return cached;
}

export async function rootModule(): Promise<TfModule> {
  const root = (await modules()).find((m) => m.dir === tfDir);
  assert.ok(root, 'terraform/ holds no .tf files');
  return root;
}

export function only(list: Block[], what: string): Block {
  assert.equal(list.length, 1, `expected exactly one ${what}, found ${list.length}`);
  return list[0]!;
}

/** The `depends_on` entries of a block, as hcl2json renders them (`${google_x.y}`). */
export function dependsOn(b: Block): string[] {
  return Array.isArray(b.body['depends_on']) ? b.body['depends_on'].map(String) : [];
}

export function tfEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
}

export function terraformAvailable(): boolean {
  const probe = spawnSync('terraform', ['version'], { stdio: 'ignore', env: tfEnv() });
  return probe.error === undefined && probe.status === 0;
}

const run = promisify(execFile);

export interface Outcome {
  ok: boolean;
  /** stdout and stderr together. */
  output: string;
  stdout: string;
}

/** A provider-less workspace: the module's variables*.tf plus `extraFiles` (files of input-only locals). */
export interface InputsWorkspace {
  plan(args: string[]): Promise<Outcome>;
  /** `terraform console` on one expression; the printed value, or the error output. */
  evaluate(expression: string, args: string[]): Promise<Outcome>;
  dispose(): void;
}

/** The variables every plan needs. */
export const REQUIRED_VARS = ['-var', 'project_id=my-proj-123', '-var', 'source_bucket=my-bucket', '-var', 'drive_folder_id=1a2B3c4D5e6F7g8H9i0J'];

export async function inputsWorkspace(extraFiles: string[] = []): Promise<InputsWorkspace> {
  const dir = mkdtempSync(join(tmpdir(), 'tf-inputs-'));
  for (const f of readdirSync(tfDir).filter((n) => /^variables.*\.tf$/.test(n))) copyFileSync(join(tfDir, f), join(dir, f));
  for (const f of extraFiles) copyFileSync(join(tfDir, f), join(dir, f));
  const env = tfEnv();
  await run('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: dir, env });
  const capture = async (argv: string[], input?: string): Promise<Outcome> => {
    try {
      const child = run('terraform', argv, { cwd: dir, env });
      if (input !== undefined) {
        child.child.stdin?.end(input);
      }
      const { stdout, stderr } = await child;
      return { ok: true, output: stdout + stderr, stdout };
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}`, stdout: e.stdout ?? '' };
    }
  };
  return {
    plan: (args) => capture(['plan', '-input=false', '-no-color', '-lock=false', ...args]),
    evaluate: async (expression, args) => {
      const out = await capture(['console', '-no-color', ...args], `${expression}\n`);
      return { ...out, output: out.ok ? (out.stdout.trim().split('\n').at(-1) ?? '') : out.output };
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Splits `name=value` settings into groups that set each variable at most once, so one plan judges a group. */
function groups(settings: string[]): string[][] {
  const out: string[][] = [];
  for (const v of settings) {
    const name = v.split('=')[0]!;
    const group = out.find((g) => !g.some((x) => x.split('=')[0] === name));
    if (group) group.push(v);
    else out.push([v]);
  }
  return out;
}

/**
 * Every `good` `name=value` must be accepted and every `bad` one refused by the validation of that very
 * variable. Terraform reports every invalid variable of a plan, so settings of distinct variables share a
 * plan: a group of bad ones must produce exactly one "Invalid value" per setting, each naming its variable.
 */
export async function assertValidations(ws: InputsWorkspace, good: string[], bad: string[]): Promise<void> {
  const work = [...groups(good).map((g) => ({ g, good: true })), ...groups(bad).map((g) => ({ g, good: false }))];
  const results = await Promise.all(work.map(async (w) => ({ ...w, ...(await ws.plan([...REQUIRED_VARS, ...w.g.flatMap((v) => ['-var', v])])) })));
  for (const { g, good: accepted, ok, output } of results) {
    if (accepted) {
      assert.ok(ok, `${g.join(' ')} should be accepted:\n${output}`);
      continue;
    }
    assert.ok(!ok, `${g.join(' ')} should be rejected`);
    const errors = output.split(/^Error: /m).slice(1);
    assert.equal(errors.length, g.length, `one error per bad setting in ${g.join(' ')}:\n${output}`);
    for (const v of g) {
      const name = v.split('=')[0]!;
      assert.ok(
        errors.some((e) => e.startsWith('Invalid value for variable') && e.includes(`var.${name} `)),
        `${v} rejected for another reason, or not at all:\n${output}`,
      );
    }
  }
}
