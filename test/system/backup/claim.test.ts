/**
 * The claim, the IO half of the exactly-once state machine (its decisions are test/unit/backup/claim/plan.test.ts's):
 * a table of (record already in the state bucket, what Drive says of its file) → what `claimObject`
 * does — settle, take the record over, start a new file, or report the object busy — against the Cloud
 * Storage emulator through the real state store. Drive's answers are the claim's `probeDrive` input.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '@gcs-drive-backup/emulators';
import { freshRecord, type ObjectRecord } from '../../../src/backup/claim/plan.js';
import { claimObject, ObjectBusyError, releaseClaim, type ClaimResult } from '../../../src/backup/claim/claim.js';
import type { DriveProbe } from '../../../src/drive/files.js';
import { createStorage } from '../../../src/gcs/client.js';
import { createStorageGateway } from '../../../src/gcs/gateway.js';
import { StateStore } from '../../../src/state/store.js';

let emulators: Emulators;
let store: StateStore;

before(async () => {
  emulators = await startEmulators({ limits: RATE_LIMITS_OFF });
  const storage = createStorage({ emulators: { storage: emulators.env.STORAGE_EMULATOR_HOST } });
  await storage.createBucket('claims');
  store = new StateStore(createStorageGateway('state', storage), 'claims', '');
});
after(() => emulators.stop());

const LEASE_MS = 60_000;
const soon = () => Date.now() + LEASE_MS;
const long = () => Date.now() + 10 * LEASE_MS;

interface Row {
  label: string;
  /** The record already there, if any. */
  existing?: () => ObjectRecord;
  generation?: string;
  /** What Drive says of each file id. */
  drive?: Record<string, DriveProbe>;
  mode?: 'revision' | 'copy' | 'skip';
  restoreMissing?: boolean;
  expect: 'owned' | `settled:${'duplicate' | 'superseded' | 'exists'}` | 'busy';
  /**
   * The owned record's file: the old one (F), or a new id: N1 for a new object, N2 for a new file of an
   * existing record (the id of the create tried first is never reused: its create may have landed).
   */
  fileId?: string;
  fileCreated?: boolean;
  session?: string;
}

const rows: Row[] = [
  { label: 'a new object: its record is created with a new id', expect: 'owned', fileId: 'N1', fileCreated: false },
  {
    label: 'the same generation is done: a duplicate',
    existing: () => ({ ...freshRecord('100', 'F', 'other', 0), status: 'done' }),
    expect: 'settled:duplicate',
  },
  {
    label: 'a newer generation is recorded: superseded',
    existing: () => freshRecord('200', 'F', 'other', soon()),
    expect: 'settled:superseded',
  },
  {
    label: 'the same generation landed in Drive (reply lost): a duplicate',
    existing: () => freshRecord('100', 'F', 'other', long()),
    drive: { F: { generation: '100' } },
    expect: 'settled:duplicate',
  },
  {
    label: 'another instance holds a live lease: busy',
    existing: () => freshRecord('100', 'F', 'other', long()),
    drive: { F: 'absent' },
    expect: 'busy',
  },
  {
    label: 'an expired lease is taken over, keeping the file id and the session',
    existing: () => ({ ...freshRecord('100', 'F', 'other', Date.now() - 1), session: 'https://upload/s1' }),
    drive: { F: 'absent' },
    expect: 'owned',
    fileId: 'F',
    fileCreated: false,
    session: 'https://upload/s1',
  },
  {
    label: 'a new generation of a backed-up object revises the same file',
    existing: () => ({ ...freshRecord('90', 'F', 'other', 0), status: 'done', fileCreated: true }),
    drive: { F: { generation: '90' } },
    expect: 'owned',
    fileId: 'F',
    fileCreated: true,
  },
  {
    label: 'a new generation whose backup was trashed in Drive gets a new file',
    existing: () => ({ ...freshRecord('90', 'F', 'other', 0), status: 'done', fileCreated: true }),
    drive: { F: { generation: '90', trashed: true } },
    expect: 'owned',
    fileId: 'N2',
    fileCreated: false,
  },
  {
    label: 'ON_NEW_GENERATION=skip leaves an existing backup alone',
    existing: () => ({ ...freshRecord('90', 'F', 'other', 0), status: 'done', fileCreated: true }),
    drive: { F: { generation: '90' } },
    mode: 'skip',
    expect: 'settled:exists',
  },
  {
    label: 'reconcile knows Drive lacks it: a done record is restored with a new file',
    existing: () => ({ ...freshRecord('100', 'F', 'other', 0), status: 'done', fileCreated: true }),
    drive: { F: 'absent' },
    restoreMissing: true,
    expect: 'owned',
    fileId: 'N2',
    fileCreated: false,
  },
];

let n = 0;
describe('claimObject', () => {
  for (const row of rows) {
    test(row.label, async () => {
      const key = `objects/k${n++}`;
      if (row.existing) assert.ok(await store.create(key, row.existing()));
      let ids = 0;
      const probes: string[] = [];
      const claim = claimObject({
        store,
        key,
        generation: row.generation ?? '100',
        mode: row.mode ?? 'revision',
        me: 'me',
        leaseMs: LEASE_MS,
        newFileId: () => Promise.resolve(`N${++ids}`),
        probeDrive: (fileId) => {
          probes.push(fileId);
          return Promise.resolve(row.drive?.[fileId] ?? 'absent');
        },
        waitMs: 0,
        restoreMissing: row.restoreMissing,
      });
      if (row.expect === 'busy') return void (await assert.rejects(claim, ObjectBusyError));
      const result: ClaimResult = await claim;
      if (row.expect.startsWith('settled:')) {
        assert.deepEqual([result.kind, result.kind === 'settled' ? result.reason : ''], ['settled', row.expect.slice(8)]);
        return;
      }
      assert.equal(result.kind, 'owned');
      if (result.kind !== 'owned') return;
      const stored = await store.read<ObjectRecord>(key);
      assert.deepEqual(stored, JSON.parse(JSON.stringify(result.record)), 'what the claim returns is what the bucket holds');
      const { owner, generation, status, fileId, fileCreated, session, leaseUntil } = result.record.value;
      assert.deepEqual([owner, generation, status], ['me', row.generation ?? '100', 'uploading']);
      assert.deepEqual([fileId, fileCreated, session], [row.fileId, row.fileCreated, row.session]);
      assert.ok(leaseUntil > Date.now(), 'our lease runs');
    });
  }
});

test('a lease about to end is waited for, then taken over', async () => {
  const key = `objects/k${n++}`;
  await store.create(key, freshRecord('100', 'F', 'other', Date.now() + 150));
  const result = await claimObject({
    store,
    key,
    generation: '100',
    mode: 'revision',
    me: 'me',
    leaseMs: LEASE_MS,
    newFileId: () => Promise.resolve('N1'),
    probeDrive: () => Promise.resolve('absent'),
    waitMs: 60_000,
  });
  assert.equal(result.kind, 'owned');
});

test("releaseClaim gives up the lease of the owner's record only", async () => {
  const mine = `objects/k${n++}`;
  const theirs = `objects/k${n++}`;
  await store.create(mine, freshRecord('100', 'F', 'me', soon()));
  await store.create(theirs, freshRecord('100', 'F', 'other', soon()));
  await releaseClaim(store, mine, 'me', [{ kind: 'session-dropped' }]);
  await releaseClaim(store, theirs, 'me');
  assert.equal((await store.read<ObjectRecord>(mine))?.value.leaseUntil, 0);
  assert.notEqual((await store.read<ObjectRecord>(theirs))?.value.leaseUntil, 0);
});
