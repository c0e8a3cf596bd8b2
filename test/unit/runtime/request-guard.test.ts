/** The request guard's decision, from a request's method and headers alone (table). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeRequest, MAX_BODY_BYTES } from '../../../src/runtime/request-guard.js';

const CE = { 'ce-id': 'e1', 'ce-specversion': '1.0', 'ce-type': 't', 'ce-source': 's' };
const rows: [title: string, method: string, headers: Record<string, string>, kind: string, status?: number][] = [
  ['a small JSON body', 'POST', { 'content-length': '40', 'content-type': 'application/json' }, 'forward'],
  ['exactly the limit', 'POST', { 'content-length': String(MAX_BODY_BYTES) }, 'forward'],
  ['one byte over the limit', 'POST', { 'content-length': String(MAX_BODY_BYTES + 1) }, 'refuse', 413],
  ['32 MiB declared', 'POST', { 'content-length': String(32 * 1024 * 1024) }, 'refuse', 413],
  ['chunked', 'POST', { 'transfer-encoding': 'chunked' }, 'buffer'],
  ['gzip', 'POST', { 'content-length': '40', 'content-encoding': 'gzip' }, 'refuse', 415],
  ['identity encoding', 'POST', { 'content-length': '40', 'content-encoding': 'identity' }, 'forward'],
  ['a GET', 'GET', {}, 'empty'],
  ['an empty POST', 'POST', {}, 'empty'],
  ['an empty POST, Content-Length 0', 'POST', { 'content-length': '0' }, 'empty'],
  ['a binary-mode CloudEvent without a body', 'POST', CE, 'refuse', 400],
  [
    'a structured-mode CloudEvent without a body',
    'POST',
    { 'content-type': 'application/cloudevents+json', 'content-length': '0' },
    'refuse',
    400,
  ],
  ['a binary-mode CloudEvent with a body', 'POST', { ...CE, 'content-length': '100' }, 'forward'],
];
for (const [title, method, headers, kind, status] of rows) {
  test(title, () => {
    const verdict = judgeRequest(method, headers);
    assert.equal(verdict.kind, kind);
    if (status !== undefined) assert.equal(verdict.kind === 'refuse' ? verdict.status : undefined, status);
  });
}
