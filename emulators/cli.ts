/**
 * `npm run emulators`: starts the four emulators on loopback, prints the environment lines to export
 * (`NAME=value`), then stays in the foreground until interrupted.
 *
 *   npm run emulators [-- --port-base 9100]
 */
import { parseArgs } from 'node:util';
import { startEmulators } from './index.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'port-base': { type: 'string' },
    },
  });
  const base = values['port-base'] ? Number(values['port-base']) : undefined;
  if (base !== undefined && (!Number.isInteger(base) || base < 1024 || base > 65531)) {
    throw new Error('--port-base must be an integer between 1024 and 65531');
  }
  const emulators = await startEmulators({
    ports: base ? { gcs: base, drive: base + 1, oauth: base + 2, secrets: base + 3 } : undefined,
  });
  const lines = {
    ...emulators.env,
    OAUTH_CLIENT_ID: emulators.seed.clientId,
    OAUTH_CLIENT_SECRET: emulators.seed.clientSecret,
    OAUTH_REFRESH_TOKEN: emulators.seed.refreshToken,
  };
  for (const [name, value] of Object.entries(lines)) console.log(`${name}=${value}`);
  console.error('# emulators running; export the lines above (e.g. `export $(npm run -s emulators | head -7)`); Ctrl-C stops');

  const stop = async () => {
    await emulators.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`emulators: ${(err as Error).message}`);
  process.exit(1);
});
