/**
 * Hostile object names are data on a terminal too, through the CLI's real commands against the emulators:
 * a name carrying a title-setting OSC (`ESC ]0;… BEL`), a cursor-up-and-erase (`ESC [1A ESC [2K`) with a
 * fake "OK", or a right-to-left override, is printed by `check`, `reconcile` and `backup` with each such
 * character shown as `\uXXXX`, never raw.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { backupCommand } from '../../../src/cli/backup-command.js';
import { checkCommand } from '../../../src/cli/check.js';
import { reconcileCommand } from '../../../src/cli/reconcile-command.js';
import { createWorld, type World } from '../../support/world.js';
import { recordingIO } from './support.js';

const TITLE = 'hostile/\u001b]0;pwned\u0007title.txt';
const ERASE = 'hostile/x\u001b[1A\u001b[2KOK: all good.txt';
const BIDI = 'hostile/evil\u202etxt.exe';
// eslint-disable-next-line no-control-regex -- looking for raw control characters is the point
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let world: World;
before(async () => {
  world = await createWorld();
  const bucket = world.storage.bucket(world.sourceBucket);
  for (const name of [TITLE, ERASE, BIDI]) await bucket.file(name).save('hostile', { resumable: false });
});
after(() => world?.stop());

const printed = (io: { out: string[]; err: string[] }) => io.out.join('') + io.err.join('');

test('reconcile --dry-run lists the names escaped', async () => {
  const io = recordingIO(['gs://source-bucket/hostile/', '--dry-run'], world.env);
  assert.equal(await reconcileCommand(io), 0, printed(io));
  const text = printed(io);
  assert.doesNotMatch(text, RAW);
  assert.ok(text.includes('upload hostile/\\u001b]0;pwned\\u0007title.txt'), text);
  assert.ok(text.includes('upload hostile/x\\u001b[1A\\u001b[2KOK: all good.txt'), text);
  assert.ok(text.includes('upload hostile/evil\\u202etxt.exe'), text);
});

test('backup prints the name escaped', async () => {
  const io = recordingIO([`gs://source-bucket/${BIDI}`], world.env);
  assert.equal(await backupCommand(io), 0, printed(io));
  assert.doesNotMatch(printed(io), RAW);
  assert.match(printed(io), /^uploaded gs:\/\/source-bucket\/hostile\/evil\\u202etxt\.exe#\d+ /);
});

test("check's freshness line shows the newest object's name escaped", async () => {
  await world.storage.bucket(world.sourceBucket).file(TITLE).save('newest', { resumable: false });
  const argv = ['--secret', world.secretName, '--folder-id', world.rootFolderId, '--source-bucket', world.sourceBucket];
  const io = recordingIO(argv, world.env);
  await checkCommand(io);
  const text = printed(io);
  assert.match(text, /freshness: the newest object/);
  assert.doesNotMatch(text, RAW);
  assert.ok(text.includes('\\u001b]0;pwned\\u0007title.txt'), text);
});
