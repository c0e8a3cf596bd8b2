/**
 * What a CLI command gets from the outside world, passed in so tests can run commands in-process:
 * arguments, environment, output streams. A command returns its exit code.
 */
export interface CliIO {
  argv: string[];
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdout is a terminal (progress lines are shown only then). */
  isTTY: boolean;
}

export type CliCommand = (io: CliIO) => Promise<number>;

/** A usage mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}
