/**
 * The one argument parser of every command, on a made-up command: values from flags (and, where asked,
 * the environment), defaults, every kind of mistake as a usage error naming the flag, old flag names
 * accepted with one deprecation note, the function's settings as flags, and the help generated from the
 * same definitions.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { commandLineOrHelp, parseCommandLine, usageOf, type CommandOption, type CommandSpec } from '../../../src/cli/command-line.js';
import { UsageError, type CliIO } from '../../../src/cli/io.js';
import { wholeNumber } from '../../../src/config/option.js';
import { SETTINGS } from '../../../src/config/settings.js';

const COUNT: CommandOption<number> = {
  flag: 'count',
  parse: wholeNumber(1, 9),
  default: 3,
  example: '3',
  placeholder: 'N',
  help: 'how many',
};
const LOUD: CommandOption<boolean> = {
  flag: 'loud',
  boolean: true,
  parse: () => ({ ok: true, value: true }),
  example: '',
  help: 'be loud',
};
const OPTIONS = { count: COUNT, loud: LOUD, secret: { ...SETTINGS.tokenSecretVersion, readEnv: true } };
const SPEC: CommandSpec<typeof OPTIONS> = { name: 'demo', synopsis: 'THING [--count N]', options: OPTIONS, settings: true };

function io(argv: string[], env: Record<string, string> = {}): CliIO & { err: string[] } {
  const err: string[] = [];
  return { argv, env, isTTY: false, stdout: () => undefined, stderr: (t) => void err.push(t), err };
}

const SECRET = 'projects/p/secrets/s';

describe('parseCommandLine: values', () => {
  test('flags, positionals and defaults', () => {
    const line = parseCommandLine(io(['thing', '--count', '5', '--loud', '--secret', SECRET]), SPEC);
    assert.deepEqual(line.values, { count: 5, loud: true, secret: `${SECRET}/versions/latest` });
    assert.deepEqual([line.positionals, line.help, line.settings], [['thing'], false, {}]);
  });

  test('--name=value and a default', () => {
    const line = parseCommandLine(io([`--secret=${SECRET}/versions/2`]), SPEC);
    assert.deepEqual([line.values.count, line.values.secret, line.values.loud], [3, `${SECRET}/versions/2`, undefined]);
  });

  test('an option that reads the environment falls back to its variable', () => {
    assert.equal(parseCommandLine(io([], { TOKEN_SECRET: SECRET }), SPEC).values.secret, `${SECRET}/versions/latest`);
  });

  test('settings given as flags are validated and handed over by variable', () => {
    const line = parseCommandLine(io(['--secret', SECRET, '--state-bucket', 'my-state', '--upload-chunk-mib', '2']), SPEC);
    assert.deepEqual(line.settings, { STATE_BUCKET: 'my-state', UPLOAD_CHUNK_MIB: '2' });
  });

  test('an old flag name works, with one deprecation note', () => {
    const out = io(['--token-secret', SECRET, '--drive-folder-id', '1AbCdEfGhIjK']);
    const line = parseCommandLine(out, SPEC);
    assert.equal(line.values.secret, `${SECRET}/versions/latest`);
    assert.deepEqual(line.settings, { DRIVE_FOLDER_ID: '1AbCdEfGhIjK' });
    assert.deepEqual(out.err, [
      'gcs-drive-backup demo: --token-secret is deprecated; use --secret\n',
      'gcs-drive-backup demo: --drive-folder-id is deprecated; use --folder-id\n',
    ]);
  });

  test('--help (or -h) asks for nothing else', () => {
    assert.equal(parseCommandLine(io(['-h']), SPEC).help, true);
    assert.equal(parseCommandLine(io(['--help', '--count', 'x']), SPEC).help, true);
  });
});

describe('parseCommandLine: mistakes are usage errors naming the flag', () => {
  const rows: [argv: string[], message: RegExp][] = [
    [['--nope'], /^unknown option --nope\n/],
    [['--secret', SECRET, '--count'], /^--count needs a value\n/],
    [['--secret', SECRET, '--loud=yes'], /^--loud takes no value\n/],
    [['--secret', SECRET, '--count', '0'], /^--count must be a whole number \(integer\) from 1 to 9, got "0"\n/],
    [[], /^--secret is required, for example --secret projects\/my-project\/secrets\/drive-token\n/],
    [['--secret', 'my-secret'], /^--secret must be projects\/PROJECT\/secrets\/SECRET/],
    [['--secret', SECRET, '--state-bucket', 'Bad_Bucket'], /^--state-bucket must be a bucket name/],
    [['--secret', SECRET, '--token-secret', SECRET], /^--secret and --token-secret are the same option: give it once\n/],
  ];
  for (const [argv, message] of rows) {
    test(argv.join(' ') || '(nothing)', () => {
      assert.throws(
        () => parseCommandLine(io(argv), SPEC),
        (err: unknown) => err instanceof UsageError && message.test(err.message) && err.message.includes('usage: gcs-drive-backup demo'),
      );
    });
  }

  test('a bad value from the environment names the variable', () => {
    assert.throws(() => parseCommandLine(io([], { TOKEN_SECRET: 'nope' }), SPEC), /: TOKEN_SECRET must be projects\//);
  });
});

test('the help lists the options, then every setting with its variable and old names', () => {
  const usage = usageOf(SPEC);
  assert.match(usage, /^usage: gcs-drive-backup demo THING \[--count N\]\n/);
  assert.match(usage, /\n {2}--count N +how many\n/);
  assert.match(usage, /\n {2}--secret projects\/P\/secrets\/S\[\/versions\/V\] +.* \(TOKEN_SECRET\) \[deprecated: --token-secret\]\n/);
  for (const setting of Object.values(SETTINGS))
    assert.ok(usage.includes(`--${setting.flag} `) || usage.includes(`--${setting.flag}\n`), setting.flag);
  assert.match(usage, /--state-bucket BUCKET +.*\(STATE_BUCKET\)/);
});

describe('commandLineOrHelp', () => {
  const withOut = (argv: string[]) => {
    const out: string[] = [];
    return { io: { ...io(argv), stdout: (t: string) => void out.push(t) }, out };
  };

  test('--help: the usage on stdout, and nothing to run', () => {
    const { io: helpIo, out } = withOut(['--help']);
    assert.equal(commandLineOrHelp(helpIo, SPEC), undefined);
    assert.deepEqual(out, [usageOf(SPEC)]);
  });

  test('otherwise: the command line, with the usage for its own errors, and nothing printed', () => {
    const { io: runIo, out } = withOut(['thing', '--count', '4', '--secret', SECRET]);
    const line = commandLineOrHelp(runIo, SPEC);
    assert.deepEqual([line?.positionals, line?.values.count, line?.usage, out], [['thing'], 4, usageOf(SPEC), []]);
  });
});
