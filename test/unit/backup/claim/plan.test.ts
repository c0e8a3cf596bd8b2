import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  nextRecord,
  planClaim,
  type ClaimPlan,
  type ObjectRecord,
  type PlanInput,
  type RecordChange,
} from '../../../../src/backup/claim/plan.js';
import type { DriveProbe } from '../../../../src/drive/files.js';

const NOW = 1_000_000;
const LEASE = NOW + 60_000;

function record(over: Partial<ObjectRecord> = {}): ObjectRecord {
  return {
    v: 1,
    generation: '100',
    fileId: 'F',
    status: 'uploading',
    owner: 'other',
    leaseUntil: NOW + 5_000,
    fileCreated: false,
    ...over,
  };
}

function plan(rec: ObjectRecord, generation: string, drive?: DriveProbe, mode: PlanInput['mode'] = 'revision', me = 'me'): ClaimPlan {
  return planClaim({ record: rec, generation, mode, me, now: NOW, leaseUntil: LEASE, drive });
}

describe('planClaim', () => {
  const rows: Array<{
    label: string;
    rec: ObjectRecord;
    gen: string;
    drive?: DriveProbe;
    mode?: PlanInput['mode'];
    /** The plan's action, with its reason after a `:`. */
    expect: string;
  }> = [
    { label: 'a newer generation is recorded → superseded', rec: record({ generation: '200' }), gen: '100', expect: 'settled:superseded' },
    { label: 'same generation done → duplicate', rec: record({ status: 'done' }), gen: '100', expect: 'settled:duplicate' },
    { label: 'same generation uploading, Drive not asked yet → probe', rec: record(), gen: '100', expect: 'probe-drive' },
    {
      label: 'same generation landed in Drive → duplicate',
      rec: record(),
      gen: '100',
      drive: { generation: '100' },
      expect: 'settled:duplicate',
    },
    { label: 'same generation, live lease of another → busy', rec: record(), gen: '100', drive: 'absent', expect: 'busy' },
    {
      label: 'same generation, expired lease → take over',
      rec: record({ leaseUntil: NOW - 1 }),
      gen: '100',
      drive: 'absent',
      expect: 'take',
    },
    { label: 'same generation, our own lease → take', rec: record({ owner: 'me' }), gen: '100', drive: 'absent', expect: 'take' },
    {
      label: 'older generation: Drive not asked yet → probe (even when done)',
      rec: record({ status: 'done', fileCreated: true }),
      gen: '200',
      expect: 'probe-drive',
    },
    {
      label: 'older generation done, file there, revision mode → take (revise)',
      rec: record({ status: 'done', fileCreated: true }),
      gen: '200',
      drive: { generation: '100' },
      expect: 'take',
    },
    {
      label: 'older generation done, file there, skip mode → exists',
      rec: record({ status: 'done', fileCreated: true }),
      gen: '200',
      drive: { generation: '100' },
      mode: 'skip',
      expect: 'settled:exists',
    },
    {
      label: 'older generation done, file trashed, skip mode → take (new file)',
      rec: record({ status: 'done', fileCreated: true }),
      gen: '200',
      drive: { generation: '100', trashed: true },
      mode: 'skip',
      expect: 'take:new',
    },
    {
      label: 'older generation done, file deleted → take (new file)',
      rec: record({ status: 'done', fileCreated: true }),
      gen: '200',
      drive: 'absent',
      expect: 'take:new',
    },
    {
      label: 'same generation, landed copy with the wrong MD5 → not a duplicate',
      rec: record({ leaseUntil: NOW - 1 }),
      gen: '100',
      drive: { generation: '100', md5Hex: 'bad' },
      expect: 'take',
    },
    {
      label: 'same generation, created file deleted since → take (new file)',
      rec: record({ leaseUntil: NOW - 1, fileCreated: true }),
      gen: '100',
      drive: 'absent',
      expect: 'take:new',
    },
    { label: 'older generation still uploading by another → busy', rec: record(), gen: '200', drive: 'absent', expect: 'busy' },
    { label: 'older generation landed (not marked) → take', rec: record(), gen: '200', drive: { generation: '100' }, expect: 'take' },
    {
      label: 'older generation abandoned (lease over) → take',
      rec: record({ leaseUntil: NOW - 1 }),
      gen: '200',
      drive: 'absent',
      expect: 'take',
    },
  ];
  for (const row of rows) {
    test(row.label, () => {
      const p = planClaim({
        record: row.rec,
        generation: row.gen,
        expectedMd5Hex: 'good',
        mode: row.mode ?? 'revision',
        me: 'me',
        now: NOW,
        leaseUntil: LEASE,
        drive: row.drive,
      });
      const got = p.action === 'settled' ? `settled:${p.reason}` : p.action === 'take' && p.newFile ? 'take:new' : p.action;
      assert.equal(got, row.expect);
    });
  }

  test('taking over keeps the session and the file id, with our lease', () => {
    const p = plan(record({ leaseUntil: NOW - 1, session: 'https://upload/s1' }), '100', 'absent');
    assert.equal(p.action, 'take');
    if (p.action !== 'take') return;
    assert.equal(p.record.session, 'https://upload/s1');
    assert.equal(p.record.fileId, 'F');
    assert.equal(p.record.owner, 'me');
    assert.equal(p.record.leaseUntil, LEASE);
  });

  test('a new generation starts a fresh upload of the same file, as a revision once the file exists', () => {
    const p = plan(record({ status: 'done', fileCreated: true, session: 'https://upload/old' }), '200', { generation: '100' });
    assert.equal(p.action, 'take');
    if (p.action !== 'take') return;
    assert.equal(p.record.generation, '200');
    assert.equal(p.record.session, undefined);
    assert.equal(p.record.fileCreated, true);
    assert.equal(p.record.status, 'uploading');
  });

  test('a new generation after an abandoned first upload creates the file (not a revision)', () => {
    const p = plan(record({ leaseUntil: NOW - 1 }), '200', 'absent');
    assert.equal(p.action, 'take');
    if (p.action === 'take') assert.equal(p.record.fileCreated, false);
  });
});

describe("nextRecord: the owner's changes to its record", () => {
  const owned = record({ owner: 'me', session: 'https://upload/s1', fileCreated: false, leaseUntil: LEASE });
  const rows: [change: RecordChange, expected: Partial<ObjectRecord>][] = [
    [{ kind: 'file-found' }, { fileCreated: true, session: undefined }],
    [
      { kind: 'new-file', fileId: 'G' },
      { fileId: 'G', fileCreated: false, session: undefined },
    ],
    [{ kind: 'session-opened', session: 'https://upload/s2' }, { session: 'https://upload/s2' }],
    [{ kind: 'session-dropped' }, { session: undefined }],
    [{ kind: 'lease', until: LEASE + 30_000 }, { leaseUntil: LEASE + 30_000 }],
    [{ kind: 'lease', until: 0 }, { leaseUntil: 0 }],
    [
      { kind: 'done', fileId: 'F' },
      { fileId: 'F', status: 'done', session: undefined, fileCreated: true },
    ],
  ];
  for (const [change, expected] of rows) {
    test(JSON.stringify(change), () => {
      const next = nextRecord(owned, change);
      assert.deepEqual(next, { ...owned, ...expected });
      assert.equal(next.owner, 'me', 'the owner never changes by its own hand');
      assert.notEqual(next, owned, 'a new record, the old one untouched');
    });
  }
});
