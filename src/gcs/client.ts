/**
 * The Cloud Storage client, pointed at `STORAGE_EMULATOR_HOST` when set, loaded on first use. The
 * library's own retries are off on every client: every call goes through a gateway that retries with the
 * product's classification (src/gcs/gateway.ts), and on Node 24 a retried `createReadStream` (a 503, say)
 * makes teeny-request throw an uncaught ERR_STREAM_UNABLE_TO_PIPE out of the process
 * (googleapis/google-cloud-node#8670, unfixed in storage 8.4). Without library retries a failed read
 * surfaces as a stream error, and the upload re-opens the read at the next byte it needs.
 */
import type { Storage } from '@google-cloud/storage';
import type { ClientConfig } from '../config/config.js';
import { lazyRequire } from '../core/lazy-require.js';

export function createStorage(config: ClientConfig): Storage {
  const { Storage } = lazyRequire<typeof import('@google-cloud/storage')>('@google-cloud/storage');
  const retryOptions = { autoRetry: false };
  // With a custom apiEndpoint the client sends no credentials (useAuthWithCustomEndpoint defaults to false).
  return config.emulators.storage
    ? new Storage({ apiEndpoint: config.emulators.storage, projectId: 'emulator', retryOptions })
    : new Storage({ retryOptions });
}
