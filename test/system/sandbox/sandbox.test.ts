/**
 * `npm start` as a user runs it: sandbox/main.ts as a child process on ephemeral ports, its banner read
 * back for the URLs; three objects uploaded with @google-cloud/storage arrive in the Drive emulator
 * byte-exact through the event bridge and the real event function; an overwrite becomes a second
 * revision; SIGINT stops everything (exit 0, no process left, every port refusing). With `--data-dir`, a
 * restart keeps the files. With `--dispatch tasks`, the objects go through the Cloud Tasks queue.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Storage } from '@google-cloud/storage';
import { driveFiles, startSandboxProcess, stopWithSigint, waitFor, type DriveFile } from '../../support/sandbox-process.js';
import { descendants } from '../../../harness/process-tree.js';
import { md5Hex, testBytes } from '../../support/world.js';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const refusesConnections = (url: string): Promise<boolean> =>
  new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname, () => (socket.destroy(), resolve(false)));
    socket.on('error', () => resolve(true));
  });

/** `a/b/c.txt` → the live Drive file at that path under DRIVE_FOLDER_ID. */
function fileAt(files: DriveFile[], rootId: string, path: string): DriveFile | undefined {
  let parent = rootId;
  const parts = path.split('/');
  for (const [i, name] of parts.entries()) {
    const match = files.find((f) => f.name === name && f.parents.includes(parent) && !f.trashed);
    if (!match) return undefined;
    if (i === parts.length - 1) return match;
    parent = match.id;
  }
  return undefined;
}

const uploads = [
  { name: 'hello.txt', content: Buffer.from('hello, sandbox\n') },
  { name: 'nested/deeper/café "quoted" <b>.txt', content: Buffer.from('nested ✓\n') },
  // Above the 5 MiB multipart limit: a resumable upload to Drive.
  { name: 'big/six.bin', content: testBytes(6 * 1024 * 1024, 'sandbox-6MiB') },
];

