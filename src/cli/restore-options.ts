/**
 * The options of `gcs-drive-backup restore`, defined as `Option`s and parsed by the one command-line
 * parser (plus every setting of the function as a flag, since restore builds the runtime); mistakes are
 * `UsageError`s (exit code 2). Also the rule of where a restore may write (`targetRefusal`): never into
 * the state bucket, nor into the watched source bucket, unless the operator said so.
 */
import { anyText, commaList, ok, wholeNumber, type ValueParser } from '../config/option.js';
import { parseGsUrl } from '../core/names.js';
import { generationNumber as generation, instant } from '../restore/request.js';
import { commandLineOrHelp, type CommandOption, type CommandSpec } from './command-line.js';
import { DEFAULT_PARALLEL } from '../restore/run.js';
import { VERBOSE } from './command-runtime.js';
import { UsageError, type CliIO } from './io.js';

const option = <T>(o: CommandOption<T>) => o;
const flag = (name: string, help: string) =>
  option({ flag: name, boolean: true, parse: () => ok(true), default: false, example: '', help });

const gsTarget: ValueParser<{ bucket: string; prefix: string }> = (text) => {
  const parsed = parseGsUrl(text, false);
  return parsed.ok ? ok({ bucket: parsed.value.bucket, prefix: parsed.value.name }) : { ok: false, problem: parsed.problems.join('; ') };
};

const OPTIONS = {
  to: option({
    flag: 'to',
    parse: gsTarget,
    example: 'gs://my-restore/2026-12-01/',
    placeholder: 'gs://BUCKET[/PREFIX]',
    help: 'restore into this bucket, each object under PREFIX + its exact name',
  }),
  toDir: option({
    flag: 'to-dir',
    parse: anyText,
    example: './restored',
    placeholder: 'DIR',
    help: 'restore into this local directory instead (odd names mapped, listed in restore-names.tsv)',
  }),
  prefix: option({
    flag: 'prefix',
    parse: anyText,
    default: '',
    example: 'photos/2026/',
    placeholder: 'P',
    help: 'only objects whose name starts with P (with --generation: the whole object name)',
  }),
  include: option({
    flag: 'include',
    parse: commaList,
    default: [],
    example: '**/*.jpg',
    placeholder: 'GLOB[,GLOB]',
    help: 'only names matching one of these (*, **, ?)',
  }),
  exclude: option({
    flag: 'exclude',
    parse: commaList,
    default: [],
    example: '**/*.tmp',
    placeholder: 'GLOB[,GLOB]',
    help: 'leave out names matching one of these',
  }),
  at: option({
    flag: 'at',
    parse: instant,
    example: '2026-12-01T10:00:00Z',
    placeholder: 'ISO-TIME',
    help: 'the bucket as it was then (default: now): the newest generation created by then, unless deleted by then',
  }),
  generation: option({
    flag: 'generation',
    parse: generation,
    example: '1733046400000000',
    placeholder: 'N',
    help: 'restore this generation of the one object --prefix names',
  }),
  dryRun: flag('dry-run', 'report what would be restored, per object, with counts; write nothing'),
  overwrite: flag('overwrite', 'replace objects (or files) that already exist (default: report them as exists, untouched)'),
  acknowledgeAbuse: flag('acknowledge-abuse', "download files Drive flagged as malware or spam (Drive's acknowledgeAbuse)"),
  fromDrive: flag('from-drive', 'read what was backed up from Drive alone, not from the state bucket (when the state bucket is gone)'),
  intoSource: flag('into-source', 'allow writing into the watched source bucket (each restored object is then backed up again)'),
  noCustomTime: flag('no-custom-time', "do not set the original timeCreated as the restored object's customTime"),
  parallel: option({
    flag: 'parallel',
    parse: wholeNumber(1, 64),
    default: DEFAULT_PARALLEL,
    example: String(DEFAULT_PARALLEL),
    placeholder: 'N',
    help: `objects restored at once (default ${DEFAULT_PARALLEL}); the report keeps the backup's order`,
  }),
  remote: option({
    flag: 'remote',
    parse: anyText,
    example: 'https://gcs-drive-backup-http-123456789.europe-west1.run.app',
    placeholder: 'URL',
    help: 'run the restore in the deployed HTTP function at URL (POST /restore, with your ID token) and follow it here',
  }),
  verbose: VERBOSE,
};

