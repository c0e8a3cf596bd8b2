/**
 * `npm start`: the whole pipeline on one laptop, no Google account (see sandbox/sandbox.ts). Prints the
 * banner on stdout, its own and the functions' log lines on stderr, and runs until SIGINT/SIGTERM, which
 * stop everything cleanly (exit code 0), or until its parent goes away (a process manager that stopped
 * npm, a killed terminal): then it stops the same way. The start script `exec`s tsx, so a signal to
 * npm's pid reaches tsx, which relays it here. Options: sandbox/options.ts.
 */
import { escapeForTerminal } from '../src/core/terminal-text.js';
import { renderBanner } from './banner.js';
import { createSandboxLog } from './logs.js';
import { parseSandboxOptions, SandboxUsageError } from './options.js';
import { whenParentGone } from '../harness/parent-watch.js';
import { startSandbox, type RunningSandbox } from './sandbox.js';

async function main(): Promise<void> {
  const options = parseSandboxOptions(process.argv.slice(2), process.env);
  const log = createSandboxLog((line) => void process.stderr.write(`${line}\n`));

  let sandbox: RunningSandbox | undefined = undefined;
  let stopping: Promise<void> | undefined;
  const stop = (why: string): void => {
    if (stopping) return;
    log.stopping(why);
    stopping = (sandbox?.stop() ?? Promise.resolve()).then(() => {
      log.stopped();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  whenParentGone(() => stop('the parent process exited'));

  sandbox = await startSandbox(options, log);
  if (stopping) {
    await sandbox.stop();
    return;
  }
  process.stdout.write(renderBanner(sandbox.banner));
}

main().catch((err: unknown) => {
  // A usage error quotes the arguments it was given: printed as data.
  const message = err instanceof SandboxUsageError ? escapeForTerminal(err.message) : `sandbox: ${(err as Error).stack ?? String(err)}`;
  process.stderr.write(`${message}\n`);
  process.exit(err instanceof SandboxUsageError ? 2 : 1);
});
