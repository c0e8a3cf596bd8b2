/**
 * Every `gcs-drive-backup …` command an operator is told to run — in the alerts' runbooks
 * (terraform/runbooks/*.tftpl, rendered with a deployment's values) and in the product's own lines and
 * errors (src/, each `${…}` replaced by what it holds at run time: a secret's version path after
 * `--secret`, a bucket after `gs://`) — goes through the CLI's parser as printed, and parses: in an empty
 * environment, except the CLI's own advice, which runs in the shell the CLI just ran in (the deployment's
 * `cli_environment`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAuthorizeOptions } from '../../../src/cli/authorize-options.js';
import { SPEC as BACKUP } from '../../../src/cli/backup-command.js';
import { SPEC as CHECK } from '../../../src/cli/check.js';
import { parseCommandLine, type CommandSpec } from '../../../src/cli/command-line.js';
import { SPEC as RECONCILE } from '../../../src/cli/reconcile-command.js';
import { SPEC as VERIFY } from '../../../src/cli/verify.js';
import { parseGsUrl } from '../../../src/core/names.js';
import { recordingIO } from './support.js';

const ROOT = join(__dirname, '..', '..', '..');
const SECRET = 'projects/my-project/secrets/backup-drive-token';
const DEPLOYMENT: Record<string, string> = {
  token_secret: SECRET,
  drive_folder_id: '1AbCdEfGhIjKlMnOpQrStUvWxYz',
  source_bucket: 'my-photos',
  cli_env: `SOURCE_BUCKET=my-photos STATE_BUCKET=my-photos-state STATE_PREFIX=gcs-drive-backup/ TOKEN_SECRET=${SECRET} DRIVE_FOLDER_ID=1AbCdEfGhIjKlMnOpQrStUvWxYz`,
};
const COMMAND = /npx(?: --no)? gcs-drive-backup ([a-z]+(?: [^`'"\n\\]*)?)/g;

function commandsIn(text: string): string[] {
  return [...text.matchAll(COMMAND)].map((m) => m[1].trim());
}

/** The runbooks as Terraform renders them (`${x}` from the deployment; `$${…}` is a literal for the alert). */
function runbookCommands(): [where: string, command: string][] {
  const dir = join(ROOT, 'terraform', 'runbooks');
  return readdirSync(dir).flatMap((file) => {
    const rendered = readFileSync(join(dir, file), 'utf8').replace(/(?<!\$)\$\{([a-z_]+)\}/g, (_, key: string) => DEPLOYMENT[key] ?? key);
    return commandsIn(rendered).map((command): [string, string] => [`terraform/runbooks/${file}`, command]);
  });
}

/** The product's strings, each `${expression}` replaced by a value of what it stands for. */
function sourceCommands(dir = join(ROOT, 'src')): [where: string, command: string][] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceCommands(path);
    if (!entry.name.endsWith('.ts')) return [];
    const text = readFileSync(path, 'utf8').replace(/\$\{[^}]*\}/g, (_, offset: number, whole: string) => {
      const before = whole.slice(0, offset);
      if (before.endsWith('--secret ')) return `${SECRET}/versions/latest`;
      if (before.endsWith('gs://')) return 'my-photos';
      return 'x';
    });
    return commandsIn(text).map((command): [string, string] => [path.slice(ROOT.length + 1), command]);
  });
}

const SPECS: Record<string, CommandSpec<never>> = {
  check: CHECK as CommandSpec<never>,
  backup: BACKUP as CommandSpec<never>,
  reconcile: RECONCILE as CommandSpec<never>,
  verify: VERIFY as CommandSpec<never>,
};

/** The environment of the shell a command is run in: the CLI's own advice runs where the CLI just ran. */
const CLI_ENV = Object.fromEntries(DEPLOYMENT.cli_env.split(' ').map((pair) => pair.split('=') as [string, string]));

/** Parses `command` as the CLI would; throws what the CLI would answer (a UsageError). */
function parse(command: string, env: Record<string, string>): void {
  const [name, ...argv] = command.split(/\s+/);
  const io = recordingIO(argv, env);
  if (name === 'authorize') {
    const options = parseAuthorizeOptions(io);
    assert.match(options.secret, /^projects\/[^/]+\/secrets\/[^/]+$/, 'the secret a version path belongs to');
    return;
  }
  const spec = SPECS[name];
  assert.ok(spec, `unknown command ${name}`);
  const { positionals } = parseCommandLine(io, spec);
  if (name === 'backup' || name === 'reconcile') {
    assert.equal(positionals.length, 1, command);
    const url = parseGsUrl(positionals[0], name === 'backup');
    assert.ok(url.ok, `${command}: ${url.ok ? '' : url.problems.join('; ')}`);
  }
}

const found = [...runbookCommands(), ...sourceCommands()];

test('the runbooks and the product name commands to run', () => {
  assert.ok(found.filter(([where]) => where.startsWith('terraform/')).length >= 8, JSON.stringify(found));
  assert.ok(
    found.some(([where, command]) => where === 'src/core/logs-operator.ts' && command.startsWith('authorize ')),
    "the re-authorize line's command",
  );
});

for (const [where, command] of found) {
  test(`${where}: gcs-drive-backup ${command}`, () => {
    parse(command, where.startsWith('src/cli/') ? CLI_ENV : {});
  });
}
