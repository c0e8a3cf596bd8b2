/**
 * The Cloud Tasks emulator speaks to gcloud too (apitools over v2 REST: enums by name, camelCase JSON,
 * its own update masks): queue create and update with flags, an HTTP task with an OIDC token, describe.
 * gcloud finds the emulator through `CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDTASKS` and authenticates with a
 * static access token file. Skipped when gcloud is not installed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulators, type Emulators } from '../index.js';
import { Target } from './tasks/support.js';
import { gcloudMissing } from './gcloud/support.js';

const run = promisify(execFile);
let emu: Emulators;
let config: string;
const missing = gcloudMissing();
const target = new Target();

before(async () => {
  emu = await startEmulators();
  await target.start();
  config = await mkdtemp(join(tmpdir(), 'gcloud-tasks-'));
  await writeFile(join(config, 'token'), 'emulator-token\n');
});
after(async () => {
  await emu.stop();
  await target.stop();
  await rm(config, { recursive: true, force: true });
});

async function gcloud(...args: string[]): Promise<string> {
  const { stdout } = await run('gcloud', [...args, '--location=europe-west1', '--quiet'], {
    env: {
      ...process.env,
      CLOUDSDK_CONFIG: config,
      CLOUDSDK_CORE_PROJECT: 'emu-project',
      CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: join(config, 'token'),
      CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDTASKS: `${emu.env.CLOUD_TASKS_EMULATOR_HOST}/`,
      CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    },
  });
  return stdout;
}

test('gcloud creates and updates a queue, creates an HTTP task with OIDC, and the task is dispatched', async (t) => {
  if (missing) return t.skip(missing);
  await gcloud(
    'tasks',
    'queues',
    'create',
    'backup',
    '--max-dispatches-per-second=2',
    '--max-attempts=5',
    '--min-backoff=1s',
    '--max-doublings=4',
  );
  await gcloud('tasks', 'queues', 'update', 'backup', '--max-concurrent-dispatches=3');
  const queue = JSON.parse(await gcloud('tasks', 'queues', 'describe', 'backup', '--format=json')) as Record<
    string,
    Record<string, unknown>
  >;
  assert.deepEqual(queue.rateLimits, { maxBurstSize: 1, maxConcurrentDispatches: 3, maxDispatchesPerSecond: 2 });
  assert.deepEqual(queue.retryConfig, { maxAttempts: 5, maxBackoff: '3600s', maxDoublings: 4, minBackoff: '1s' });
  assert.equal(queue.state, 'RUNNING');

  await gcloud(
    'tasks',
    'create-http-task',
    'g1',
    '--queue=backup',
    `--url=${target.url}/backup`,
    '--oidc-service-account-email=dispatcher@emu-project.iam.gserviceaccount.com',
    '--header=Content-Type:application/json',
    '--body-content={"name":"a.txt"}',
  );
  await target.waitForHits(1);
  const hit = target.hits[0];
  assert.equal(hit?.headers['x-cloudtasks-taskname'], 'g1');
  assert.equal(hit?.headers['content-type'], 'application/json');
  assert.equal(hit?.body.toString(), '{"name":"a.txt"}');
  assert.match(String(hit?.headers.authorization), /^Bearer ey/);
  while (emu.tasks.stats()[0]?.counters.succeeded !== 1) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(emu.tasks.stats()[0]?.tasksCount, 0, 'the executed task is gone');
});
