/** harness/cloud-event.ts: header encoding per the CloudEvents HTTP binding, and Eventarc's headers. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { percentEncodeHeader, storageEventHeaders } from '../../../harness/cloud-event.js';

describe('percentEncodeHeader', () => {
  const cases: [string, string][] = [
    ['objects/a/b.txt', 'objects/a/b.txt'],
    ['objects/café', 'objects/caf%C3%A9'],
    ['100%', '100%25'],
    ['say "hi"', 'say %22hi%22'],
    ['tab\there', 'tab%09here'],
    ['✓', '%E2%9C%93'],
  ];
  for (const [input, expected] of cases) test(JSON.stringify(input), () => assert.equal(percentEncodeHeader(input), expected));
});

test('storageEventHeaders', () => {
  assert.deepEqual(storageEventHeaders({ kind: 'deleted', id: 'i', bucket: 'b', name: 'n é', time: new Date('2026-01-02T03:04:05Z') }), {
    'content-type': 'application/json',
    'ce-id': 'i',
    'ce-specversion': '1.0',
    'ce-type': 'google.cloud.storage.object.v1.deleted',
    'ce-source': '//storage.googleapis.com/projects/_/buckets/b',
    'ce-subject': 'objects/n %C3%A9',
    'ce-time': '2026-01-02T03:04:05.000Z',
  });
});
