/**
 * `POST /restore` through the HTTP function's real entry point (src/index.ts under functions-framework)
 * against the emulators, on objects the event function really backed up (so the state bucket holds their
 * history): the happy path and its repeat, the table of bad bodies, targets the deployment does not list
 * (refused, nothing written), and a restore resumed across calls with a tiny budget (`maxSeconds`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/main.js';
import { recordingIO } from '../cli/support.js';
import { startFunctionWorld, type FunctionWorld } from '../../../harness/function-world.js';
import { testBytes } from '../../support/world.js';

let fx: FunctionWorld;
const objects = new Map<string, Buffer>();
const LISTED = ['restored', 'resumed', 'again', 'continued'];

before(async () => {
  fx = await startFunctionWorld({ targets: ['http', 'event'], env: { RESTORE_BUCKETS: LISTED.join(',') } });
  const world = fx;
  for (const bucket of [...LISTED, 'not-listed']) await world.storage.createBucket(bucket);
  for (let i = 0; i < 10; i++) {
    const name = `docs/${i}/ünï ${i}.bin`;
    const content = testBytes(100 + i * 37, name);
    const file = world.storage.bucket(world.sourceBucket).file(name);
    await file.save(content, { resumable: false, metadata: { contentType: 'text/x-test', metadata: { i: String(i) } } });
    const [resource] = await file.getMetadata();
    assert.equal(await fx.sendFinalized(resource as { bucket: string; name: string }), 204);
    objects.set(name, content);
  }
});
after(async () => {
  await fx?.stop();
});

async function contents(bucket: string): Promise<Map<string, Buffer>> {
  const [files] = await fx.storage.bucket(bucket).getFiles({ versions: true });
  const out = new Map<string, Buffer>();
  for (const f of files) {
    assert.ok(!out.has(f.name), `${f.name} written once`);
    const [content] = await f.download();
    out.set(f.name, content);
  }
  return out;
}

describe('POST /restore', () => {
  test('restores every object into a listed bucket, verified; the same request again writes nothing', async () => {
    const res = await fx.post('/restore', { to: 'gs://restored/copy/' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(String(res.body.id), /^[0-9a-f]{32}$/);
    assert.equal(res.body.done, true);
    assert.equal(res.body.mode, 'direct');
    assert.deepEqual(res.body.counts, { restored: 10 });
    const restored = await contents('restored');
    assert.deepEqual([...restored.keys()].sort(), [...objects.keys()].map((n) => `copy/${n}`).sort());
    for (const [name, content] of objects) assert.ok(restored.get(`copy/${name}`)?.equals(content), name);
    const [metadata] = await fx.storage.bucket('restored').file('copy/docs/3/ünï 3.bin').getMetadata();
    assert.equal(metadata.contentType, 'text/x-test');
    assert.deepEqual(metadata.metadata, { i: '3' });

    const again = await fx.post('/restore', { to: 'gs://restored/copy/', at: res.body.at });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, res.body.id, 'the same request is the same restore');
    const status = await fx.post('/restore', { id: res.body.id });
    assert.equal(status.status, 200);
    assert.deepEqual(status.body.counts, { restored: 10 }, 'the record is the same restore, done');
    assert.equal((await contents('restored')).size, 10, 'one generation per object');
  });

  test('resumes across calls with a tiny budget: each call restores one batch, the last says done', async () => {
    const budget = { maxSeconds: 0.000001 };
    const first = await fx.post('/restore', { to: 'gs://resumed', ...budget });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const seen = [first.body];
    while (seen.at(-1)?.done !== true && seen.length < 10) seen.push((await fx.post('/restore', { id: first.body.id, ...budget })).body);
    assert.deepEqual(
      seen.map((b) => [b.handled, b.done]),
      [
        [4, false],
        [8, false],
        [10, true],
      ],
    );
    assert.deepEqual(seen.at(-1)?.counts, { restored: 10 });
    assert.equal((await contents('resumed')).size, 10);
  });
});

describe('a restore whose caller stopped (no queue: nothing else continues it)', () => {
  test('the answer says how to continue; the same request without a time, posted again, continues it; once done, it is a new restore', async () => {
    const request = { to: 'gs://continued/', maxSeconds: 0.000001 };
    const first = await fx.post('/restore', request);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual([first.body.handled, first.body.done], [4, false]);
    assert.equal(first.body.continues, undefined, 'no queue: nothing continues it by itself');
    assert.equal(
      first.body.resume,
      `restore ${String(first.body.id)} is not finished and nothing continues it but its caller: POST {"id":"${String(first.body.id)}"} again, or the same request again (restore --remote with the same options)`,
    );
    // The caller is gone; an operator posts the same request again: it continues from the cursor.
    const second = await fx.post('/restore', request);
    assert.equal(second.body.id, first.body.id, 'the unfinished restore, not a new one');
    assert.deepEqual([second.body.handled, second.body.done, second.body.at], [8, false, first.body.at]);
    const third = await fx.post('/restore', request);
    assert.deepEqual([third.body.id, third.body.handled, third.body.done, third.body.resume], [first.body.id, 10, true, undefined]);
    assert.deepEqual(third.body.counts, { restored: 10 });
    assert.equal((await contents('continued')).size, 10, 'each object once');

    // Done: the same request is a restore of the newest state now, which finds everything there.
    const io = recordingIO(['restore', '--to', 'gs://continued/', '--remote', fx.url('http')], fx.env);
    assert.equal(await runCli(io), 0, io.err.join(''));
    assert.doesNotMatch(io.out.join(''), new RegExp(String(first.body.id)));
    assert.match(io.out.join(''), /^progress: 10 exists; done$/m);
  });
});

describe('bad bodies get a 400 that says what is wrong', () => {
  const id = 'a'.repeat(32);
  const rows: [title: string, body: unknown, message: RegExp][] = [
    ['an array', [1], /^invalid request: body must be a JSON object, got an array$/],
    ['no target', {}, /to is required: gs:\/\/BUCKET\[\/PREFIX\]/],
    ['not a gs:// URL', { to: 's3://restored' }, /to: expected gs:\/\/BUCKET\[\/PREFIX\], got "s3:\/\/restored"/],
    ['a bad bucket name', { to: 'gs://UPPER' }, /to: .*bucket/i],
    ['a local time', { to: 'gs://restored', at: '2026-12-01 10:00' }, /at must be an ISO 8601 time with its zone/],
    [
      'at and generation',
      { to: 'gs://restored', prefix: 'a', at: '2026-12-01T10:00:00Z', generation: '5' },
      /give at or generation, not both/,
    ],
    ['generation without a name', { to: 'gs://restored', generation: '5' }, /generation restores one object: name it whole in prefix/],
    ['a flag as text', { to: 'gs://restored', dryRun: 'yes' }, /dryRun must be true or false, got the string "yes"/],
    ['globs not a list', { to: 'gs://restored', include: '*.jpg' }, /include must be a list of at most 32 non-empty glob strings/],
    ['a typo', { to: 'gs://restored', dry_run: true }, /unknown field "dry_run"/],
    ['fromDrive', { to: 'gs://restored', fromDrive: true }, /fromDrive must be false.*restore --from-drive on the command line/],
    ['a budget of zero', { to: 'gs://restored', maxSeconds: 0 }, /maxSeconds must be a number above 0/],
    ['a malformed id', { id: 'nope' }, /id must be a restore id \(32 hex digits\)/],
    [
      'an id with a request',
      { id, to: 'gs://restored' },
      /a body with id continues that restore and takes only maxSeconds beside it, not to/,
    ],
  ];
  for (const [title, body, message] of rows) {
    test(title, async () => {
      const res = await fx.post('/restore', body);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(String(res.body.error), message);
    });
  }

  test('an unknown id is a 404', async () => {
    const res = await fx.post('/restore', { id });
    assert.equal(res.status, 404);
    assert.match(String(res.body.error), /^no restore a{32} in the state bucket$/);
  });
});

describe('a target the deployment does not list is refused, and nothing is written', () => {
  const rows: [title: string, bucket: () => string, message: RegExp][] = [
    [
      'another bucket',
      () => 'not-listed',
      /^gs:\/\/not-listed is not a restore target of this deployment: RESTORE_BUCKETS lists only restored, resumed, again, continued/,
    ],
    ['the state bucket', () => fx.stateBucket, /\(the state bucket\) is not a restore target/],
    ['the source bucket', () => fx.sourceBucket, /\(the watched source bucket\) is not a restore target/],
  ];
  for (const [title, bucket, message] of rows) {
    test(title, async () => {
      const before = await fx.storage.bucket(bucket()).getFiles();
      const res = await fx.post('/restore', { to: `gs://${bucket()}/restored/`, overwrite: true });
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.match(String(res.body.error), message);
      const [files] = await fx.storage.bucket(bucket()).getFiles();
      assert.deepEqual(
        files.map((f) => f.name),
        before[0].map((f) => f.name),
      );
    });
  }
});

describe('restore --remote posts the request to the function and follows it', () => {
  test('into a listed bucket: progress lines, then exit 0', async () => {
    const io = recordingIO(['restore', '--to', 'gs://again/remote/', '--prefix', 'docs/1', '--remote', fx.url('http')], fx.env);
    assert.equal(await runCli(io), 0, io.err.join('') + io.out.join(''));
    const out = io.out.join('');
    assert.match(out, /^restore [0-9a-f]{32} of the backup into gs:\/\/again\/remote\/ runs in http:\/\/127\.0\.0\.1:\d+ \(direct\)$/m);
    assert.match(out, /^progress: 1 restored; done$/m);
    assert.match(out, /^restore [0-9a-f]{32}: 1 object\(s\) handled, 0 problem\(s\)$/m);
    assert.deepEqual([...(await contents('again')).keys()], ['remote/docs/1/ünï 1.bin']);
  });

  test('into a bucket the deployment does not list: the refusal, exit 1', async () => {
    const io = recordingIO(['restore', '--to', 'gs://not-listed', '--remote', `${fx.url('http')}/restore`], fx.env);
    assert.equal(await runCli(io), 1);
    assert.match(io.err.join(''), /answered 403: gs:\/\/not-listed is not a restore target of this deployment/);
  });

  test('--remote with --to-dir is a usage error', async () => {
    const io = recordingIO(['restore', '--to-dir', '/tmp/x', '--remote', fx.url('http')], fx.env);
    assert.equal(await runCli(io), 2);
    assert.match(io.err.join(''), /--remote restores into a bucket/);
  });
});
