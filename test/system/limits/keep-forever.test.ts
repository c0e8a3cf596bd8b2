/**
 * KEEP_REVISIONS_FOREVER against Drive's cap on revisions kept forever, end to end: with the emulator's cap
 * at 2, the 3rd generation of an object (multipart, then a resumable one) is kept forever after the oldest
 * kept revision is deleted, saying so in one `keptRevisionReleased` line; with the emulator's cap off and a
 * file already keeping Google's 200, the product itself keeps it at 200. Nothing lost, nothing twice,
 * nothing for the operator.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { testBytes } from '../../support/world.js';
import { LimitsHarness } from './support.js';

const MiB = 1024 * 1024;
let h: LimitsHarness;
let url: string;

before(async () => {
  h = await LimitsHarness.start({}, { limits: { drive: { keepForeverRevisions: 2 } } });
  url = await h.instance({ KEEP_REVISIONS_FOREVER: 'true', UPLOAD_CHUNK_MIB: '1', MULTIPART_MAX_MIB: '1' });
});
after(() => h?.stop());

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

async function revisionsOf(fileId: string) {
  const res = await h.world.drive.revisions.list({ fileId, fields: 'revisions(id,keepForever,md5Checksum)' });
  return res.data.revisions ?? [];
}

test('the 3rd revision of a file with the cap at 2: the oldest kept one goes, one line says so', async () => {
  const name = 'pinned/report.txt';
  const generations = ['first', 'second', 'third'];
  for (const content of generations) assert.deepEqual(await h.deliver(url, await h.write(name, content)), [204], content);

  h.assertEachOnce([{ name, content: 'third' }]);
  const [file] = h.backupsOf(name);
  const revisions = await revisionsOf(file.id);
  assert.deepEqual(
    revisions.map((r) => [r.md5Checksum, r.keepForever]),
    [
      [md5('second'), true],
      [md5('third'), true],
    ],
    'the newest two kept forever; the oldest was deleted to make room',
  );
  const released = h.lines('keptRevisionReleased');
  assert.equal(released.length, 1, 'one line');
  assert.equal(released[0].severity, 'NOTICE');
  assert.equal(released[0].driveFileId, file.id);
  assert.match(released[0].message, /keeps 2 revisions forever, the most Drive allows: deleted the oldest one kept forever \(revision \S+/);
  assert.deepEqual(h.operatorLines(), []);
});

test('a resumable revision (larger than MULTIPART_MAX_MIB) makes room the same way when its session opens', async () => {
  const name = 'pinned/big.bin';
  const contents = [1, 2, 3].map((i) => testBytes(MiB + 1000 * i, `big ${i}`));
  for (const content of contents) assert.deepEqual(await h.deliver(url, await h.write(name, content)), [204]);

  h.assertEachOnce([{ name, content: contents[2] }]);
  const [file] = h.backupsOf(name);
  assert.deepEqual(
    (await revisionsOf(file.id)).map((r) => [r.md5Checksum, r.keepForever]),
    [
      [md5(contents[1]), true],
      [md5(contents[2]), true],
    ],
  );
  assert.equal(h.lines('keptRevisionReleased').length, 2, 'one more line');
  assert.equal(h.world.emulators.hub.counters()['drive.revisions.delete'], 2, 'one revision deleted per release');
  assert.deepEqual(h.operatorLines(), []);
});

test("with the emulator's cap off, a file already keeping Google's 200 stays at 200: the product makes room itself", async () => {
  h.world.emulators.hub.limits.set({ drive: { keepForeverRevisions: null } });
  const name = 'pinned/many.txt';
  assert.deepEqual(await h.deliver(url, await h.write(name, 'revision 0')), [204]);
  const [file] = h.backupsOf(name);
  const { Readable } = await import('node:stream');
  for (let i = 1; i < 200; i++) {
    await h.world.drive.files.update(
      { fileId: file.id, keepRevisionForever: true, media: { mimeType: 'text/plain', body: Readable.from([`by hand ${i}`]) } },
      { rootUrl: `${h.world.env.DRIVE_EMULATOR_HOST}/` },
    );
  }
  assert.equal((await revisionsOf(file.id)).filter((r) => r.keepForever).length, 200);

  const before = h.lines('keptRevisionReleased').length;
  assert.deepEqual(await h.deliver(url, await h.write(name, 'revision 200')), [204]);
  const revisions = await revisionsOf(file.id);
  assert.equal(revisions.filter((r) => r.keepForever).length, 200, "Google's cap kept");
  assert.equal(revisions.at(-1)?.md5Checksum, md5('revision 200'));
  assert.ok(!revisions.some((r) => r.md5Checksum === md5('revision 0')), 'the oldest kept revision went');
  assert.equal(h.lines('keptRevisionReleased').length, before + 1);
  h.world.emulators.hub.limits.set({ drive: { keepForeverRevisions: 2 } });
});
