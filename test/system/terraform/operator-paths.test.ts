/**
 * What an operator handles beside the module: the files the README has them create in the checkout stay
 * out of git, an emulator host can never reach a deployment's environment (it would send the refresh
 * token and client secret in clear text to that address), and every command the product prints or its
 * documentation (README.md, docs/*.md, terraform/README.md) shows runs this checkout's CLI (`npx --no`),
 * never a package of that name from the public registry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { block } from './hcl';
import { assertValidations, inputsWorkspace, only, repoRoot, rootModule, terraformAvailable } from './module';

const NO_GIT = spawnSync('git', ['-C', repoRoot, 'rev-parse'], { stdio: 'ignore' }).status !== 0 && 'not a git checkout';

test('credentials.json and terraform/*.tfvars are ignored by git; the examples stay tracked', { skip: NO_GIT }, () => {
  const ignored = (path: string): boolean => spawnSync('git', ['-C', repoRoot, 'check-ignore', '-q', '--no-index', path]).status === 0;
  const rows: [path: string, ignored: boolean][] = [
    ['credentials.json', true],
    ['terraform/credentials.json', true],
    ['terraform/prod.tfvars', true],
    ['terraform/terraform.tfvars', true],
    ['terraform/prod.tfvars.json', true],
    ['terraform/examples/basic.tfvars', false],
    ['terraform/variables.tf', false],
  ];
  assert.deepEqual(
    rows.map(([path]) => [path, ignored(path)]),
    rows,
  );
});

test('extra_environment_variables refuses every *_EMULATOR_HOST', async () => {
  const root = await rootModule();
  const variable = only(
    root.variables.filter((v) => v.name === 'extra_environment_variables'),
    'variable extra_environment_variables',
  );
  const validations = Array.isArray(variable.body['validation']) ? variable.body['validation'] : [block(variable.body, 'validation')];
  assert.ok(
    validations.some((v) => String((v as Record<string, unknown>)['condition']).includes('_EMULATOR_HOST')),
    'a validation names *_EMULATOR_HOST',
  );
});

test('extra_environment_variables with an emulator host is refused by terraform plan', { skip: !terraformAvailable() && 'terraform is not on PATH' }, async () => {
  const ws = await inputsWorkspace();
  try {
    const set = (map: string): string => `extra_environment_variables=${map}`;
    await assertValidations(
      ws,
      [set('{RECONCILE_PARALLELISM="4"}'), set('{EMULATOR_NOTES="x"}')],
      [
        set('{STORAGE_EMULATOR_HOST="http://10.0.0.5:9000"}'),
        set('{DRIVE_EMULATOR_HOST="http://evil.example"}'),
        set('{OAUTH_EMULATOR_HOST="http://x"}'),
        set('{SECRET_MANAGER_EMULATOR_HOST="http://x"}'),
        set('{CLOUD_TASKS_EMULATOR_HOST="http://x"}'),
        set('{oauth_emulator_host="http://x"}'),
      ],
    );
  } finally {
    ws.dispose();
  }
});

/** Files whose text the product prints or an operator copies: code, Terraform, runbooks, examples. */
function printedFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return printedFiles(path);
    return /\.(ts|js|mjs|tf|tftpl|tfvars)$/.test(name) ? [path] : [];
  });
}

/** The documentation an operator copies commands from: the README, docs/*.md and the module's README. */
function documentationFiles(): string[] {
  const docs = readdirSync(join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(repoRoot, 'docs', name));
  return [join(repoRoot, 'README.md'), join(repoRoot, 'terraform', 'README.md'), ...docs];
}

test('every gcs-drive-backup command the product prints or documents runs this checkout (npx --no), never the registry', () => {
  const docs = documentationFiles();
  assert.ok(docs.length >= 3, `scanned ${docs.length} documentation files`);
  const files = [...['src', 'sandbox', 'bin', 'terraform', 'scripts'].flatMap((d) => printedFiles(join(repoRoot, d))), ...docs];
  assert.ok(files.length > 50, `scanned ${files.length} files`);
  // `npx gcs-drive-backup`, `npx -y gcs-drive-backup`, `npm exec gcs-drive-backup`: all may install from the registry.
  const unsafe = /\b(?:npx|npm exec)\s+(?!--no\b)(?:-{1,2}[\w-]+\s+)*(?:--\s+)?gcs-drive-backup\b/;
  const found = files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => (unsafe.test(line) ? [`${relative(repoRoot, file)}:${i + 1}: ${line.trim()}`] : [])),
  );
  assert.deepEqual(found, []);
  // The rule itself: what it must catch and what it must let through.
  for (const [line, caught] of [
    ['run `npx gcs-drive-backup authorize`', true],
    ['npx -y gcs-drive-backup check', true],
    ['npm exec -- gcs-drive-backup verify', true],
    ['npx --no gcs-drive-backup verify', false],
    ['npm exec --no -- gcs-drive-backup verify', false],
    ['node bin/gcs-drive-backup.js verify', false],
  ] as const)
    assert.equal(unsafe.test(line), caught, line);
});
