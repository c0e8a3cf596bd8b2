/**
 * The one restore request (src/restore/request.ts), by table: the bodies `POST /restore` accepts and the
 * problems it lists for the others, the round trip through the body `--remote` sends, the id (the same
 * for the same request), and where the deployed function may write.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRestoreSpec, remoteTargetRefusal, restoreBody, restoreIdOf, type RestoreSpec } from '../../../src/restore/request.js';

const SPEC: RestoreSpec = {
  to: { bucket: 'restored', prefix: 'x/' },
  prefix: 'docs/',
  include: ['**/*.pdf'],
  exclude: [],
  atMs: Date.parse('2026-12-01T10:00:00Z'),
  dryRun: false,
  overwrite: true,
  acknowledgeAbuse: false,
  customTime: true,
};

describe('parseRestoreSpec', () => {
  test('the body --remote sends parses back to the same request', () => {
    const parsed = parseRestoreSpec(restoreBody(SPEC) as unknown as Record<string, unknown>);
    assert.deepEqual(parsed, { ok: true, value: SPEC });
  });

  test('defaults: the newest state, no filters, never overwrite, customTime on', () => {
    assert.deepEqual(parseRestoreSpec({ to: 'gs://restored' }), {
      ok: true,
      value: {
        to: { bucket: 'restored', prefix: '' },
        prefix: '',
        include: [],
        exclude: [],
        dryRun: false,
        overwrite: false,
        acknowledgeAbuse: false,
        customTime: true,
      },
    });
  });

  const rows: [body: Record<string, unknown>, problems: string[]][] = [
    [{}, ['to is required: gs://BUCKET[/PREFIX], a bucket RESTORE_BUCKETS lists']],
    [{ to: 5 }, ['to must be a gs://BUCKET[/PREFIX] string, got the number 5']],
    [{ to: 'gs://restored', generation: 12 }, ['generation restores one object: name it whole in prefix']],
    [{ to: 'gs://restored', prefix: 'a', generation: '012' }, ['generation must be a generation number, got "012"']],
    [{ to: 'gs://restored', at: 'now' }, ['at must be an ISO 8601 time with its zone, like 2026-12-01T10:00:00Z, got "now"']],
    [
      { to: 'gs://restored', overwrite: 1, customTime: 'no' },
      ['overwrite must be true or false, got the number 1', 'customTime must be true or false, got the string "no"'],
    ],
    [{ to: 'gs://restored', exclude: [''] }, ['exclude must be a list of at most 32 non-empty glob strings, got an array']],
  ];
  for (const [body, problems] of rows) {
    test(`${JSON.stringify(body)} → every problem`, () => {
      assert.deepEqual(parseRestoreSpec(body), { ok: false, problems });
    });
  }

  test('a request too large for its record is refused', () => {
    const parsed = parseRestoreSpec({ to: 'gs://restored', include: Array.from({ length: 30 }, (_, i) => `${'x'.repeat(200)}${i}`) });
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : parsed.problems[0], /^the request is \d+ bytes of JSON; at most 3000 fit its record$/);
  });
});

test('the id: the same for the same request, another for any difference', () => {
  assert.match(restoreIdOf(SPEC), /^[0-9a-f]{32}$/);
  assert.equal(restoreIdOf({ ...SPEC, include: [...SPEC.include] }), restoreIdOf(SPEC));
  for (const other of [
    { ...SPEC, atMs: SPEC.atMs! + 1 },
    { ...SPEC, overwrite: false },
    { ...SPEC, to: { bucket: 'restored', prefix: 'y/' } },
  ])
    assert.notEqual(restoreIdOf(other), restoreIdOf(SPEC));
});

test('remoteTargetRefusal: only listed buckets, the state and source buckets named as such', () => {
  const rules = { restoreBuckets: ['restored', 'state'], stateBucket: 'state', sourceBucket: 'photos' };
  const rows: [bucket: string, refusal: string | undefined][] = [
    ['restored', undefined],
    ['state', undefined],
    [
      'photos',
      "gs://photos (the watched source bucket) is not a restore target of this deployment: RESTORE_BUCKETS lists only restored, state; add it to Terraform's restore_buckets and apply",
    ],
    [
      'other',
      "gs://other is not a restore target of this deployment: RESTORE_BUCKETS lists only restored, state; add it to Terraform's restore_buckets and apply",
    ],
  ];
  for (const [bucket, refusal] of rows) assert.equal(remoteTargetRefusal(bucket, rules), refusal, bucket);
  assert.match(
    remoteTargetRefusal('state', { ...rules, restoreBuckets: [] }) ?? '',
    /^gs:\/\/state \(the state bucket\) is not .*RESTORE_BUCKETS lists no bucket/,
  );
});
