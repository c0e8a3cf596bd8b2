/**
 * `npm run emulators`: starts the five emulators on loopback, prints the environment lines to export
 * (`NAME=value`), then stays in the foreground until interrupted. With `--data-dir DIR` (created if
 * missing) all state, including the seeded OAuth client and refresh token, is kept in DIR between runs.
 *
 *   npm run emulators [-- --port-base 9100] [--data-dir .sandbox]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulators } from './index.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'port-base': { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  const base = values['port-base'] ? Number(values['port-base']) : undefined;
  if (base !== undefined && (!Number.isInteger(base) || base < 1024 || base > 65530)) {
    throw new Error('--port-base must be an integer between 1024 and 65530');
  }
  if (values['data-dir'] === '') throw new Error('--data-dir needs a directory');
  const dataDir = values['data-dir'] === undefined ? undefined : resolve(values['data-dir']);
  const emulators = await startEmulators({
    ports: base ? { gcs: base, drive: base + 1, oauth: base + 2, secrets: base + 3, tasks: base + 4 } : undefined,
    dataDir,
    onSaveError: (err) => console.error(`# emulators: saving state to ${dataDir} failed: ${err.message}`),
  });
  const lines = {
    ...emulators.env,
    OAUTH_CLIENT_ID: emulators.seed.clientId,
    OAUTH_CLIENT_SECRET: emulators.seed.clientSecret,
    OAUTH_REFRESH_TOKEN: emulators.seed.refreshToken,
  };
  for (const [name, value] of Object.entries(lines)) console.log(`${name}=${value}`);
  if (dataDir) console.error(`# state kept in ${dataDir} (loaded now, saved after every request and on exit)`);
  console.error(`# Google's limits apply: GET ${emulators.env.DRIVE_EMULATOR_HOST}/_emulator/limits shows them, POST changes them`);
  console.error(
    '# emulators running; export the lines above in another shell (or: npm run -s emulators > .emulators.env & sleep 3; export $(cat .emulators.env)); Ctrl-C stops',
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await emulators.stop();
      process.exit(0);
    } catch (err) {
      console.error(`emulators: final save failed: ${(err as Error).message}`);
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(`emulators: ${(err as Error).message}`);
  process.exit(1);
});
