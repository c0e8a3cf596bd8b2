/**
 * The emulator switches of the CLI (`OAUTH_EMULATOR_HOST`, `SECRET_MANAGER_EMULATOR_HOST`,
 * `DRIVE_EMULATOR_HOST`, `STORAGE_EMULATOR_HOST`), read from the `env` passed in, normalised as
 * src/config.ts does (`host:port` → `http://host:port`, no trailing `/`). Pure. The CLI cannot use
 * `parseConfig`, which insists on the function's required variables.
 */
import type { EmulatorHosts } from '../config.js';
import { UsageError } from './io.js';

const VARIABLES = {
  storage: 'STORAGE_EMULATOR_HOST',
  drive: 'DRIVE_EMULATOR_HOST',
  oauth: 'OAUTH_EMULATOR_HOST',
  secretManager: 'SECRET_MANAGER_EMULATOR_HOST',
} as const;

export function emulatorHostsFromEnv(env: Readonly<Record<string, string | undefined>>): EmulatorHosts {
  const hosts: Record<string, string> = {};
  for (const [key, variable] of Object.entries(VARIABLES)) {
    const value = env[variable]?.trim();
    if (!value) continue;
    const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value) ? value : `http://${value}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      throw new UsageError(`${variable} must be an http(s) URL or host:port, got "${value}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UsageError(`${variable} must be an http(s) URL or host:port, got "${value}"`);
    }
    hosts[key] = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  }
  return hosts;
}
