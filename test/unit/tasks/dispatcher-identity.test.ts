/** The pure parts of the dispatcher's identity check: the claims of a verified token, the bearer token of a header. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bearerToken,
  dispatcherClaimsProblem,
  dispatcherIdentity,
  type DispatcherIdentity,
} from '../../../src/tasks/dispatcher-identity.js';

const DISPATCHER = 'backup-dispatch@test.iam.gserviceaccount.com';

describe('the claims of a verified token', () => {
  const expected: DispatcherIdentity = { audience: 'https://fn.example', email: DISPATCHER };
  const good = {
    iss: 'https://accounts.google.com',
    aud: 'https://fn.example',
    email: DISPATCHER,
    email_verified: true,
    sub: '1',
    iat: 1,
    exp: 2,
  };
  const rows: [title: string, claims: Record<string, unknown> | undefined, problem: RegExp | undefined][] = [
    ["the dispatcher's", good, undefined],
    ['no claims', undefined, /no claims/],
    ['issuer without https', { ...good, iss: 'accounts.google.com' }, /issuer/],
    ['another audience', { ...good, aud: 'https://fn.example/backup' }, /audience/],
    ['another account', { ...good, email: 'other@test.iam.gserviceaccount.com' }, /not the dispatcher's/],
    ['email not verified', { ...good, email_verified: false }, /not verified/],
  ];
  for (const [title, claims, problem] of rows) {
    test(title, () => {
      const found = dispatcherClaimsProblem(claims as Parameters<typeof dispatcherClaimsProblem>[0], expected);
      if (problem === undefined) assert.equal(found, undefined);
      else assert.match(String(found), problem);
    });
  }
  test('bearer tokens', () => {
    assert.equal(bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi');
    assert.equal(bearerToken('bearer  abc'), 'abc');
    assert.equal(bearerToken('Basic abc'), undefined);
    assert.equal(bearerToken(undefined), undefined);
    assert.equal(bearerToken('Bearer a b'), undefined);
  });
});

test('the expected identity: the origin of TASKS_TARGET_URL and TASKS_SERVICE_ACCOUNT', () => {
  const target = {
    queue: 'projects/p/locations/l/queues/q',
    targetUrl: 'https://fn-123.europe-west1.run.app/backup',
    serviceAccount: DISPATCHER,
  };
  assert.deepEqual(dispatcherIdentity(target), { audience: 'https://fn-123.europe-west1.run.app', email: DISPATCHER });
});
