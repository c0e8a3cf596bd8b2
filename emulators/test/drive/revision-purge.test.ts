/**
 * Drive's revision purging on the hub clock (Manage file revisions: a revision not kept forever is kept 30
 * days after newer content arrives, and at most 100 of them per file; the head and revisions kept forever
 * are never purged): the pure rule as a table, then through `@googleapis/drive` with a ManualClock.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { keptRevisions, type PurgeableRevision } from '../../drive/revision-purge.js';
import { ManualClock, type Emulators } from '../../index.js';
import { md5Hex, rejection, startWithDrive, type DriveClient } from './helpers.js';

const DAY_MS = 24 * 3600 * 1000;
const GOOGLE = { revisionPurgeAfterMs: 30 * DAY_MS, purgeableRevisions: 100 };

describe('keptRevisions (table)', () => {
  const rev = (addedAtMs: number | undefined, keepForever = false): PurgeableRevision => ({ addedAtMs, keepForever });
  const cases: Array<[string, PurgeableRevision[], number, typeof GOOGLE, number[]]> = [
    ['one revision stays forever', [rev(0)], 100 * DAY_MS, GOOGLE, [0]],
    ['newer revision 30 days minus 1 ms ago: kept', [rev(0), rev(DAY_MS)], 31 * DAY_MS - 1, GOOGLE, [0, 1]],
    ['newer revision 30 days ago: purged', [rev(0), rev(DAY_MS)], 31 * DAY_MS, GOOGLE, [1]],
    ['the age counts from the next revision, not from its own', [rev(0), rev(20 * DAY_MS), rev(40 * DAY_MS)], 55 * DAY_MS, GOOGLE, [1, 2]],
    ['kept forever: never purged', [rev(0, true), rev(DAY_MS)], 400 * DAY_MS, GOOGLE, [0, 1]],
    ['no stored time (older snapshot): not aged', [rev(undefined), rev(undefined)], 400 * DAY_MS, GOOGLE, [0, 1]],
    ['age rule off', [rev(0), rev(DAY_MS)], 400 * DAY_MS, { ...GOOGLE, revisionPurgeAfterMs: null as unknown as number }, [0, 1]],
    ['cap 2 of 4 (head counted): the two oldest go', [rev(0), rev(1), rev(2), rev(3)], 10, { ...GOOGLE, purgeableRevisions: 2 }, [2, 3]],
    [
      'cap 2: revisions kept forever do not count and stay',
      [rev(0, true), rev(1), rev(2, true), rev(3), rev(4)],
      10,
      { ...GOOGLE, purgeableRevisions: 2 },
      [0, 2, 3, 4],
    ],
    ['cap 1: only the head is left of the purgeable ones', [rev(0), rev(1), rev(2)], 10, { ...GOOGLE, purgeableRevisions: 1 }, [2]],
  ];
  for (const [name, revisions, now, rules, kept] of cases) {
    test(name, () =>
      assert.deepEqual(
        keptRevisions(revisions, now, rules as never).map((r) => revisions.indexOf(r)),
        kept,
      ),
    );
  }
});

describe('through the client, on the hub clock', () => {
  let emu: Emulators;
  let c: DriveClient;
  const clock = new ManualClock();

  before(async () => ({ emu, c } = await startWithDrive({ clock })));
  after(() => emu.stop());

  const body = (text: string) => ({ mimeType: 'text/plain', body: Readable.from([Buffer.from(text)]) });
  async function create(text: string): Promise<string> {
    return (await c.drive.files.create({ requestBody: { name: 'purged.txt' }, media: body(text), fields: 'id' }, c.media)).data.id!;
  }
  async function revise(fileId: string, text: string, keepRevisionForever = false): Promise<void> {
    await c.drive.files.update({ fileId, media: body(text), keepRevisionForever }, c.media);
  }
  const listed = async (fileId: string) =>
    (await c.drive.revisions.list({ fileId, pageSize: 1000, fields: 'revisions(id,md5Checksum,keepForever)' })).data.revisions!;
  const md5s = async (fileId: string) => (await listed(fileId)).map((r) => r.md5Checksum);

  test('30 days after a newer revision arrives, an older one not kept forever is gone from list, get and alt=media', async () => {
    const id = await create('v1');
    await clock.advance(DAY_MS);
    await revise(id, 'v2', true);
    await clock.advance(DAY_MS);
    await revise(id, 'v3');
    const [v1, v2] = await listed(id);
    await clock.advance(29 * DAY_MS - 1);
    assert.deepEqual(
      await md5s(id),
      ['v1', 'v2', 'v3'].map((t) => md5Hex(Buffer.from(t))),
    );
    await clock.advance(1);
    assert.deepEqual(
      await md5s(id),
      ['v2', 'v3'].map((t) => md5Hex(Buffer.from(t))),
      'v1 purged; v2 is kept forever',
    );
    const get = await rejection(c.drive.revisions.get({ fileId: id, revisionId: v1!.id! }));
    assert.equal(get.status, 404);
    assert.equal((await rejection(c.drive.revisions.get({ fileId: id, revisionId: v1!.id!, alt: 'media' }))).status, 404);
    assert.equal((await c.drive.revisions.get({ fileId: id, revisionId: v2!.id!, fields: 'keepForever' })).data.keepForever, true);
    await clock.advance(365 * DAY_MS);
    assert.equal((await listed(id)).length, 2, 'the head and revisions kept forever are never purged');
  });

  test('a file keeps at most 100 revisions not kept forever: uploading the 101st drops the oldest', async () => {
    const id = await create('r0');
    await revise(id, 'pinned', true);
    for (let i = 1; i < 100; i++) await revise(id, `r${i}`);
    const before = await listed(id);
    assert.equal(before.length, 101, '100 purgeable + 1 kept forever');
    await revise(id, 'r100');
    const after = await listed(id);
    assert.equal(after.length, 101);
    assert.equal(after.filter((r) => !r.keepForever).length, 100);
    assert.deepEqual(
      after.slice(0, 2).map((r) => r.md5Checksum),
      [md5Hex(Buffer.from('pinned')), md5Hex(Buffer.from('r1'))],
      'r0 (the oldest purgeable) went; the pinned one stays',
    );
    assert.equal(after.at(-1)!.md5Checksum, md5Hex(Buffer.from('r100')));
  });

  test('limits drive.purgeableRevisions and revisionPurgeAfterMs change the rule (null: off)', async () => {
    emu.hub.limits.set({ drive: { purgeableRevisions: 2, revisionPurgeAfterMs: null } });
    try {
      const id = await create('a');
      await revise(id, 'b');
      await revise(id, 'c');
      assert.deepEqual(
        await md5s(id),
        ['b', 'c'].map((t) => md5Hex(Buffer.from(t))),
      );
      await clock.advance(1000 * DAY_MS);
      assert.equal((await listed(id)).length, 2);
    } finally {
      emu.hub.limits.reset();
    }
  });
});
