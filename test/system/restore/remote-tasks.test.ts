/**
 * `restore --remote` following a tasks-mode restore, through the real entry points: the CLI's main posts
 * the request to the HTTP function (DISPATCH=tasks), which fans out one task per object; the Cloud Tasks
 * emulator dispatches them to the same function on a ManualClock that this test moves while the command
 * runs (every verdict is a count, never a wait on the machine's speed). The command prints progress lines
 * and ends only when every task has: exit 0 when every object was restored and verified, exit 1 with one
 * line per problem (a Drive file flagged abusive, which no retry gets past), and a duplicate dispatch of
 * every task restores nothing twice. A file past Drive's download quota is waited for (the progress line
 * says so) and restored once Drive lifts it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from '../../../src/cli/main.js';
import { recordingIO } from '../cli/support.js';
import type { TasksHarness } from '../tasks/harness.js';
import { backedUpInTasksMode, SECOND } from './backed-up.js';

let h: TasksHarness;
let objects: Map<string, Buffer>;
const TARGET = 'followed';

before(async () => {
  ({ h, objects } = await backedUpInTasksMode({ target: TARGET, count: 5, size: (i) => 300 + i }));
});
after(() => h.close());

/**
 * Runs the command while moving the queue's clock, until the command ends (or the clock went an hour);
 * `onTick` sees its output so far at each second.
 */
async function follow(args: string[], onTick?: (out: string) => void): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIO(['restore', ...args, '--remote', h.httpUrl], h.world.env);
  let ended = false;
  const run = runCli(io).finally(() => (ended = true));
  for (let s = 0; s < 3600 && !ended; s++) {
    onTick?.(io.out.join(''));
    await h.clock.advance(SECOND);
    // Waits on progress: lets the dispatched requests and the command's own requests run.
    await sleep(5);
  }
  const code = ended ? await run : -1;
  const err = io.err.filter((line) => !line.startsWith('gcs-drive-backup: warning: emulators in effect')).join('');
  return { code, out: io.out.join(''), err };
}

async function versions(prefix: string) {
  const [files] = await h.world.storage.bucket(TARGET).getFiles({ prefix, versions: true });
  return files;
}

test('restore --remote follows a fanned-out restore to its end: progress lines, exit 0, each object once', async () => {
  h.world.emulators.tasks.setDuplicates({ probability: 1, mode: 'after' });
  const { code, out, err } = await follow(['--to', `gs://${TARGET}/all/`]);
  h.world.emulators.tasks.setDuplicates({ probability: 0, mode: 'after' });
  assert.equal(code, 0, out + err);
  assert.match(out, /^restore [0-9a-f]{32} of the backup into gs:\/\/followed\/all\/ runs in http:\/\/127\.0\.0\.1:\d+ \(tasks\)$/m);
  assert.match(out, /^progress: .*; (listing the backup, )?5 in tasks$/m, 'a progress line while the tasks run');
  assert.match(out, /^progress: 5 restored; done$/m);
  assert.match(out, /^restore [0-9a-f]{32}: 5 object\(s\) handled, 0 problem\(s\)$/m);
  assert.equal(err, '');
  const files = await versions('all/');
  assert.deepEqual(files.map((f) => f.name).sort(), [...objects.keys()].map((n) => `all/${n}`).sort(), 'one generation each');
  for (const f of files) assert.ok((await f.download())[0].equals(objects.get(f.name.slice('all/'.length)) as Buffer), f.name);
  const duplicates = h.dispatches().filter((d) => d.duplicate && d.status === 200);
  assert.ok(duplicates.length >= 5, 'every task was dispatched twice');
});

test('restore --remote with one object Drive will not give: that one line, exit 1, the others restored', async () => {
  const bad = 'set/3.bin';
  const fileId = h.backups(bad)[0].id;
  h.world.emulators.drive.setAbusive(fileId);
  try {
    const { code, out, err } = await follow(['--to', `gs://${TARGET}/one-bad/`]);
    assert.equal(code, 1, out + err);
    assert.deepEqual(
      err.trimEnd().split('\n'),
      [
        `drive-limit ${bad} -> one-bad/${bad}: generation ${(await h.world.storage.bucket(h.world.sourceBucket).file(bad).getMetadata())[0].generation as string}; ` +
          'Drive replied 403 cannotDownloadAbusiveFile: Drive flagged the file as malware or spam; if you trust the backup, run again with --acknowledge-abuse',
      ],
      'one line per problem',
    );
    assert.match(out, /^progress: 1 drive-limit, 4 restored; done$/m);
    assert.match(out, /^restore [0-9a-f]{32}: 5 object\(s\) handled, 1 problem\(s\)$/m);
    assert.deepEqual(
      (await versions('one-bad/')).map((f) => f.name).sort(),
      [...objects.keys()].filter((n) => n !== bad).map((n) => `one-bad/${n}`),
    );
  } finally {
    h.world.emulators.drive.setAbusive(fileId, false);
  }
});

test('restore --remote shows a task waiting for Drive to lift a download quota, and ends once Drive does', async () => {
  const name = 'set/2.bin';
  const fileId = h.backups(name)[0].id;
  const limits = h.world.emulators.hub.limits;
  limits.set({ drive: { fileDownloads: { downloads: 1, windowMs: 24 * 3600 * SECOND } } });
  // The file's one download of the window, spent.
  await h.world.drive.files.get({ fileId, alt: 'media' }, { responseType: 'arraybuffer' }).catch(() => undefined);
  let lifted = false;
  const { code, out, err } = await follow(['--to', `gs://${TARGET}/quota/`, '--prefix', name], (sofar) => {
    // Waits on progress: Drive lifts the quota once the command said it waits for it.
    if (!lifted && /\(1 waiting for Drive to lift a download limit\)$/m.test(sofar)) {
      limits.set({ drive: { fileDownloads: null } });
      lifted = true;
    }
  });
  limits.set({ drive: { fileDownloads: null } });
  assert.ok(lifted, `the progress said a task waits for Drive: ${out}`);
  assert.equal(code, 0, out + err);
  assert.match(out, /^progress: nothing yet; 1 in tasks \(1 waiting for Drive to lift a download limit\)$/m);
  assert.match(out, /^progress: 1 restored; done$/m);
  assert.deepEqual(
    (await versions('quota/')).map((f) => f.name),
    [`quota/${name}`],
  );
});