describe('npm start (sandbox/main.ts as a child process)', () => {
  test('backs up uploads byte-exact, revises overwrites, and stops cleanly on SIGINT', async () => {
    const running = await startSandboxProcess();
    const { vars } = running;
    try {
      for (const name of [
        'STORAGE_EMULATOR_HOST',
        'DRIVE_EMULATOR_HOST',
        'OAUTH_EMULATOR_HOST',
        'SECRET_MANAGER_EMULATOR_HOST',
        'OAUTH_CLIENT_ID',
        'OAUTH_CLIENT_SECRET',
        'OAUTH_REFRESH_TOKEN',
        'DRIVE_FOLDER_ID',
        'SOURCE_BUCKET',
        'STATE_BUCKET',
        'TOKEN_SECRET',
      ]) {
        assert.ok(vars[name], `banner line ${name}=`);
      }
      const storage = new Storage({ apiEndpoint: vars.STORAGE_EMULATOR_HOST, projectId: 'x' });
      const bucket = storage.bucket(vars.SOURCE_BUCKET);
      await Promise.all(uploads.map((u) => bucket.file(u.name).save(u.content)));

      const rootId = vars.DRIVE_FOLDER_ID;
      for (const u of uploads) {
        const file = await waitFor(`${u.name} in Drive`, async () => {
          const f = fileAt(await driveFiles(vars), rootId, u.name);
          return f?.md5Checksum === md5Hex(u.content) ? f : undefined;
        });
        assert.equal(file.size, u.content.length, u.name);
        const download = await fetch(`${vars.SANDBOX_PAGE_URL}files/${encodeURIComponent(file.id)}`);
        assert.equal(download.status, 200);
        assert.ok(Buffer.from(await download.arrayBuffer()).equals(u.content), `${u.name} downloads byte-exact`);
      }

      // A name that would retitle the terminal and erase a line: the sandbox's stderr shows it as data.
      const hostile = 'hostile/\u001b]0;pwned\u0007\u001b[1A\u001b[2KOK\u202etxt.exe';
      await bucket.file(hostile).save('hostile name\n');
      await waitFor("the hostile object in the functions' lines", () =>
        Promise.resolve(running.stderr().includes('\\u001b]0;pwned\\u0007') || undefined),
      );
      // eslint-disable-next-line no-control-regex -- what must never reach the terminal
      assert.doesNotMatch(running.stderr(), /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);

      const overwrite = Buffer.from('hello again, a second generation\n');
      await bucket.file('hello.txt').save(overwrite);
      const revised = await waitFor('a second revision of hello.txt', async () => {
        const f = fileAt(await driveFiles(vars), rootId, 'hello.txt');
        return f?.revisions === 2 && f.md5Checksum === md5Hex(overwrite) ? f : undefined;
      });
      assert.equal(revised.size, overwrite.length);
      const helloCopies = (await driveFiles(vars)).filter((f) => f.name === 'hello.txt');
      assert.equal(helloCopies.length, 1, 'one Drive file, not a copy');

      const state = (await (await fetch(`${vars.SANDBOX_PAGE_URL}state.json`)).json()) as { outcomes: { name: string; outcome: string }[] };
      assert.ok(
        state.outcomes.some((o) => o.name === 'hello.txt' && o.outcome === 'revised'),
        'the page lists the revision outcome',
      );
    } finally {
      const sandboxPid = running.child.pid as number;
      const pids = new Set([...(vars.SANDBOX_PIDS ?? '').split(',').map(Number), ...(await descendants(sandboxPid))]);
      const { code } = await stopWithSigint(running);
      assert.equal(code, 0, `exit code; stderr:\n${running.stderr()}`);
      assert.ok(pids.size >= 3, `sandbox and its two function processes: ${[...pids].join(',')}`);
      await waitFor('every process to be gone', async () => ([...pids].every((p) => !isAlive(p)) ? true : undefined));
      const urls = [
        'STORAGE_EMULATOR_HOST',
        'DRIVE_EMULATOR_HOST',
        'OAUTH_EMULATOR_HOST',
        'SECRET_MANAGER_EMULATOR_HOST',
        'SANDBOX_PAGE_URL',
        'EVENT_FUNCTION_URL',
        'HTTP_FUNCTION_URL',
      ];
      for (const name of urls) assert.ok(await refusesConnections(vars[name]), `${name} refuses connections`);
    }
  });

  test('--dispatch tasks: the event function enqueues, the queue runs POST /backup, the page shows the queue', async () => {
    const running = await startSandboxProcess(['--dispatch', 'tasks']);
    const { vars } = running;
    try {
      assert.equal(vars.DISPATCH, 'tasks');
      assert.match(vars.TASKS_QUEUE, /^projects\/sandbox\/locations\/local\/queues\/backup$/);
      assert.equal(vars.TASKS_TARGET_URL, `${vars.HTTP_FUNCTION_URL}/backup`);
      const bucket = new Storage({ apiEndpoint: vars.STORAGE_EMULATOR_HOST, projectId: 'x' }).bucket(vars.SOURCE_BUCKET);
      const content = Buffer.from('through the queue\n');
      await bucket.file('queued/file.txt').save(content);
      await waitFor('queued/file.txt in Drive', async () => {
        const f = fileAt(await driveFiles(vars), vars.DRIVE_FOLDER_ID, 'queued/file.txt');
        return f?.md5Checksum === md5Hex(content) ? f : undefined;
      });
      assert.match(running.stderr(), /\[event\] INFO enqueued: the backup of gs:\/\/sandbox-bucket\/queued\/file\.txt/);
      // The file is in Drive before the task's run has recorded it and logged `uploaded` (its state write
      // may wait out a 429 first).
      await waitFor('the uploaded line of the queued backup', () =>
        Promise.resolve(/\[http\] INFO uploaded gs:\/\/sandbox-bucket\/queued\/file\.txt/.test(running.stderr()) || undefined),
      );
      const state = (await (await fetch(`${vars.SANDBOX_PAGE_URL}state.json`)).json()) as { queue?: Record<string, unknown> };
      assert.deepEqual([state.queue?.name, state.queue?.maxRate, state.queue?.paused], ['backup', 1.5, false]);
    } finally {
      assert.equal((await stopWithSigint(running)).code, 0, `stderr:\n${running.stderr()}`);
    }
  });

  test('--data-dir keeps the bucket, the Drive files and the root folder across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sandbox-data-'));
    try {
      const first = await startSandboxProcess(['--data-dir', dataDir]);
      const content = Buffer.from('kept between runs\n');
      try {
        const storage = new Storage({ apiEndpoint: first.vars.STORAGE_EMULATOR_HOST, projectId: 'x' });
        await storage.bucket(first.vars.SOURCE_BUCKET).file('kept/file.txt').save(content);
        await waitFor('kept/file.txt in Drive', async () =>
          fileAt(await driveFiles(first.vars), first.vars.DRIVE_FOLDER_ID, 'kept/file.txt'),
        );
      } finally {
        assert.equal((await stopWithSigint(first)).code, 0);
      }
      assert.ok((await readdir(dataDir)).includes('sandbox.json'), 'the root folder id is remembered');

      const second = await startSandboxProcess(['--data-dir', dataDir]);
      try {
        assert.equal(second.vars.DRIVE_FOLDER_ID, first.vars.DRIVE_FOLDER_ID, 'the same root folder');
        const kept = fileAt(await driveFiles(second.vars), second.vars.DRIVE_FOLDER_ID, 'kept/file.txt');
        assert.equal(kept?.md5Checksum, md5Hex(content));
        const storage = new Storage({ apiEndpoint: second.vars.STORAGE_EMULATOR_HOST, projectId: 'x' });
        const [bytes] = await storage.bucket(second.vars.SOURCE_BUCKET).file('kept/file.txt').download();
        assert.ok(bytes.equals(content), 'the object is still in the bucket');
      } finally {
        assert.equal((await stopWithSigint(second)).code, 0);
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
