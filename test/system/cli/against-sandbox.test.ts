/**
 * `verify` and `check` against `npm start` (sandbox/main.ts as a child process), run in-process through the
 * CLI's entry (runCli) with the banner's `NAME=value` lines as their environment, as a deployer runs them
 * after `export`ing those lines:
 * - verify: the canary goes through the event bridge into Drive, the latency is printed, and the canary is
 *   gone again from the bucket, Drive and the state bucket (exit 0);
 * - with the bridge stopped (a broken trigger): verify fails after its timeout saying no invocation claimed
 *   the canary and what to check next (exit 1), and removes the canary from the bucket;
 * - check's freshness: the newest object backed up → OK; one written while the bridge is stopped → STALE
 *   (exit 1), or pending while younger than --stale-after.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Storage } from '@google-cloud/storage';
import { CANARY_METADATA_KEY } from '../../../src/backup/select.js';
import { objectRecordKey } from '../../../src/backup/claim/claim.js';
import { runCli } from '../../../src/cli/main.js';
import {
  driveFiles,
  startSandboxProcess,
  stopWithSigint,
  switchBridge,
  waitFor,
  type RunningSandbox,
} from '../../support/sandbox-process.js';
import { recordingIO } from './support.js';

const CANARY_PREFIX = '.gcs-drive-backup-canary/';

let sandbox: RunningSandbox;
let vars: Record<string, string>;
let storage: Storage;

before(async () => {
  // No scheduled reconcile during the test: what reaches Drive comes through the bridge.
  sandbox = await startSandboxProcess(['--first-reconcile-after', '3600']);
  vars = sandbox.vars;
  storage = new Storage({ apiEndpoint: vars.STORAGE_EMULATOR_HOST, projectId: 'x' });
});

after(async () => {
  if (sandbox) assert.equal((await stopWithSigint(sandbox)).code, 0, sandbox.stderr());
});

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = recordingIO(argv, vars);
  const code = await runCli(io);
  return { code, stdout: io.out.join(''), stderr: io.err.join('') };
}

async function bucketNames(bucket: string, prefix: string): Promise<string[]> {
  const [files] = await storage.bucket(bucket).getFiles({ prefix });
  return files.map((f) => f.name);
}

/** What is left of a canary: the object in the bucket, its Drive file, its claim record in the state bucket. */
async function canaryTraces(name: string): Promise<{ objects: string[]; driveFiles: string[]; record: boolean }> {
  const key = `gcs-drive-backup/${objectRecordKey(vars.SOURCE_BUCKET, name, undefined)}`;
  const [record] = await storage.bucket(vars.STATE_BUCKET).file(key).exists();
  return {
    objects: await bucketNames(vars.SOURCE_BUCKET, CANARY_PREFIX),
    driveFiles: (await driveFiles(vars)).filter((f) => f.appProperties['gdb.object'] === name).map((f) => f.id),
    record,
  };
}

describe('verify and check against npm start', () => {
  test('verify: the canary reaches Drive, the latency is printed, and the canary is removed everywhere', async () => {
    const run = await cli('verify');
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const name = /wrote the canary gs:\/\/[^/]+\/(\S+)#\d+/.exec(run.stdout)?.[1] ?? '';
    assert.ok(name.startsWith(CANARY_PREFIX), run.stdout);
    assert.match(run.stdout, /OK: the canary reached Drive in \d+\.\d s \(Drive file \S+, MD5 [0-9a-f]{32}\)/);
    assert.match(run.stdout, /removed the canary's object, Drive file, state record\n/);
    const left = await canaryTraces(name);
    assert.deepEqual(left.objects, [], 'no canary left in the bucket');
    assert.deepEqual(left.driveFiles, [], 'no canary left in Drive');
    assert.equal(left.record, false, 'no canary record left in the state bucket');
  });

  test('check: the newest user object (not a canary, not a folder) is backed up → OK freshness', async () => {
    const name = 'fresh/backed-up.txt';
    await storage.bucket(vars.SOURCE_BUCKET).file(name).save('backed up\n', { resumable: false });
    await waitFor(`${name} in Drive`, async () =>
      (await driveFiles(vars)).some((f) => f.appProperties['gdb.object'] === name) ? true : undefined,
    );
    assert.equal((await canaryTraces(name)).record, true, 'canaryTraces finds a claim record where the function writes it');
    // Written after it, and not user data: a canary of verify and a folder placeholder.
    const bucket = storage.bucket(vars.SOURCE_BUCKET);
    await bucket
      .file(`${CANARY_PREFIX}left-behind.txt`)
      .save('canary', { resumable: false, metadata: { metadata: { [CANARY_METADATA_KEY]: 'run-x' } } });
    await bucket.file('fresh/folder/').save('', { resumable: false });
    const run = await cli('check');
    // The sandbox keeps Cloud Storage's one mutation per object and second: delete once it lets us.
    await waitFor('the canary deleted', () =>
      bucket
        .file(`${CANARY_PREFIX}left-behind.txt`)
        .delete()
        .then(
          () => true,
          (err: { code?: number }) => (err.code === 429 ? undefined : Promise.reject(err as Error)),
        ),
    );
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(
      run.stdout,
      new RegExp(
        `OK: freshness: the newest object, gs://${vars.SOURCE_BUCKET}/${name}#\\d+ \\(written .*\\), is backed up \\(Drive file \\S+\\)\\.`,
      ),
    );
  });

  test('with the event bridge stopped: verify fails saying what it saw and what to check; check reports stale', async () => {
    assert.equal(await switchBridge(vars, false), 'stopped');
    try {
      const run = await cli('verify', '--timeout', '3');
      assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
      assert.match(run.stderr, /verify: FAILED: the canary did not reach Drive within \d+\.\d s\. What it saw:/);
      assert.match(run.stderr, /object written: gs:\/\/sandbox-bucket\/\.gcs-drive-backup-canary\/\S+#\d+ \(\d+ bytes, MD5 [0-9a-f]{32}\)/);
      assert.match(run.stderr, /state record: {3}none: no invocation of the function claimed the canary/);
      assert.match(run.stderr, /1\. The trigger: /);
      assert.match(run.stderr, /2\. IAM: /);
      assert.match(
        run.stderr,
        /gcloud logging read '.*jsonPayload\.name="\.gcs-drive-backup-canary\/[^"]+".*' --freshness=1h --limit=50 --project=sandbox/,
      );
      assert.match(run.stdout, /removed the canary's object\n/);
      assert.deepEqual(await bucketNames(vars.SOURCE_BUCKET, CANARY_PREFIX), [], 'the canary is removed from the bucket');

      const name = 'fresh/while-stopped.txt';
      await storage.bucket(vars.SOURCE_BUCKET).file(name).save('never delivered\n', { resumable: false });
      const stale = await cli('check', '--stale-after', '0');
      assert.equal(stale.code, 1, `${stale.stdout}\n${stale.stderr}`);
      assert.match(
        stale.stderr,
        new RegExp(`check: STALE: the newest object, gs://${vars.SOURCE_BUCKET}/${name}#\\d+ \\(written .*\\), has no backup in Drive`),
      );
      assert.match(stale.stderr, /npx --no gcs-drive-backup verify/);
      const pending = await cli('check', '--stale-after', '3600');
      assert.equal(pending.code, 0, `${pending.stdout}\n${pending.stderr}`);
      assert.match(
        pending.stdout,
        new RegExp(`Pending: freshness: the newest object, gs://${vars.SOURCE_BUCKET}/${name}#\\d+ .* is not in Drive yet`),
      );
    } finally {
      assert.equal(await switchBridge(vars, true), 'running');
    }
  });
});
