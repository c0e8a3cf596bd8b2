/**
 * Runs `rawPipe` in a process of its own, as `throughput` does so that the baseline, like the function
 * instance, has its own event loop apart from the emulators': `node --import tsx bench/raw-pipe-process.ts
 * '<RawPipeOptions as JSON>'` prints the `RawPipeResult` as one JSON line on stdout.
 */
import { rawPipe, type RawPipeOptions } from './raw-pipe.js';

async function main(argument: string | undefined): Promise<void> {
  if (argument === undefined) throw new Error('usage: raw-pipe-process.ts <options as JSON>');
  const result = await rawPipe(JSON.parse(argument) as RawPipeOptions);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main(process.argv[2]).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
