/** Which buckets a deployment backs up: SOURCE_BUCKET alone, never the state bucket. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketScopeProblem, type BucketScope } from '../../../src/config/source-bucket.js';

const rows: [title: string, bucket: string, scope: BucketScope, problem: RegExp | undefined][] = [
  ['SOURCE_BUCKET', 'photos', { sourceBucket: 'photos', stateBucket: 'state' }, undefined],
  [
    'another bucket',
    'other',
    { sourceBucket: 'photos', stateBucket: 'state' },
    /^bucket "other" is not backed up by this deployment, which backs up SOURCE_BUCKET \("photos"\) only$/,
  ],
  ['the state bucket', 'state', { sourceBucket: 'photos', stateBucket: 'state' }, /^bucket "state" is the state bucket \(STATE_BUCKET\)/],
  ['no SOURCE_BUCKET', 'photos', { stateBucket: 'state' }, /SOURCE_BUCKET is not set$/],
  ['no SOURCE_BUCKET, the state bucket', 'state', { stateBucket: 'state' }, /is the state bucket/],
];
for (const [title, bucket, scope, problem] of rows) {
  test(title, () => {
    const found = bucketScopeProblem(bucket, scope);
    if (problem === undefined) assert.equal(found, undefined);
    else assert.match(String(found), problem);
  });
}
