/**
 * The pure parts of `verify` (src/cli/verify-report.ts, src/cli/canary.ts), by table: what a timed-out
 * canary's report says it saw and what it says to check next, for each thing the pipeline can have made of
 * the canary; when a canary counts as landed; its name; the quoting of logs queries and shell words.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canaryName, landed, type Canary, type CanarySighting } from '../../../src/cli/canary.js';
import { filterString, shellWord, timeoutReport } from '../../../src/cli/verify-report.js';

const NOW = Date.parse('2026-11-29T12:00:00Z');
const canary: Canary = {
  ref: { bucket: 'photos', name: '.gcs-drive-backup-canary/c.txt', generation: '17', size: '100' },
  md5Hex: 'aa'.repeat(16),
  runId: 'run-1',
};
const record = { generation: '17', status: 'uploading' as const, owner: 'evt-1/x', leaseUntil: NOW + 30_000, fileId: 'F1' };
const good = { size: 100, md5Hex: canary.md5Hex, generation: '17', trashed: false };

describe('timeoutReport', () => {
  type Row = [title: string, seen: CanarySighting, says: RegExp[], saysNot: RegExp[]];
  const rows: Row[] = [
    [
      'nothing claimed it: the trigger, IAM, the logs',
      {},
      [
        /FAILED: the canary did not reach Drive within 120\.0 s/,
        /object written: gs:\/\/photos\/\.gcs-drive-backup-canary\/c\.txt#17 \(100 bytes, MD5 a{32}\)/,
        /state record: {3}none: no invocation of the function claimed the canary/,
        /1\. The trigger: .*gs:\/\/photos/,
        /gcloud eventarc triggers list --location=REGION --project=my-proj/,
        /2\. IAM: .*roles\/pubsub\.publisher/,
        /gcloud logging read 'jsonPayload\.name="\.gcs-drive-backup-canary\/c\.txt" OR jsonPayload\.event="configInvalid"' --freshness=1h --limit=50 --project=my-proj/,
      ],
      [/check$/m, /longer --timeout/],
    ],
    [
      'claimed, still leased, no Drive file: the logs, check, a longer timeout',
      { record, drive: 'missing' },
      [
        /state record: {3}claimed by evt-1\/x \(uploading, lease until 2026-11-29T12:00:30\.000Z\)/,
        /Drive file: {5}missing \(F1\)/,
        /npx --no gcs-drive-backup check/,
        /3\. It may still be uploading/,
      ],
      [/The trigger/],
    ],
    [
      'claimed, lease ended, wrong size and MD5',
      { record: { ...record, leaseUntil: NOW - 1 }, drive: { ...good, size: 7, md5Hex: 'bb'.repeat(16) } },
      [
        /lease ended/,
        /Drive file: {5}F1: 7 bytes, expected 100 bytes; MD5 b{32}, expected a{32}/,
        /jsonPayload\.name="\.gcs-drive-backup-canary\/c\.txt"' --freshness/,
      ],
      [/still be uploading/],
    ],
    ['in the trash', { record, drive: { ...good, trashed: true } }, [/F1: in the Drive trash/], []],
    ['another generation', { record, drive: { ...good, generation: '16' } }, [/holds generation 16, expected 17/], []],
  ];
  for (const [title, seen, says, saysNot] of rows) {
    test(title, () => {
      const text = timeoutReport({ canary, seen, waitedMs: 120_000, now: NOW, project: 'my-proj' });
      for (const pattern of says) assert.match(text, pattern);
      for (const pattern of saysNot) assert.doesNotMatch(text, pattern);
    });
  }

  test('without a project the commands carry no --project', () => {
    assert.doesNotMatch(timeoutReport({ canary, seen: {}, waitedMs: 1, now: NOW }), /--project/);
  });
});

describe('landed', () => {
  const rows: [title: string, seen: CanarySighting, expected: boolean][] = [
    ['nothing yet', {}, false],
    ['claimed, no file', { record, drive: 'missing' }, false],
    ['the file, byte for byte', { record, drive: good }, true],
    ['another MD5', { record, drive: { ...good, md5Hex: 'bb'.repeat(16) } }, false],
    ['another generation', { record, drive: { ...good, generation: '16' } }, false],
    ['trashed', { record, drive: { ...good, trashed: true } }, false],
  ];
  for (const [title, seen, expected] of rows) test(title, () => assert.equal(landed(canary, seen), expected));
});

test('canaryName: under the prefix, sortable by time, unique by run', () => {
  assert.equal(canaryName('.c/', '0123456789abcdef', new Date('2026-11-29T18:58:12.345Z')), '.c/2026-11-29T18-58-12-345Z-01234567.txt');
});

test('filterString and shellWord quote what they must', () => {
  assert.equal(filterString('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(shellWord(`it's`), `'it'\\''s'`);
});
