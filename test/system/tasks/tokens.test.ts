/**
 * The tasks' tokens: each task reaches `POST /backup` with an OIDC token of the
 * dispatcher account whose audience is the function's URL without the path (what Cloud Run accepts), and
 * no token ever appears in a log line — not the OIDC tokens (recorded by a proxy in front of the
 * function), not the user's Drive access and refresh tokens, not on the paths that log errors (a Drive 503 retried,
 * a 429 passed back to the queue, the daily-limit pause).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Client } from 'google-auth-library';
import { DISPATCHER, startTasksHarness, type TasksHarness } from './harness.js';

let h: TasksHarness;
let proxy: Server;
/** Every Authorization header the tasks brought. */
const seen: string[] = [];

/** Forwards every request to `target`, keeping its Authorization header. */
async function startProxy(target: string): Promise<string> {
  proxy = createServer((req, res) => {
    seen.push(String(req.headers.authorization));
    const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

before(async () => {
  h = await startTasksHarness({
    limits: { drive: { dailyUpload: { bytes: 4000, resetAfterMs: 60_000 } } },
    env: { UPLOAD_LIMIT_PAUSE_SEC: '3600' },
    targetUrl: async (http) => `${await startProxy(http)}/backup`,
  });
});
after(async () => {
  await h.close();
  proxy.close();
  proxy.closeAllConnections();
});

test('tasks carry the dispatcher’s OIDC token for the service URL, and no token appears in any log line', async () => {
  const hub = h.world.emulators.hub;
  hub.faults.add({ route: 'drive.upload.create', nth: 1, action: { kind: 'status', status: 503, body: {} } });
  hub.faults.add({ route: 'drive.upload.create', nth: 3, action: { kind: 'status', status: 429, body: {} } });
  await h.client.pauseQueue({ name: h.queue });
  const names = ['t/one.bin', 't/two.bin', 't/three.bin', 't/four.bin', 't/five.bin'];
  for (const name of names) assert.equal(await h.sendFinalized(await h.upload(name, Buffer.alloc(1000, name))), 204);
  await h.client.resumeQueue({ name: h.queue });
  await h.clock.advance(30_000);

  // The error paths ran: a retried 503, a 429 answered to the queue, the daily limit's pause.
  assert.ok(h.lines('retrying').length >= 1, 'a retry was logged');
  assert.ok(
    h.dispatches().some((d) => d.status === 429),
    'a rate limit was passed back',
  );
  assert.equal(h.lines('queuePaused').length, 1, 'the daily limit paused the queue');

  assert.ok(seen.length >= 5);
  const verifier = new OAuth2Client({
    endpoints: { oauth2FederatedSignonPemCertsUrl: `${h.world.emulators.env.CLOUD_TASKS_EMULATOR_HOST}/_emulator/tasks/oidc/certs` },
  });
  const audience = new URL(String(process.env.TASKS_TARGET_URL)).origin;
  const tokens = seen.map((header) => {
    assert.match(header, /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    return header.slice('Bearer '.length);
  });
  const ticket = await verifier.verifyIdToken({ idToken: tokens[0], audience });
  assert.equal(ticket.getPayload()?.email, DISPATCHER);
  assert.equal(ticket.getPayload()?.aud, audience, 'the service URL, without /backup');

  const text = h.logs.map((line) => JSON.stringify(line));
  assert.ok(text.length > 10);
  for (const token of tokens) {
    for (const part of [token, ...token.split('.').filter((p) => p.length > 20)]) {
      assert.ok(!text.some((line) => line.includes(part)), 'an OIDC token (or a part of it) is in a log line');
    }
  }
  const { refreshToken, clientSecret } = h.world.emulators.seed;
  assert.ok(!text.some((line) => line.includes(refreshToken) || line.includes(clientSecret)), 'the user’s refresh token or client secret');
  const leaks = text.filter((line) => /eyJ[\w-]{10,}|Bearer (?!\[REDACTED\])\S|ya29\.|"access_token":"(?!\[REDACTED\])/.test(line));
  assert.deepEqual(leaks, []);
});
