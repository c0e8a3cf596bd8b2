/**
 * The backup queue of tasks/auto dispatch, created through the product's own Cloud Tasks client
 * (src/tasks/client.ts) against the emulator, with Terraform's settings (1.5 dispatches/s, 8 at once, no
 * attempt limit) unless the caller gives its own. Kept if it exists (the sandbox restarted from a data
 * directory).
 */
import { createTasksClient } from '../src/tasks/client.js';

export interface QueueOptions {
  /** `projects/P/locations/L` (default: the test project's). */
  location?: string;
  /** The queue's id (default `backup`). */
  id?: string;
  /** The service account whose OIDC token the tasks carry (TASKS_SERVICE_ACCOUNT). */
  serviceAccount?: string;
  /** Cloud Tasks queue fields (`rateLimits`, `retryConfig`) instead of Terraform's. */
  settings?: Record<string, unknown>;
}

export const TEST_QUEUE_LOCATION = 'projects/test/locations/local';

const TERRAFORM_QUEUE = {
  rateLimits: { maxDispatchesPerSecond: 1.5, maxConcurrentDispatches: 8 },
  retryConfig: { maxAttempts: -1, minBackoff: { seconds: 10 }, maxBackoff: { seconds: 600 }, maxDoublings: 5 },
};

/** Creates the queue unless it exists; its full name. */
export async function ensureQueue(tasksHost: string, options: QueueOptions = {}): Promise<string> {
  const location = options.location ?? TEST_QUEUE_LOCATION;
  const name = `${location}/queues/${options.id ?? 'backup'}`;
  const client = createTasksClient({ emulators: { tasks: tasksHost } });
  try {
    await client.createQueue({ parent: location, queue: { name, ...TERRAFORM_QUEUE, ...options.settings } });
  } catch (err) {
    if ((err as { code?: unknown }).code !== 6) throw err; // ALREADY_EXISTS
  } finally {
    await client.close();
  }
  return name;
}
