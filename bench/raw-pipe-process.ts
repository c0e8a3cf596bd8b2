/**
 * Runs a raw pipe in a process of its own, as `throughput` and `restore` do so that the baseline, like the
 * product, has its own event loop apart from the emulators': `node --import tsx bench/raw-pipe-process.ts
 * '<RawPipeOptions as JSON>'` runs `rawPipe` (Cloud Storage → Drive), `… restore '<RawRestorePipeOptions as
 * JSON>'` runs `rawRestorePipe` (Drive → Cloud Storage); the result is printed as one JSON line on stdout.
 */
import { rawPipe, type RawPipeOptions } from './raw-pipe.js';
import { rawRestorePipe, type RawRestorePipeOptions } from './raw-restore-pipe.js';

async function main(args: readonly string[]): Promise<void> {
  const restore = args[0] === 'restore';
  const argument = restore ? args[1] : args[0];
  if (argument === undefined) throw new Error('usage: raw-pipe-process.ts [restore] <options as JSON>');
  const result = restore
    ? await rawRestorePipe(JSON.parse(argument) as RawRestorePipeOptions)
    : await rawPipe(JSON.parse(argument) as RawPipeOptions);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
