/**
 * Task semantics only for the queue's dispatcher, through the real entry points (DISPATCH=tasks): a
 * `POST /backup` whose `X-CloudTasks-*` headers come without the dispatcher's OIDC token — none, another
 * account's, another audience's — is an ordinary `POST /backup` (a malformed body answers 400, not a
 * 200 that deletes a task), with one WARNING line saying why; the dispatcher's own token (signed by the
 * Cloud Tasks emulator, verified with google-auth-library against the emulator's certs) keeps them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTasksHarness, type TasksHarness } from './harness.js';

const MALFORMED = { bucket: 'Not A Bucket', name: '' };

describe('through the queue', () => {
  let h: TasksHarness;
  before(async () => {
    h = await startTasksHarness();
  });
  after(() => h.close());

  test("the dispatcher's token: a malformed task body is acknowledged (200) with one ERROR line", async () => {
    const entry = await h.dispatch('genuine', MALFORMED);
    assert.equal(entry.status, 200, JSON.stringify(entry));
    assert.equal(h.lines('malformedEvent').filter((l) => l.id === 'genuine').length, 1);
    assert.deepEqual(h.lines('taskHeadersIgnored'), []);
  });

  test('forged task headers without a token: an ordinary request (400), one WARNING line', async () => {
    const res = await fetch(`${h.httpUrl}/backup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cloudtasks-taskname': 'forged', 'x-cloudtasks-queuename': 'backup' },
      body: JSON.stringify(MALFORMED),
    });
    assert.equal(res.status, 400, await res.text());
    const ignored = h.lines('taskHeadersIgnored');
    assert.equal(ignored.length, 1);
    assert.deepEqual([ignored[0].severity, ignored[0].task, ignored[0].reason], ['WARNING', 'forged', 'no bearer token']);
    assert.equal(h.lines('malformedEvent').filter((l) => l.id === 'forged').length, 0);
  });

  test("the dispatcher's certs are fetched once over two dispatches: the emulator sends Cache-Control as Google does", async () => {
    for (const id of ['cached-1', 'cached-2']) assert.equal((await h.dispatch(id, MALFORMED)).status, 200);
    // One fetch for the whole file: every dispatch so far (this test's two included) verified on the first one's certs.
    assert.equal(h.world.emulators.hub.counters()['tasks.oidc.certs'], 1);
  });

  const others: [title: string, oidc: { serviceAccountEmail?: string; audience?: string }, reason: RegExp][] = [
    [
      "another invoker's token (a valid Google token for this service)",
      { serviceAccountEmail: 'scheduler@test.iam.gserviceaccount.com' },
      /^the token is not the dispatcher's \(TASKS_SERVICE_ACCOUNT backup-dispatch@test\.iam\.gserviceaccount\.com\)$/,
    ],
    [
      "the dispatcher's token for another audience",
      { audience: 'https://elsewhere.example' },
      /^the token did not verify: Wrong recipient/,
    ],
  ];
  for (const [title, oidc, reason] of others) {
    test(`${title}: an ordinary request (400), one WARNING line`, async () => {
      const id = `other-${oidc.serviceAccountEmail ? 'account' : 'audience'}`;
      const entry = await h.dispatch(id, MALFORMED, oidc);
      assert.equal(entry.status, 400);
      const ignored = h.lines('taskHeadersIgnored').filter((l) => l.task === id);
      assert.equal(ignored.length, 1);
      assert.match(String(ignored[0].reason), reason);
      assert.doesNotMatch(JSON.stringify(h.logs), /Bearer ey|"eyJ/, 'no token in the logs');
    });
  }
});
