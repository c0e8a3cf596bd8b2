/**
 * `npm start`: the whole pipeline on one laptop, no Google account (see sandbox/sandbox.ts). Prints the
 * banner on stdout, its own and the functions' log lines on stderr, and runs until SIGINT/SIGTERM, which
 * stop everything cleanly (exit code 0). Options: sandbox/options.ts.
 */
import { renderBanner } from './banner.js';
import { createSandboxLog } from './logs.js';
import { parseSandboxOptions, SandboxUsageError } from './options.js';
import { startSandbox, type RunningSandbox } from './sandbox.js';

async function main(): Promise<void> {
  const options = parseSandboxOptions(process.argv.slice(2), process.env);
  const log = createSandboxLog((line) => void process.stderr.write(`${line}\n`));

  let sandbox: RunningSandbox | undefined = undefined;
  let stopping: Promise<void> | undefined;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    log.stopping(signal);
    stopping = (sandbox?.stop() ?? Promise.resolve()).then(() => {
      log.stopped();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  sandbox = await startSandbox(options, log);
  if (stopping) {
    await sandbox.stop();
    return;
  }
  process.stdout.write(renderBanner(sandbox.banner));
}

main().catch((err: unknown) => {
  const message = err instanceof SandboxUsageError ? err.message : `sandbox: ${(err as Error).stack ?? String(err)}`;
  process.stderr.write(`${message}\n`);
  process.exit(err instanceof SandboxUsageError ? 2 : 1);
});
