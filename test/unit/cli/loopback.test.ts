/** The loopback listener: what settles it, what it ignores, and that it answers the browser in HTML. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsentError, startLoopback } from '../../../src/cli/loopback.js';

async function withLoopback(timeoutMs: number, body: (l: Awaited<ReturnType<typeof startLoopback>>) => Promise<void>) {
  const loopback = await startLoopback({ port: 0, expectedState: 'the-state', timeoutMs });
  try {
    await body(loopback);
  } finally {
    await loopback.close();
  }
}

describe('startLoopback', () => {
  test('listens on 127.0.0.1 and resolves the code of a redirect with the right state', () =>
    withLoopback(5000, async (l) => {
      assert.match(l.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const reply = await fetch(`${l.redirectUri}?state=the-state&code=abc`);
      assert.equal(reply.status, 200);
      assert.match(reply.headers.get('content-type') ?? '', /text\/html/);
      assert.equal(await l.code, 'abc');
    }));

  test('other paths and bare visits do not settle it', () =>
    withLoopback(5000, async (l) => {
      assert.equal((await fetch(`${l.redirectUri}favicon.ico`)).status, 404);
      assert.equal((await fetch(l.redirectUri)).status, 400);
      assert.equal((await fetch(`${l.redirectUri}?state=the-state&code=later`)).status, 200);
      assert.equal(await l.code, 'later');
      assert.equal((await fetch(`${l.redirectUri}?state=the-state&code=again`)).status, 409);
    }));

  const failures = [
    { query: '?state=other&code=abc', reason: 'state-mismatch' },
    { query: '?code=abc', reason: 'state-mismatch' },
    { query: '?state=the-state&error=access_denied', reason: 'denied' },
    { query: '?state=the-state&error=server_error', reason: 'failed' },
    { query: '?state=the-state', reason: 'failed' },
  ];
  for (const f of failures) {
    test(`${f.query} → ${f.reason}`, () =>
      withLoopback(5000, async (l) => {
        await fetch(`${l.redirectUri}${f.query}`);
        await assert.rejects(l.code, (err: Error) => err instanceof ConsentError && err.reason === f.reason);
      }));
  }

  test('no answer in time → timeout', () =>
    withLoopback(50, async (l) => {
      await assert.rejects(l.code, (err: Error) => err instanceof ConsentError && err.reason === 'timeout');
    }));
});
