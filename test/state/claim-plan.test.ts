import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareGenerations,
  planClaim,
  type ClaimPlan,
  type DriveProbe,
  type ObjectRecord,
  type PlanInput,
} from '../../src/state/claim-plan.js';

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

describe('compareGenerations', () => {
  const rows: Array<[string, string, number]> = [
    ['1', '2', -1],
    ['2', '1', 1],
    ['1795685514838000', '1795685514838000', 0],
    ['9007199254740993', '9007199254740992', 1], // beyond 2^53: compared exactly
  ];
  for (const [a, b, expected] of rows) test(`${a} vs ${b}`, () => assert.equal(compareGenerations(a, b), expected));
});

describe('planClaim', () => {
  const rows: Array<{
    label: string;
    rec: ObjectRecord;
    gen: string;
    drive?: DriveProbe;
    mode?: PlanInput['mode'];
    expect: ClaimPlan['action'] | string;
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
