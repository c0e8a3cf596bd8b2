/**
 * Limits through the control API (`/_emulator/limits` on every port, `/_emulator/clock`), Google's values
 * as the defaults, and Drive's `incompleteSearch` answer to `corpora=allDrives` listings (through
 * `@googleapis/drive`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, startEmulators, type Emulators } from '../../index.js';
import { driveClient, type DriveClient } from '../drive/helpers.js';
import { control } from '../../../emulators/control.js';

const GOOGLE = {
  drive: {
    folderChildren: 500_000,
    sharedDriveItems: 500_000,
    folderDepth: 100,
    keepForeverRevisions: 200,
    createRate: { perSecond: 2, burst: 10 },
    createRateReason: 'rateLimitExceeded',
    dailyUpload: { bytes: 750 * 1024 ** 3, resetAfterMs: 86_400_000 },
    incompleteSearch: 'allDrives',
    revisionPurgeAfterMs: 30 * 86_400_000,
    purgeableRevisions: 100,
    fileDownloads: null,
  },
  gcs: { objectMutationRate: { perSecond: 1, burst: 1 } },
};

let emu: Emulators;
let clocked: Emulators;

before(async () => {
  emu = await startEmulators();
  clocked = await startEmulators({ clock: new ManualClock(1_000), limits: { drive: { folderDepth: 10 } } });
});
after(async () => {
  await emu.stop();
  await clocked.stop();
});

describe('/_emulator/limits', () => {
  test("the defaults are Google's values", async () => {
    assert.deepEqual((await control(emu.env.OAUTH_EMULATOR_HOST, 'GET', 'limits')).json, { limits: GOOGLE });
    assert.deepEqual(emu.hub.limits.get(), GOOGLE);
  });

  test('POST changes the fields given (null turns one off) and answers every limit; DELETE goes back to the start values', async () => {
    const set = await control(emu.env.DRIVE_EMULATOR_HOST, 'POST', 'limits', {
      drive: { folderChildren: 50, createRate: null },
      gcs: { objectMutationRate: { perSecond: 2, burst: 4 } },
    });
    assert.equal(set.status, 200);
    assert.deepEqual(set.json, {
      limits: { drive: { ...GOOGLE.drive, folderChildren: 50, createRate: null }, gcs: { objectMutationRate: { perSecond: 2, burst: 4 } } },
    });
    assert.deepEqual((await control(emu.env.STORAGE_EMULATOR_HOST, 'DELETE', 'limits')).json, { limits: GOOGLE });
  });

  const refusals: Array<[string, unknown, RegExp]> = [
    ['an unknown section', { dirve: {} }, /unknown limits section "dirve"/],
    ['an unknown field', { drive: { folderChildern: 5 } }, /limits\.drive: unknown field\(s\) folderChildern/],
    ['a negative count', { drive: { folderDepth: -1 } }, /limits\.drive: folderDepth must be null or an integer >= 1/],
    ['a rate without perSecond', { gcs: { objectMutationRate: { burst: 2 } } }, /objectMutationRate must be null or \{"perSecond"/],
    ['an unknown reason', { drive: { createRateReason: 'slowDown' } }, /createRateReason must be/],
    ['a window of 0 ms', { drive: { dailyUpload: { bytes: 5, resetAfterMs: 0 } } }, /resetAfterMs must be a number > 0/],
    ['an unknown search mode', { drive: { incompleteSearch: 'always' } }, /incompleteSearch must be "never" or "allDrives"/],
  ];
  for (const [name, body, message] of refusals) {
    test(`400 on ${name}, and nothing changes`, async () => {
      const res = await control(emu.env.STORAGE_EMULATOR_HOST, 'POST', 'limits', body);
      assert.equal(res.status, 400);
      assert.match(String(res.json.error), message);
      assert.deepEqual(emu.hub.limits.get(), GOOGLE);
    });
  }

  test('start values come from startEmulators({ limits }) and survive a reset', async () => {
    clocked.hub.limits.set({ drive: { folderDepth: 3 } });
    await control(clocked.env.STORAGE_EMULATOR_HOST, 'POST', 'reset');
    assert.equal(clocked.hub.limits.get().drive?.folderDepth, 10);
  });
});

describe('/_emulator/clock', () => {
  test('moves a ManualClock, never back; refused with the system clock', async () => {
    assert.deepEqual((await control(clocked.env.DRIVE_EMULATOR_HOST, 'POST', 'clock', { advanceMs: 500 })).json, { nowMs: 1_500 });
    assert.deepEqual((await control(clocked.env.DRIVE_EMULATOR_HOST, 'POST', 'clock', { nowMs: 4_200 })).json, { nowMs: 4_200 });
    const back = await control(clocked.env.DRIVE_EMULATOR_HOST, 'POST', 'clock', { nowMs: 42 });
    assert.equal(back.status, 400);
    assert.match(String(back.json.error), /does not go back/);
    const refused = await control(emu.env.DRIVE_EMULATOR_HOST, 'POST', 'clock', { advanceMs: 500 });
    assert.equal(refused.status, 400);
    assert.match(String(refused.json.error), /system clock/);
  });
});

describe('incompleteSearch', () => {
  let c: DriveClient;
  let sharedFile: string;
  let myFile: string;
  let driveId: string;

  before(async () => {
    c = driveClient(emu);
    driveId = emu.drive.createSharedDrive('Team', 'user@example.com');
    sharedFile = (
      await c.drive.files.create({ requestBody: { name: 'in-team', parents: [driveId] }, supportsAllDrives: true, fields: 'id' })
    ).data.id!;
    myFile = (await c.drive.files.create({ requestBody: { name: 'mine' }, fields: 'id' })).data.id!;
  });

  const list = (corpora: string, extra: Record<string, unknown> = {}) =>
    c.drive.files.list({
      corpora,
      includeItemsFromAllDrives: true,
      supportsAllDrives: true,
      fields: 'incompleteSearch,files(id)',
      ...extra,
    });

  test('by default a corpora=allDrives listing says incompleteSearch: true and leaves the shared drives out', async () => {
    const all = await list('allDrives');
    assert.equal(all.data.incompleteSearch, true);
    assert.deepEqual(
      all.data.files?.map((f) => f.id),
      [myFile],
    );
  });

  test('corpora=user and corpora=drive are complete', async () => {
    const user = await list('user');
    assert.deepEqual([user.data.incompleteSearch, user.data.files?.map((f) => f.id)], [false, [myFile]]);
    const drive = await list('drive', { driveId });
    assert.deepEqual([drive.data.incompleteSearch, drive.data.files?.map((f) => f.id)], [false, [sharedFile]]);
  });

  test("with incompleteSearch: 'never', allDrives is complete", async () => {
    emu.hub.limits.set({ drive: { incompleteSearch: 'never' } });
    try {
      const all = await list('allDrives', { orderBy: 'name' });
      assert.deepEqual([all.data.incompleteSearch, all.data.files?.map((f) => f.id)], [false, [sharedFile, myFile]]);
    } finally {
      emu.hub.limits.reset();
    }
  });
});
