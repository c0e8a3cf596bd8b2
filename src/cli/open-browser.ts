/**
 * Best-effort opening of a URL in the user's browser (`xdg-open`, `open`, `start`). Failure is silent:
 * the authorize command always prints the URL too. `browserCommand` is pure.
 */
import { spawn } from 'node:child_process';

export function browserCommand(platform: NodeJS.Platform, url: string): { command: string; args: string[]; verbatim: boolean } {
  if (platform === 'darwin') return { command: 'open', args: [url], verbatim: false };
  // `start` is a cmd built-in; the empty title and quotes keep `&` in the URL from splitting the command.
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', `"${url}"`], verbatim: true };
  return { command: 'xdg-open', args: [url], verbatim: false };
}

export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const { command, args, verbatim } = browserCommand(platform, url);
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, windowsVerbatimArguments: verbatim });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser opener: the printed URL is the way.
  }
}