export const RESTORE_SPEC: CommandSpec<typeof OPTIONS> = {
  name: 'restore',
  synopsis:
    '--to gs://TARGET[/PREFIX] | --to-dir DIR [--prefix P] [--include GLOB] [--exclude GLOB] [--at ISO-TIME | --generation N] [--dry-run] [--overwrite] [--acknowledge-abuse] [--from-drive] [--remote URL] [settings]',
  about:
    'Restores the backup of SOURCE_BUCKET (--source-bucket) as it was at --at (default: now): every object under its exact name,\n' +
    'bytes and metadata, verified. Never overwrites unless --overwrite. Exit codes: 0 everything asked for was restored and\n' +
    'verified or already there, 1 otherwise (one line per problem on stderr), 2 usage.',
  options: OPTIONS,
  settings: true,
};

export interface RestoreOptions {
  target: { kind: 'bucket'; bucket: string; prefix: string } | { kind: 'dir'; dir: string };
  prefix: string;
  include: readonly string[];
  exclude: readonly string[];
  atMs?: number;
  generation?: string;
  dryRun: boolean;
  overwrite: boolean;
  acknowledgeAbuse: boolean;
  fromDrive: boolean;
  intoSource: boolean;
  customTime: boolean;
  parallel: number;
  /** `--remote URL`: the deployed HTTP function runs the restore (src/cli/restore-remote.ts). */
  remote?: string;
  verbose: boolean;
  settings: Record<string, string>;
}

/** The parsed options; undefined for `--help` (the usage is printed). */
export function parseRestoreOptions(io: CliIO): RestoreOptions | undefined {
  const line = commandLineOrHelp(io, RESTORE_SPEC);
  if (!line) return undefined;
  const { values: v, positionals, settings, usage } = line;
  const fail = (problem: string): never => {
    throw new UsageError(`${problem}\n${usage}`);
  };
  if (positionals.length > 0)
    fail(`restore takes no arguments: the source is SOURCE_BUCKET (--source-bucket), the target --to or --to-dir`);
  if ((v.to === undefined) === (v.toDir === undefined)) fail('give one of --to gs://BUCKET[/PREFIX] and --to-dir DIR');
  if (v.at !== undefined && v.generation !== undefined) fail('give --at or --generation, not both');
  if (v.generation !== undefined && !v.prefix) fail('--generation restores one object: name it whole with --prefix NAME');
  return {
    target: v.to !== undefined ? { kind: 'bucket', ...v.to } : { kind: 'dir', dir: v.toDir as string },
    prefix: v.prefix ?? '',
    include: v.include ?? [],
    exclude: v.exclude ?? [],
    ...(v.at !== undefined ? { atMs: v.at } : {}),
    ...(v.generation !== undefined ? { generation: v.generation } : {}),
    dryRun: v.dryRun === true,
    overwrite: v.overwrite === true,
    acknowledgeAbuse: v.acknowledgeAbuse === true,
    fromDrive: v.fromDrive === true,
    intoSource: v.intoSource === true,
    customTime: v.noCustomTime !== true,
    ...(v.remote !== undefined ? { remote: v.remote } : {}),
    parallel: v.parallel ?? DEFAULT_PARALLEL,
    verbose: v.verbose === true,
    settings,
  };
}

/**
 * Why a restore may not write into `bucket`; undefined when it may. The state bucket holds the product's
 * own records: only when RESTORE_BUCKETS lists it. The watched source bucket: only when listed or with
 * `--into-source` (each restored object is a new generation there, backed up again). When RESTORE_BUCKETS
 * is set it is the list of where restores may write, for the command line as for the deployed function.
 */
export function targetRefusal(
  bucket: string,
  rules: { stateBucket: string; sourceBucket: string; restoreBuckets: readonly string[]; intoSource: boolean },
): string | undefined {
  const listed = rules.restoreBuckets.includes(bucket);
  if (bucket === rules.stateBucket && !listed)
    return `gs://${bucket} is the state bucket (STATE_BUCKET): restore writes there only when RESTORE_BUCKETS lists it`;
  if (bucket === rules.sourceBucket && !listed && !rules.intoSource)
    return `gs://${bucket} is the watched source bucket: every restored object would be backed up again; pass --into-source to restore into it anyway, or restore into another bucket`;
  if (rules.restoreBuckets.length > 0 && !listed && bucket !== rules.sourceBucket)
    return `gs://${bucket} is not in RESTORE_BUCKETS (${rules.restoreBuckets.join(', ')}): restores write only there`;
  return undefined;
}
