/**
 * Drive's 100 folder levels end to end (the emulator at Google's value): a 120-level object path keeps the
 * folder levels that fit below the backup root and folds the rest into the file name, `/` included, with
 * the full object name in the file's appProperties. Below a root nested deeper than the top of My Drive,
 * the instance learns the levels left from Drive's refusal and plans again. Nothing for the operator.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { objectNameOf } from '../../../src/drive/object-path.js';
import { drivePath } from '../../support/world.js';
import { LimitsHarness } from './support.js';

let h: LimitsHarness;

before(async () => {
  h = await LimitsHarness.start();
});
after(() => h?.stop());

const levels = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

test('a 120-level path: 99 folders below a root at the top of My Drive, the other levels in the file name', async () => {
  const url = await h.instance();
  const segments = [...levels(119, 'd'), 'file.txt'];
  const name = segments.join('/');
  const object = await h.write(name, 'deep content');
  assert.deepEqual(await h.deliver(url, object), [204]);

  h.assertEachOnce([{ name, content: 'deep content' }]);
  const [file] = h.backupsOf(name);
  const path = drivePath(h.world, file.id);
  assert.deepEqual(path.slice(0, -1), segments.slice(0, 99), '99 folder levels (the root is level 1, Drive allows 100)');
  assert.equal(path.at(-1), segments.slice(99).join('/'), 'the deeper levels fold into the file name');
  assert.equal(objectNameOf(file.appProperties), name, 'the full object name is in appProperties');
  assert.equal(file.appProperties['gdb.object'], undefined, 'too long for one entry: in parts');
  assert.deepEqual(h.operatorLines(), []);
});

test('below a root nested 10 levels deep, the instance learns that 90 levels are left and folds the rest', async () => {
  const { drive } = h.world;
  let parent = 'root';
  for (const level of levels(10, 'nest')) {
    const res = await drive.files.create({
      requestBody: { name: level, mimeType: 'application/vnd.google-apps.folder', parents: [parent] },
    });
    parent = res.data.id!;
  }
  const url = await h.instance({ DRIVE_FOLDER_ID: parent });
  const segments = [...levels(119, 'e'), 'file.txt'];
  const name = segments.join('/');
  const object = await h.write(name, 'nested root');
  assert.deepEqual(await h.deliver(url, object), [204], 'backed up at the first delivery');

  const [file] = h.backupsOf(name);
  const byId = new Map(h.world.emulators.drive.listAll().map((f) => [f.id, f]));
  const chain: string[] = [];
  for (let at = byId.get(file.parents[0]); at && at.id !== parent; at = byId.get(at.parents[0])) chain.unshift(at.name);
  assert.deepEqual(chain, segments.slice(0, 90));
  assert.equal(file.name, segments.slice(90).join('/'));

  // The next deep object on the same instance goes straight to the learned plan.
  const other = [...levels(95, 'e'), 'other.txt'].join('/');
  assert.deepEqual(await h.deliver(url, await h.write(other, 'other')), [204]);
  assert.equal(h.backupsOf(other)[0].name, `e91/e92/e93/e94/e95/other.txt`);
  h.assertEachOnce([
    { name, content: 'nested root' },
    { name: other, content: 'other' },
  ]);
  assert.deepEqual(h.operatorLines(), []);
});
