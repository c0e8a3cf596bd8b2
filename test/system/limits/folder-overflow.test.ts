/**
 * Drive's items-per-folder limit end to end (the emulator's cap set to 50 instead of Google's 500,000):
 * the 51st child of a folder goes to `NAME (overflow 2)` beside it, decided once in the folder's state
 * record so a fresh instance goes straight there; the backup root's own overflow goes beside the root;
 * reconcile and the CLI find the files there. A shared drive at its item cap is the one place Drive gives
 * no way on: one operator line naming the limit, the event retried, nothing lost once the operator acts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { backupCommand } from '../../../src/cli/backup-command.js';
import { reconcileCommand } from '../../../src/cli/reconcile-command.js';
import { recordingIO } from '../cli/support.js';
import { deliverStorageEvent } from '../../../harness/deliver.js';
import { LimitsHarness } from './support.js';

const CAP = 50;
let h: LimitsHarness;

before(async () => {
  h = await LimitsHarness.start({}, { limits: { drive: { folderChildren: CAP } } });
});
after(() => h?.stop());

const FOLDER = 'application/vnd.google-apps.folder';
const childrenOf = (id: string) => h.world.emulators.drive.listAll().filter((f) => f.parents[0] === id);
const folderNamed = (parent: string, name: string) => childrenOf(parent).filter((f) => f.name === name && f.mimeType === FOLDER);

test(`the ${CAP + 1}st child of a folder capped at ${CAP} goes to "full (overflow 2)" beside it, and every instance agrees`, async () => {
  const url = await h.instance();
  const objects = Array.from({ length: CAP + 1 }, (_, i) => ({
    name: `full/obj-${String(i).padStart(2, '0')}.txt`,
    content: `object ${i}`,
  }));
  const first = objects.slice(0, CAP);
  const written = await Promise.all(first.map((o) => h.write(o.name, o.content)));
  const statuses = await Promise.all(written.map((o) => h.deliver(url, o)));
  assert.ok(
    statuses.every((s) => s.at(-1) === 204),
    `all acknowledged: ${statuses.map((s) => s.join('/')).join(' ')}`,
  );

  const last = objects[CAP];
  assert.equal(await deliverStorageEvent(url, await h.write(last.name, last.content)), 204, 'the 51st is backed up at its first delivery');
  const [full] = folderNamed(h.world.rootFolderId, 'full');
  const [overflow] = folderNamed(h.world.rootFolderId, 'full (overflow 2)');
  assert.ok(full && overflow, 'the overflow folder sits beside the full one');
  assert.equal(childrenOf(full.id).length, CAP);
  assert.deepEqual(
    h.backupsOf(last.name).map((f) => f.parents[0]),
    [overflow.id],
  );
  assert.equal(h.lines('folderOverflowed').length, 1, 'one line says where new items go');
  assert.match(
    h.lines('folderOverflowed')[0].message,
    /"full" .* holds Drive's maximum of items: new items of its path go to "full \(overflow 2\)"/,
  );

  // A fresh instance (no cache) reads the decision from the folder's record: no second overflow folder.
  const fresh = await h.instance();
  const more = { name: 'full/obj-later.txt', content: 'later' };
  assert.equal(await deliverStorageEvent(fresh, await h.write(more.name, more.content)), 204);
  assert.deepEqual(
    h.backupsOf(more.name).map((f) => f.parents[0]),
    [overflow.id],
  );
  assert.equal(folderNamed(h.world.rootFolderId, 'full (overflow 3)').length, 0);
  assert.equal(h.lines('folderOverflowed').length, 1);

  h.assertEachOnce([...objects, more]);
  assert.deepEqual(h.operatorLines(), [], 'nothing for the operator to do');
});

test('the backup root itself overflows beside it, in its parent (the top of My Drive)', async () => {
  const url = await h.instance();
  const room = CAP - childrenOf(h.world.rootFolderId).length;
  const objects = Array.from({ length: room + 1 }, (_, i) => ({ name: `top-${i}.txt`, content: `top ${i}` }));
  for (const o of objects) assert.deepEqual(await h.deliver(url, await h.write(o.name, o.content)), [204], o.name);

  const myDrive = h.world.emulators.drive.rootFolderId('user@example.com');
  const [overflow] = folderNamed(myDrive, 'GCS backup (overflow 2)');
  assert.ok(overflow, 'the root continues in "GCS backup (overflow 2)" in My Drive');
  assert.deepEqual(
    h.backupsOf(objects.at(-1)!.name).map((f) => f.parents[0]),
    [overflow.id],
  );
  assert.equal(childrenOf(h.world.rootFolderId).length, CAP);
  h.assertEachOnce(objects);
  assert.deepEqual(h.operatorLines(), []);
});

test('reconcile and the CLI find the files in overflow folders: nothing uploaded again', async () => {
  const before = h.world.emulators.drive.listAll().length;
  const run = recordingIO(['gs://source-bucket'], h.world.env);
  assert.equal(await reconcileCommand(run), 0, run.err.join(''));
  assert.match(run.out.join(''), /gs:\/\/source-bucket\/: (\d+) scanned, 0 uploaded, 0 revised, \1 skipped, 0 failed/);

  const one = recordingIO(['gs://source-bucket/full/obj-50.txt'], h.world.env);
  assert.equal(await backupCommand(one), 0, one.err.join(''));
  const [file] = h.backupsOf('full/obj-50.txt');
  assert.match(
    one.out.join(''),
    new RegExp(`^skipped gs://source-bucket/full/obj-50\\.txt#\\d+ → Drive file ${file.id} \\(duplicate\\)\\n$`),
  );
  assert.equal(h.world.emulators.drive.listAll().length, before, 'no new Drive item');
});

test('a shared drive at its item cap: one operator line naming the limit, the event retried, nothing lost once fixed', async () => {
  const { emulators, drive } = h.world;
  const team = emulators.drive.createSharedDrive('Team backups', 'user@example.com');
  const junk = await drive.files.create({
    requestBody: { name: 'old junk', parents: [team] },
    supportsAllDrives: true,
    fields: 'id',
  });
  await drive.files.update({ fileId: junk.data.id!, requestBody: { trashed: true }, supportsAllDrives: true });
  emulators.hub.limits.set({ drive: { sharedDriveItems: 4 } });
  const url = await h.instance({ DRIVE_FOLDER_ID: team });
  const objects = [1, 2, 3].map((i) => ({ name: `team/t${i}.txt`, content: `team ${i}` }));
  const resources = [];
  for (const o of objects) resources.push(await h.write(o.name, o.content));
  const operatorBefore = h.operatorLines().length;

  // team/ (a folder), t1, t2 fill the drive with the trashed junk: t3 is refused.
  for (const r of resources.slice(0, 2)) assert.equal(await deliverStorageEvent(url, r), 204);
  assert.equal(await deliverStorageEvent(url, resources[2]), 500, 'retried, not acknowledged');
  const lines = h.operatorLines().slice(operatorBefore);
  assert.equal(lines.length, 1, 'one line for the operator');
  assert.equal(lines[0].event, 'operatorActionRequired');
  assert.equal(lines[0].problemCode, 'shared-drive-item-cap');
  assert.match(lines[0].message, /shared drive .* 500,000 items .*empty its trash/);

  // The operator empties the shared drive's trash; the retried event gets through.
  await drive.files.emptyTrash({ driveId: team });
  assert.equal((await h.deliver(url, resources[2])).at(-1), 204);
  const inTeam = objects.map((o) => h.backupsOf(o.name).filter((f) => f.driveId === team));
  assert.deepEqual(
    inTeam.map((files) => files.length),
    [1, 1, 1],
  );
  assert.equal(h.operatorLines().length, operatorBefore + 1);
});
