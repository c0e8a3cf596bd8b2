/**
 * The HTTP function through the real entry point (src/index.ts under functions-framework) against the
 * emulators: the table of bad requests, /healthz, POST /backup, and POST /reconcile catching up on 300
 * objects written while "the function was down" — then a second run that uploads nothing and reads Drive
 * with list calls only (counted by the emulators).
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startFunctionWorld, type FunctionWorld } from '../../../harness/function-world.js';
import { md5Hex, testBytes } from '../../support/world.js';

let fx: FunctionWorld;
before(async () => {
  fx = await startFunctionWorld({ targets: ['http', 'event'] });
  // A bucket the runtime account can read but this deployment does not back up.
  const other = fx.storage.bucket('other-bucket');
  await other.create();
  await other.file('secret.txt').save('not yours', { resumable: false });
});
after(async () => {
  await fx?.stop();
});

describe('bad requests get the documented 4xx and message', () => {
  type Row = [
    title: string,
    method: string,
    path: string,
    body: string | undefined,
    contentType: string | undefined,
    status: number,
    message: RegExp,
  ];
  const rows: Row[] = [
    [
      'unknown route',
      'POST',
      '/nope',
      '{}',
      'application/json',
      404,
      /^no route \/nope; routes: POST \/backup, POST \/reconcile, POST \/restore, POST \/restore-drill, GET \/healthz, GET \/health$/,
    ],
    ['GET /backup', 'GET', '/backup', undefined, undefined, 405, /^\/backup accepts POST, not GET$/],
    ['PUT /reconcile', 'PUT', '/reconcile', '{}', 'application/json', 405, /^\/reconcile accepts POST, not PUT$/],
    ['POST /healthz', 'POST', '/healthz', '{}', 'application/json', 405, /^\/healthz accepts GET, not POST$/],
    ['malformed JSON (text/plain)', 'POST', '/backup', '{"bucket":', 'text/plain', 400, /^invalid request: body is not valid JSON/],
    ['malformed JSON (no content type)', 'POST', '/reconcile', '{bad', undefined, 400, /^invalid request: body is not valid JSON/],
    ['a JSON array', 'POST', '/backup', '[1]', 'application/json', 400, /^invalid request: body must be a JSON object, got an array$/],
    [
      'wrong types, all named',
      'POST',
      '/backup',
      '{"bucket":1,"name":[]}',
      'application/json',
      400,
      /^invalid request: bucket must be a string, got the number 1; name must be a string, got an array$/,
    ],
    ['missing fields', 'POST', '/backup', '{}', 'application/json', 400, /^invalid request: bucket is required; name is required$/],
    ['name with ..', 'POST', '/backup', '{"bucket":"source-bucket","name":"a/../b"}', 'application/json', 400, /path segments/],
    ['name with NUL', 'POST', '/backup', '{"bucket":"source-bucket","name":"a\\u0000b"}', 'application/json', 400, /control characters/],
    ['unknown field', 'POST', '/reconcile', '{"dry_run":true}', 'application/json', 400, /unknown field "dry_run"/],
    [
      'bad reconcile fields',
      'POST',
      '/reconcile',
      '{"dryRun":"yes","maxSeconds":99999}',
      'application/json',
      400,
      /dryRun must be true or false.*; maxSeconds must be a number above 0 and at most 510/,
    ],
    ['the state bucket', 'POST', '/reconcile', '{"bucket":"state-bucket"}', 'application/json', 400, /is the state bucket/],
    [
      'another bucket (backup): refused, though the runtime account can read it',
      'POST',
      '/backup',
      '{"bucket":"other-bucket","name":"secret.txt"}',
      'application/json',
      400,
      /^invalid request: bucket "other-bucket" is not backed up by this deployment, which backs up SOURCE_BUCKET \("source-bucket"\) only$/,
    ],
    [
      'unknown object',
      'POST',
      '/backup',
      '{"bucket":"source-bucket","name":"missing.txt"}',
      'application/json',
      404,
      /^object gs:\/\/source-bucket\/missing\.txt not found$/,
    ],
    [
      'another bucket (reconcile)',
      'POST',
      '/reconcile',
      '{"bucket":"other-bucket"}',
      'application/json',
      400,
      /^invalid request: bucket "other-bucket" is not backed up by this deployment/,
    ],
  ];
  for (const [title, method, path, body, contentType, status, message] of rows) {
    test(title, async () => {
      const res = await fx.request(method, path, body, contentType ? { 'content-type': contentType } : {});
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(String(res.body.error), message);
      assert.equal(fx.emulators.drive.listAll().filter((f) => f.appProperties['gdb.object'] === 'secret.txt').length, 0);
    });
  }

  test('malformed JSON declared as application/json: rejected by functions-framework, still a 400', async () => {
    const res = await fx.request('POST', '/backup', '{bad', { 'content-type': 'application/json' });
    assert.equal(res.status, 400);
  });
});

for (const path of ['/healthz', '/health']) {
  test(`GET ${path} answers with the package version`, async () => {
    const res = await fx.request('GET', path);
    const version = (JSON.parse(readFileSync(new URL('../../../package.json', `file://${__filename}`), 'utf8')) as { version: string })
      .version;
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ok: true, version });
  });
}

test('POST /backup backs up the live generation, then finds it done', async () => {
  const bucket = fx.storage.bucket(fx.sourceBucket);
  const content = testBytes(3000, 'one');
  await bucket.file('single/one.bin').save(content, { resumable: false });
  const [meta] = await bucket.file('single/one.bin').getMetadata();

  const first = await fx.post('/backup', { bucket: fx.sourceBucket, name: 'single/one.bin' });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual([first.body.outcome, first.body.bytes, first.body.generation], ['uploaded', 3000, String(meta.generation)]);
  const file = fx.emulators.drive.listAll().find((f) => f.id === first.body.driveFileId);
  assert.equal(file?.md5Checksum, md5Hex(content));

  const again = await fx.post('/backup', { bucket: fx.sourceBucket, name: 'single/one.bin', generation: String(meta.generation) });
  assert.deepEqual([again.status, again.body.outcome, again.body.driveFileId], [200, 'skipped', first.body.driveFileId]);
});

test('POST /reconcile backs up 300 objects the function never saw; a second run uploads nothing and only lists', async () => {
  const world = fx;
  const { hub, drive } = world.emulators;
  const bucket = world.storage.bucket(world.sourceBucket);
  const contents = new Map<string, Buffer>();
  for (let i = 0; i < 300; i++) contents.set(`down/f${i % 3}/obj-${String(i).padStart(3, '0')}.bin`, testBytes(64 + i, `obj${i}`));
  const names = [...contents.keys()];
  for (let i = 0; i < names.length; i += 30) {
    await Promise.all(names.slice(i, i + 30).map((name) => bucket.file(name).save(contents.get(name) as Buffer, { resumable: false })));
  }

  const first = await fx.post('/reconcile', { prefix: 'down/' });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual([first.body.scanned, first.body.uploaded, first.body.failed, first.body.done], [300, 300, 0, true]);
  const byObject = new Map(
    drive
      .listAll()
      .filter((f) => f.appProperties['gdb.object']?.startsWith('down/'))
      .map((f) => [f.appProperties['gdb.object'], f]),
  );
  assert.equal(byObject.size, 300);
  for (const [name, content] of contents) assert.equal(byObject.get(name)?.md5Checksum, md5Hex(content), name);

  hub.resetCounters();
  const second = await fx.post('/reconcile', { prefix: 'down/' });
  const counters = hub.counters();
  assert.deepEqual([second.body.scanned, second.body.uploaded, second.body.skipped, second.body.done], [300, 0, 300, true]);
  const folders = 4; // down, down/f0, down/f1, down/f2
  assert.ok((counters['drive.files.list'] ?? 0) <= Math.ceil(300 / 1000) + folders, JSON.stringify(counters));
  const driveCalls = Object.entries(counters).filter(([route]) => route.startsWith('drive.') && route !== 'drive.files.list');
  // One files.get per run: which corpus holds the backup root (My Drive or a shared drive).
  assert.deepEqual(driveCalls, [['drive.files.get', 1]], 'no per-object Drive request');
  assert.ok(hub.total('gcs.') <= 3, `GCS: ${JSON.stringify(counters)}`); // bucket check, cursor read, one listing page
});

test('POST /reconcile whose Drive listing fails still ends with its one reconcileFinished line, carrying the failure', async () => {
  const { hub } = fx.emulators;
  await fx.storage.bucket(fx.sourceBucket).file('listing-fails/a.txt').save('a', { resumable: false });
  const refused = {
    error: {
      code: 403,
      message: 'Request had insufficient authentication scopes.',
      errors: [{ reason: 'insufficientPermissions', domain: 'global' }],
    },
  };
  const fault = hub.faults.add({
    service: 'drive',
    route: 'drive.files.list',
    times: 0,
    action: { kind: 'status', status: 403, body: refused },
  });
  const before = fx.logs.entries.length;
  try {
    const res = await fx.post('/reconcile', { prefix: 'listing-fails/' });
    assert.notEqual(res.status, 200, JSON.stringify(res.body));
  } finally {
    hub.faults.remove(fault);
  }
  const finished = fx.logs.entries.slice(before).filter((l) => l.event === 'reconcileFinished');
  assert.equal(finished.length, 1, JSON.stringify(fx.logs.entries.slice(before)));
  assert.deepEqual([finished[0].prefix, finished[0].scanned, finished[0].uploaded, finished[0].done], ['listing-fails/', 0, 0, false]);
  assert.match(JSON.stringify(finished[0].error), /insufficient authentication scopes/);
  assert.equal(finished[0].severity, 'WARNING');
});

test('direct mode ignores X-CloudTasks-* headers: a malformed body is a 400, not an acknowledged task', async () => {
  const res = await fx.request('POST', '/backup', JSON.stringify({ bucket: 'Not A Bucket', name: '' }), {
    'content-type': 'application/json',
    'x-cloudtasks-taskname': 'forged',
    'x-cloudtasks-queuename': 'backup',
  });
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(res.body.acknowledged, undefined);
  assert.deepEqual(
    fx.logs.entries.filter((l) => l.event === 'malformedEvent'),
    [],
  );
});
