/**
 * `gcs-drive-backup restore`: brings the backup of SOURCE_BUCKET back, as it was at a time, into a bucket
 * or a local directory (src/restore/run.ts does the work; src/cli/restore-options.ts reads the options and
 * says where a restore may write). Every object gets a line as soon as it is known (problems on stderr),
 * and every run, dry or real, ends with the coverage report and one summary line. Exit codes: 0 when
 * everything asked for was restored and verified or already there, 1 otherwise, 2 usage. With `--remote URL`
 * the deployed function restores instead, and this command follows it (src/cli/restore-remote.ts).
 */
import { bucketExists } from '../gcs/source.js';
import { isProblem } from '../restore/outcome.js';
import { escapeForTerminal } from '../core/terminal-text.js';
import { closingLines, objectLine, RestoreTally } from '../restore/report.js';
import { runRestore, type RestoreTarget } from '../restore/run.js';
import { DirectoryTarget } from '../restore/to-dir.js';
import { StateCatalog } from '../restore/state-catalog.js';
import { unrecordedLines } from '../restore/unrecorded.js';
import { runtimeForCommand } from './command-runtime.js';
import { exposeGc } from './expose-gc.js';
import { openProductCatalog, type CatalogOpener } from '../restore/open-catalog.js';
import { UsageError, type CliCommand, type CliIO } from './io.js';
import { parseRestoreOptions, targetRefusal } from './restore-options.js';
import { remoteRestore } from './restore-remote.js';

/** The restore command reading its catalog with `openCatalog`. */
export function makeRestoreCommand(openCatalog: CatalogOpener): CliCommand {
  return async (io: CliIO): Promise<number> => {
    const options = parseRestoreOptions(io);
    if (!options) return 0;
    if (options.remote !== undefined)
      return remoteRestore(io, options, options.remote, () => runtimeForCommand(io, options.settings, options.verbose));
    const runtime = await runtimeForCommand(io, options.settings, options.verbose);
    const { config } = runtime;
    const sourceBucket = config.sourceBucket;
    if (sourceBucket === undefined)
      throw new UsageError('SOURCE_BUCKET is not set: give --source-bucket BUCKET, the backed-up bucket to restore');

    let target: RestoreTarget;
    let targetPrefix = '';
    let where: string;
    if (options.target.kind === 'bucket') {
      const { bucket, prefix } = options.target;
      const refusal = targetRefusal(bucket, { ...config, sourceBucket, intoSource: options.intoSource });
      if (refusal) {
        io.stderr(`restore: ${escapeForTerminal(refusal)}\n`);
        return 1;
      }
      if (!(await bucketExists(runtime.source, bucket))) {
        io.stderr(`restore: bucket ${bucket} not found: create it first (restore never creates buckets)\n`);
        return 1;
      }
      target = { kind: 'bucket', bucket };
      targetPrefix = prefix;
      where = `gs://${bucket}/${prefix}`;
    } else {
      const dir = await DirectoryTarget.open(options.target.dir);
      target = { kind: 'dir', dir };
      where = dir.dir;
    }

    const atMs = options.atMs ?? Date.now();
    const at = options.generation !== undefined ? `generation ${options.generation}` : new Date(atMs).toISOString();
    const source = `gs://${sourceBucket}/${options.prefix}`;
    const olderGenerations = options.atMs !== undefined || options.generation !== undefined;
    const catalog = await openCatalog(runtime, { bucket: sourceBucket, fromDrive: options.fromDrive, olderGenerations });
    io.stdout(
      `${options.dryRun ? 'dry run: ' : ''}restoring ${escapeForTerminal(source)} as at ${at} into ${escapeForTerminal(where)}` +
        `${options.fromDrive ? ' (from Drive alone)' : ''}\n`,
    );

    const selection = {
      prefix: options.prefix,
      include: options.include,
      exclude: options.exclude,
      atMs,
      targetPrefix,
      ...(options.generation !== undefined ? { generation: options.generation } : {}),
    };
    exposeGc();
    const tally = new RestoreTally();
    const started = Date.now();
    let stopped: unknown;
    try {
      await runRestore(
        { catalog, gcs: runtime.source, drive: runtime.drive, idleMs: config.ioIdleTimeoutMs },
        {
          sourceBucket,
          selection,
          target,
          dryRun: options.dryRun,
          overwrite: options.overwrite,
          acknowledgeAbuse: options.acknowledgeAbuse,
          customTime: options.customTime,
          parallel: options.parallel,
        },
        (report) => {
          tally.add(report);
          const line = `${objectLine(report)}\n`;
          if (isProblem(report)) io.stderr(line);
          else io.stdout(line);
        },
      );
      if (catalog instanceof StateCatalog && catalog.unrecordedFiles.length > 0) {
        const lines = await unrecordedLines(runtime.drive, catalog.unrecordedFiles, selection);
        for (const line of lines) io.stderr(`${line}\n`);
        const more = catalog.unrecorded - catalog.unrecordedFiles.length;
        if (more > 0) io.stderr(`… and up to ${more} more backed up before histories were kept: run with --from-drive\n`);
        if (lines.length > 0) {
          tally.counts.set('not-in-history', lines.length);
          tally.problems += lines.length;
        }
      }
    } catch (err) {
      stopped = err;
    }
    io.stdout(closingLines(tally, { source, target: where, at, dryRun: options.dryRun, seconds: (Date.now() - started) / 1000 }));
    if (stopped !== undefined) {
      const message = stopped instanceof Error ? stopped.message : JSON.stringify(stopped);
      io.stderr(`restore: stopped reading the backup's catalog: ${escapeForTerminal(message)}; run the same command again to continue\n`);
      return 1;
    }
    return tally.problems > 0 ? 1 : 0;
  };
}

export const restoreCommand: CliCommand = makeRestoreCommand(openProductCatalog);
