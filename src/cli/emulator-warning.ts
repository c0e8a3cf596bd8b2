/**
 * One warning line naming every `*_EMULATOR_HOST` in the environment a command runs with (pure). With one
 * set, the official clients send that service's requests, the refresh token and the client secret among
 * them, in clear text to whatever address it names: a line copied from the sandbox's banner into a real
 * shell must not go unnoticed.
 */
import { escapeForTerminal } from '../core/terminal-text.js';

/**
 * `NAME=value` of each non-empty `*_EMULATOR_HOST`, from the environment or its `--*-emulator-host` flag
 * (which wins, as the settings read them), sorted, in one line; undefined when none is in effect.
 */
export function emulatorWarning(env: NodeJS.ProcessEnv, argv: readonly string[] = []): string | undefined {
  const inEffect = new Map(Object.entries(env).filter(([name]) => /_EMULATOR_HOST$/.test(name)));
  for (const [i, arg] of argv.entries()) {
    const flag = /^--([a-z-]+-emulator-host)(?:=(.*))?$/.exec(arg);
    if (flag) inEffect.set(flag[1].toUpperCase().replace(/-/g, '_'), flag[2] ?? argv[i + 1]);
  }
  const set = [...inEffect]
    .filter(([, value]) => value !== undefined && value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${escapeForTerminal(name)}=${escapeForTerminal(value ?? '')}`);
  if (set.length === 0) return undefined;
  return `gcs-drive-backup: warning: emulators in effect, requests (tokens and secrets included) go in clear text to ${set.join(', ')}\n`;
}
