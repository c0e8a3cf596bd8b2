/**
 * The function's runtime for the commands that back up (`backup`, `reconcile`): the environment with the
 * settings given as flags laid over it, Application Default Credentials for Cloud Storage and Secret
 * Manager, and a logger that prints only warnings and errors (every line with --verbose).
 */
import type { Runtime } from '../tasks/dispatch.js';
import { createLogger, projectFromEnv } from '../core/logs.js';
import { buildRuntime } from '../runtime/runtime.js';
import type { CommandOption } from './command-line.js';
import type { CliIO } from './io.js';

export const VERBOSE: CommandOption<boolean> = {
  flag: 'verbose',
  boolean: true,
  parse: () => ({ ok: true, value: true }),
  default: false,
  example: '',
  help: 'print every log line, not only warnings and errors',
};

export function runtimeForCommand(io: CliIO, settings: Record<string, string>, verbose: boolean): Promise<Runtime> {
  const env: NodeJS.ProcessEnv = { ...io.env, ...settings };
  const logger = createLogger({
    project: projectFromEnv(env),
    write: (line) => {
      if (verbose || /^\{"severity":"(WARNING|ERROR)"/.test(line)) io.stderr(`${line}\n`);
    },
  });
  return buildRuntime(env, logger);
}
