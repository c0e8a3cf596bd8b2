/**
 * The one argument parser of every command: node:util `parseArgs` over options defined as `Option`s
 * (src/config/option.ts) — a command's own, plus for the commands that build the function's runtime every
 * setting of the function (src/config/settings.ts) as a flag. Old flag names are accepted with one
 * deprecation note each on stderr. Every mistake is a `UsageError` (exit code 2) naming the flag, and the
 * help text is generated from the same definitions. Pure apart from that note.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { flagNames, type Option } from '../config/option.js';
import { ALL_SETTINGS } from '../config/settings.js';
import { UsageError, type CliIO } from './io.js';

/** A command's option; with `readEnv`, an absent flag falls back to the option's environment variable. */
export type CommandOption<T> = Option<T> & { readonly readEnv?: boolean };

type Options = Readonly<Record<string, CommandOption<unknown>>>;
type Values<O extends Options> = { -readonly [K in keyof O]: O[K] extends Option<infer T> ? T | undefined : never };

export interface CommandSpec<O extends Options> {
  /** `gcs-drive-backup NAME`, as usage lines start. */
  name: string;
  /** What follows the name in the usage line: positionals, then the most used options. */
  synopsis: string;
  /** A paragraph under the usage line. */
  about?: string;
  options: O;
  /** Also take every setting of the function as a flag (commands that build the runtime). */
  settings?: boolean;
}

export interface CommandLine<O extends Options> {
  values: Values<O>;
  positionals: string[];
  /** The settings given as flags, by environment variable: laid over the environment. */
  settings: Record<string, string>;
  help: boolean;
}

const HELP: CommandOption<boolean> = {
  flag: 'help',
  short: 'h',
  boolean: true,
  parse: () => ({ ok: true, value: true }),
  example: '',
  help: 'this help',
};

export function usageOf(spec: CommandSpec<Options>): string {
  const line = (o: CommandOption<unknown>, withEnv: boolean) => {
    const names = `--${o.flag}${o.boolean ? '' : ` ${o.placeholder ?? 'VALUE'}`}`;
    const env = withEnv && o.env ? ` (${o.env})` : '';
    const old = o.deprecatedFlags?.length ? ` [deprecated: ${o.deprecatedFlags.map((f) => `--${f}`).join(', ')}]` : '';
    return `  ${names.padEnd(34)} ${o.help}${env}${old}`;
  };
  const lines = [`usage: gcs-drive-backup ${spec.name} ${spec.synopsis}`, ''];
  if (spec.about) lines.push(spec.about, '');
  lines.push('options:', ...Object.values(spec.options).map((o) => line(o, o.readEnv === true)), line(HELP, false));
  if (spec.settings) {
    lines.push('', 'settings (each also read from its environment variable):', ...ALL_SETTINGS.map((o) => line(o, true)));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A command's start: parses `io.argv` against `spec` and answers `--help` itself (the usage on stdout,
 * then undefined: the command exits 0); else the command line with the usage, for the command's own
 * usage errors.
 */
export function commandLineOrHelp<O extends Options>(io: CliIO, spec: CommandSpec<O>): (CommandLine<O> & { usage: string }) | undefined {
  const line = parseCommandLine(io, spec);
  const usage = usageOf(spec);
  if (line.help) {
    io.stdout(usage);
    return undefined;
  }
  return { ...line, usage };
}

/** Parses `io.argv` against `spec`; throws UsageError (with the usage) for any mistake. */
export function parseCommandLine<O extends Options>(io: CliIO, spec: CommandSpec<O>): CommandLine<O> {
  const usage = usageOf(spec);
  const fail = (problem: string): never => {
    throw new UsageError(`${problem}\n${usage}`);
  };
  const own: [string, CommandOption<unknown>][] = Object.entries(spec.options);
  const known = new Map<string, { key?: string; option: CommandOption<unknown> }>();
  for (const [key, option] of own) for (const name of flagNames(option)) known.set(name, { key, option });
  // A command's own option wins over the setting of the same flag (check's --secret, say).
  const settings = spec.settings ? ALL_SETTINGS.filter((s) => !flagNames(s).some((name) => known.has(name))) : [];
  for (const setting of settings) for (const name of flagNames(setting)) known.set(name, { option: setting });
  known.set('help', { option: HELP });

  const config: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, { option }] of known) {
    config[name] = {
      type: option.boolean ? 'boolean' : 'string',
      ...(name === option.flag && option.short ? { short: option.short } : {}),
    };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: io.argv, options: config, strict: true, allowPositionals: true, tokens: true });
  } catch (err) {
    return fail(usageProblem(err));
  }

  const given = new Map<Option<unknown>, { name: string; value: string | boolean }>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    const { option } = known.get(token.name) as { option: CommandOption<unknown> };
    const earlier = given.get(option);
    if (earlier && earlier.name !== token.name) fail(`--${earlier.name} and --${token.name} are the same option: give it once`);
    if (token.name !== option.flag) io.stderr(`gcs-drive-backup ${spec.name}: --${token.name} is deprecated; use --${option.flag}\n`);
    given.set(option, { name: token.name, value: token.value ?? true });
  }

  if (given.has(HELP)) return { values: {} as Values<O>, positionals: parsed.positionals, settings: {}, help: true };

  const read = (option: CommandOption<unknown>): unknown => {
    const flag = given.get(option);
    const fromEnv = option.readEnv && option.env ? io.env[option.env]?.trim() : undefined;
    const text = flag !== undefined ? flag.value : fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined;
    const source = flag !== undefined ? `--${flag.name}` : (option.env as string);
    if (text === undefined) {
      if (option.required) fail(`--${option.flag} is required, for example --${option.flag} ${option.example}`);
      return option.default;
    }
    if (typeof text === 'boolean') return text;
    const result = option.parse(text.trim());
    return result.ok ? result.value : fail(`${source} ${result.problem}`);
  };

  const values = Object.fromEntries(own.map(([key, option]) => [key, read(option)])) as Values<O>;
  const overrides: Record<string, string> = {};
  for (const setting of settings) {
    const flag = given.get(setting);
    if (flag === undefined || typeof flag.value !== 'string') continue;
    read(setting); // validated here, so a bad flag is a usage error naming the flag
    overrides[setting.env] = flag.value;
  }
  return { values, positionals: parsed.positionals, settings: overrides, help: false };
}

/** parseArgs' errors, in the words of the rest of the command line. */
function usageProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${flag}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return /does not take an argument/.test(message) ? `${flag} takes no value` : `${flag} needs a value`;
  return message;
}
