/**
 * The Cloud Tasks client (`@google-cloud/tasks` v2), pointed at CLOUD_TASKS_EMULATOR_HOST when set and
 * loaded on first use (cold start: only tasks mode needs it).
 *
 * It speaks the REST fallback (`fallback: true`) against Google too, not gRPC: that is the exact protocol
 * the emulator serves and the tests exercise, and a function that makes one or two calls per invocation
 * gains nothing from a long-lived HTTP/2 channel, which Cloud Run's CPU throttling between requests leaves
 * idle. Credentials against Google are the runtime service account's (Application Default Credentials).
 *
 * The package is ESM-typed only (`.d.ts` in a `"type": "module"` package, with a CommonJS build): its types
 * come in through `resolution-mode: import`, the code through `require`.
 */
import type * as Tasks from '@google-cloud/tasks' with { 'resolution-mode': 'import' };
import type { ClientConfig } from '../config/config.js';
import { lazyRequire } from '../core/lazy-require.js';

export type TasksClient = Tasks.v2.CloudTasksClient;

export function createTasksClient(config: ClientConfig): TasksClient {
  const { v2 } = lazyRequire<typeof Tasks>('@google-cloud/tasks');
  const host = config.emulators.tasks;
  if (!host) return new v2.CloudTasksClient({ fallback: true });
  // The emulator accepts any bearer token, as no emulator can check a service account: a static one spares
  // the Application Default Credentials lookup.
  const url = new URL(host);
  const { OAuth2Client } = lazyRequire<typeof import('google-auth-library')>('google-auth-library');
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'emulator', expiry_date: Date.now() + 365 * 24 * 3600 * 1000 });
  return new v2.CloudTasksClient({
    fallback: true,
    apiEndpoint: url.hostname,
    port: Number(url.port),
    protocol: url.protocol.replace(':', ''),
    authClient,
  });
}
