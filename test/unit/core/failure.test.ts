/** The failure vocabulary's two helpers: which errors carry their own failure, and the service mark. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isClassified, markedService, markService, SERVICE_NAMES } from '../../../src/core/failure.js';

describe('isClassified', () => {
  const rows: [name: string, value: unknown, expected: boolean][] = [
    ['an Error with a failure', Object.assign(new Error('x'), { failure: { kind: 'busy', service: 'state', reason: 'x' } }), true],
    ['an Error whose failure names no service', Object.assign(new Error('x'), { failure: { kind: 'busy', reason: 'x' } }), false],
    ['a plain object with a failure', { failure: { kind: 'busy', service: 'state', reason: 'x' } }, false],
    ['an Error without', new Error('x'), false],
    ['null', null, false],
  ];
  for (const [name, value, expected] of rows) test(name, () => assert.equal(isClassified(value), expected));
});

describe('markService', () => {
  test('marks an error once: the innermost mark wins', () => {
    const err = new Error('x');
    markService(err, 'drive');
    markService(err, 'state');
    assert.equal(markedService(err), 'drive');
  });
  test('leaves primitives and frozen objects alone', () => {
    assert.doesNotThrow(() => markService('boom', 'drive'));
    const frozen = Object.freeze(new Error('x'));
    markService(frozen, 'drive');
    assert.equal(markedService(frozen), undefined);
  });
  test('the mark is not an enumerable field (it never reaches a log line)', () => {
    const err = new Error('x');
    markService(err, 'oauth');
    assert.deepEqual(Object.keys(err), []);
  });
});

test('every service has a name for messages', () => {
  assert.deepEqual(Object.keys(SERVICE_NAMES).sort(), ['cloud-tasks', 'drive', 'gcs-source', 'oauth', 'secret-manager', 'state']);
});
