import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultRegistry, ruleMatches, validateRule, type FaultRule, type RequestFacts } from '../../harness/faults.js';

const facts: RequestFacts = {
  service: 'drive',
  route: 'drive.upload.session',
  method: 'PUT',
  pathAndQuery: '/upload/drive/v3/files?uploadType=resumable&upload_id=x',
};
const status = { kind: 'status', status: 503 } as const;

describe('ruleMatches', () => {
  const rows: Array<[string, Partial<FaultRule>, boolean]> = [
    ['empty rule matches all', {}, true],
    ['service', { service: 'drive' }, true],
    ['other service', { service: 'gcs' }, false],
    ['exact route', { route: 'drive.upload.session' }, true],
    ['route prefix', { route: 'drive.upload.*' }, true],
    ['other route', { route: 'drive.files.list' }, false],
    ['method, any case', { method: 'put' }, true],
    ['other method', { method: 'POST' }, false],
    ['path regex on path+query', { path: 'uploadType=resumable' }, true],
    ['path regex miss', { path: '^/drive/v3' }, false],
  ];
  for (const [label, rule, expected] of rows) {
    test(label, () => assert.equal(ruleMatches({ ...rule, action: status }, facts), expected));
  }
});

describe('FaultRegistry', () => {
  test('fires from the Nth matching request, `times` times (0 = for ever)', () => {
    const registry = new FaultRegistry();
    registry.add({ route: 'drive.upload.session', nth: 2, times: 2, action: status });
    registry.add({ route: 'drive.upload.*', nth: 1, times: 0, action: { kind: 'latency', ms: 1 } });
    const fired = [1, 2, 3, 4, 5].map(() =>
      registry
        .take(facts)
        .map((a) => a.kind)
        .join('+'),
    );
    assert.deepEqual(fired, ['latency', 'status+latency', 'status+latency', 'latency', 'latency']);
  });

  test('non-matching requests do not count towards nth', () => {
    const registry = new FaultRegistry();
    registry.add({ route: 'drive.files.list', nth: 2, action: status });
    registry.take(facts);
    registry.take({ ...facts, route: 'drive.files.list' });
    assert.equal(registry.take({ ...facts, route: 'drive.files.list' }).length, 1);
  });

  test('remove and clear', () => {
    const registry = new FaultRegistry();
    const id = registry.add({ times: 0, action: status });
    assert.equal(registry.list().length, 1);
    assert.ok(registry.remove(id));
    assert.equal(registry.take(facts).length, 0);
    registry.add({ action: status });
    registry.clear();
    assert.deepEqual(registry.list(), []);
  });
});

describe('validateRule', () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ['no action', {}, /action/],
    ['status out of range', { action: { kind: 'status', status: 42 } }, /100\.\.599/],
    ['reset direction', { action: { kind: 'reset', direction: 'sideways', afterBytes: 1 } }, /direction/],
    ['negative bytes', { action: { kind: 'reset', direction: 'request', afterBytes: -1 } }, /afterBytes/],
    ['unknown kind', { action: { kind: 'explode' } }, /kind/],
    ['nth 0', { nth: 0, action: status }, /nth/],
    ['bad regex', { path: '(', action: status }, /Invalid regular expression|Unterminated/],
  ];
  for (const [label, rule, message] of bad) test(label, () => assert.throws(() => validateRule(rule), message));
});
