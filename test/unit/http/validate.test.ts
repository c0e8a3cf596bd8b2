/**
 * Table-driven tests of request validation: each row is a body and either the parsed request or the
 * problems expected (all of them, in order).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseBackupBody, parseReconcileBody, type ValidationContext } from '../../../src/http/validate.js';

const ctx: ValidationContext = { sourceBucket: 'b-1', stateBucket: 'state-bucket', defaultMaxSeconds: 300, maxSecondsLimit: 510 };

describe('parseBackupBody', () => {
  type Row = [title: string, body: unknown, expected: { value: unknown } | { problems: RegExp[] }];
  const rows: Row[] = [
    ['bucket and name', { bucket: 'b-1', name: 'a/b.txt' }, { value: { bucket: 'b-1', name: 'a/b.txt' } }],
    [
      'generation as a string',
      { bucket: 'b-1', name: 'x', generation: '1700000000000001' },
      { value: { bucket: 'b-1', name: 'x', generation: '1700000000000001' } },
    ],
    ['generation as a number', { bucket: 'b-1', name: 'x', generation: 42 }, { value: { bucket: 'b-1', name: 'x', generation: '42' } }],
    ['null generation = live', { bucket: 'b-1', name: 'x', generation: null }, { value: { bucket: 'b-1', name: 'x' } }],
    ['not an object', [1, 2], { problems: [/^body must be a JSON object, got an array$/] }],
    ['a string body', 'hello', { problems: [/^body must be a JSON object, got the string "hello"$/] }],
    ['empty object: every problem', {}, { problems: [/^bucket is required$/, /^name is required$/] }],
    [
      'wrong types',
      { bucket: 7, name: false },
      { problems: [/^bucket must be a string, got the number 7$/, /^name must be a string, got the boolean false$/] },
    ],
    ['gs:// bucket', { bucket: 'gs://b', name: 'x' }, { problems: [/^bucket must be a bucket name/] }],
    ['state bucket', { bucket: 'state-bucket', name: 'x' }, { problems: [/state bucket/] }],
    [
      'another bucket',
      { bucket: 'other-bucket', name: 'x' },
      { problems: [/^bucket "other-bucket" is not backed up by this deployment, which backs up SOURCE_BUCKET \("b-1"\) only$/] },
    ],
    ['.. segment', { bucket: 'b-1', name: 'a/../etc/passwd' }, { problems: [/"\." or "\.\." path segments/] }],
    ['. segment', { bucket: 'b-1', name: './a' }, { problems: [/"\." or "\.\." path segments/] }],
    ['NUL', { bucket: 'b-1', name: 'a\u0000b' }, { problems: [/control characters/] }],
    ['newline', { bucket: 'b-1', name: 'a\nb' }, { problems: [/control characters/] }],
    ['empty name', { bucket: 'b-1', name: '' }, { problems: [/^name must not be empty$/] }],
    ['too long', { bucket: 'b-1', name: 'é'.repeat(513) }, { problems: [/longer than 1024 UTF-8 bytes/] }],
    ['bad generation', { bucket: 'b-1', name: 'x', generation: '12a' }, { problems: [/^generation must be a positive integer/] }],
    ['zero generation', { bucket: 'b-1', name: 'x', generation: 0 }, { problems: [/^generation must be a positive integer/] }],
    ['unknown field', { bucket: 'b-1', name: 'x', gen: '1' }, { problems: [/^unknown field "gen"/] }],
    [
      "reconcile's task: restoreMissing",
      { bucket: 'b-1', name: 'x', generation: '5', restoreMissing: true },
      { value: { bucket: 'b-1', name: 'x', generation: '5', restoreMissing: true } },
    ],
    ['restoreMissing false is left out', { bucket: 'b-1', name: 'x', restoreMissing: false }, { value: { bucket: 'b-1', name: 'x' } }],
    [
      'restoreMissing not a boolean',
      { bucket: 'b-1', name: 'x', restoreMissing: 1 },
      { problems: [/^restoreMissing must be true or false/] },
    ],
    [
      'several at once',
      { bucket: 'B', name: '..', extra: 1 },
      { problems: [/unknown field "extra"/, /bucket must be a bucket name/, /path segments/] },
    ],
  ];
  for (const [title, body, expected] of rows) {
    test(title, () => {
      const parsed = parseBackupBody(body, ctx);
      if ('value' in expected) return assert.deepEqual(parsed, { ok: true, value: expected.value });
      assert.equal(parsed.ok, false);
      const problems = (parsed as { problems: string[] }).problems;
      assert.equal(problems.length, expected.problems.length, problems.join(' | '));
      expected.problems.forEach((pattern, i) => assert.match(problems[i], pattern));
    });
  }
});

describe('parseReconcileBody', () => {
  type Row = [title: string, body: unknown, expected: { value: unknown } | { problems: RegExp[] }, context?: Partial<ValidationContext>];
  const rows: Row[] = [
    ['{} takes the defaults', {}, { value: { bucket: 'b-1', prefix: '', dryRun: false, maxSeconds: 300, queueOnly: false } }],
    [
      'everything given',
      { bucket: 'b-1', prefix: 'logs/', dryRun: true, maxSeconds: 2.5, queueOnly: false },
      { value: { bucket: 'b-1', prefix: 'logs/', dryRun: true, maxSeconds: 2.5, queueOnly: false } },
    ],
    [
      'the queue tick alone needs no bucket',
      { queueOnly: true },
      { value: { bucket: '', prefix: '', dryRun: false, maxSeconds: 300, queueOnly: true } },
      { sourceBucket: undefined },
    ],
    ['queueOnly as a string', { queueOnly: 'yes' }, { problems: [/^queueOnly must be true or false, got the string "yes"$/] }],
    [
      'no SOURCE_BUCKET and no bucket',
      {},
      { problems: [/^bucket is required \(SOURCE_BUCKET is not configured\)$/] },
      { sourceBucket: undefined },
    ],
    ['dryRun as a string', { dryRun: 'yes' }, { problems: [/^dryRun must be true or false, got the string "yes"$/] }],
    [
      'maxSeconds too large',
      { maxSeconds: 511 },
      { problems: [/^maxSeconds must be a number above 0 and at most 510, got the number 511$/] },
    ],
    ['maxSeconds zero', { maxSeconds: 0 }, { problems: [/^maxSeconds must be a number above 0/] }],
    ['maxSeconds as a string', { maxSeconds: '10' }, { problems: [/^maxSeconds must be a number/] }],
    ['prefix with ..', { prefix: '../x' }, { problems: [/^prefix must not contain "\." or "\.\."/] }],
    ['prefix not a string', { prefix: 3 }, { problems: [/^prefix must be a string/] }],
    ['state bucket', { bucket: 'state-bucket' }, { problems: [/state bucket/] }],
    ['another bucket', { bucket: 'other' }, { problems: [/^bucket "other" is not backed up by this deployment/] }],
    [
      'no SOURCE_BUCKET: a named bucket is refused',
      { bucket: 'b-1' },
      { problems: [/^bucket "b-1" is not backed up by this deployment: SOURCE_BUCKET is not set$/] },
      { sourceBucket: undefined },
    ],
    [
      'all problems',
      { bucket: 'A', dryRun: 1, maxSeconds: -1, dry_run: true },
      { problems: [/unknown field "dry_run"/, /^bucket must be/, /^dryRun/, /^maxSeconds/] },
    ],
  ];
  for (const [title, body, expected, context] of rows) {
    test(title, () => {
      const parsed = parseReconcileBody(body, { ...ctx, ...context });
      if ('value' in expected) return assert.deepEqual(parsed, { ok: true, value: expected.value });
      assert.equal(parsed.ok, false);
      const problems = (parsed as { problems: string[] }).problems;
      assert.equal(problems.length, expected.problems.length, problems.join(' | '));
      expected.problems.forEach((pattern, i) => assert.match(problems[i], pattern));
    });
  }
});
