/**
 * `gcs-drive-backup <command>`: the command-line entry. Each command lives in its own file and is loaded
 * only when asked for.
 */
import { emulatorWarning } from './emulator-warning.js';
import type { CliCommand, CliIO } from './io.js';
import { UsageError } from './io.js';
import { escapeForTerminal as shown } from '../core/terminal-text.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  authorize: {
    summary: 'one-time consent: store the Drive refresh token in Secret Manager',
    load: async () => (await import('./authorize.js')).authorizeCommand,
  },
  check: {
    summary: 'check the stored authorization, the Drive folder and that the newest object is backed up',
    load: async () => (await import('./check.js')).checkCommand,
  },
  backup: {
    summary: 'back up one object now: backup gs://bucket/name',
    load: async () => (await import('./backup-command.js')).backupCommand,
  },
  reconcile: {
    summary: 'back up everything missing: reconcile gs://bucket[/prefix] [--dry-run]',
    load: async () => (await import('./reconcile-command.js')).reconcileCommand,
  },
  verify: {
    summary: 'prove the deployment end to end: a canary object through the trigger into Drive, then removed',
    load: async () => (await import('./verify.js')).verifyCommand,
  },
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: gcs-drive-backup <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function runCli(io: CliIO): Promise<number> {
  const [name, ...rest] = io.argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`gcs-drive-backup: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  const warning = emulatorWarning(io.env, rest);
  if (warning !== undefined) io.stderr(warning);
  try {
    return await (
      await command.load()
    )({ ...io, argv: rest });
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`gcs-drive-backup ${name}: ${err.message}\n`);
      return 2;
    }
    // Not ours: a library's message may quote a name or a reply.
    io.stderr(`gcs-drive-backup ${name}: ${shown((err as Error).message)}\n`);
    return 1;
  }
}

/** Runs the CLI on this process's arguments and streams, setting the exit code. */
export function main(): void {
  void runCli({
    argv: process.argv.slice(2),
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
  }).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) main();
