/**
 * `POST /restore` into a bucket where the function holds exactly what Terraform gives it there,
 * roles/storage.objectCreator (terraform/restore.tf), through the real entry points: the Cloud Storage
 * emulator's grant for that bucket is objectCreator's permissions (no get, list or delete), so every
 * request the restore makes there is judged as Cloud Storage's IAM would. Every object is restored and
 * verified; an object already there is reported `exists` (the create-only write's 412: the function cannot
 * look first); a copy that failed verification after it was stored cannot be deleted, and is reported with
 * one line saying what to do; `overwrite` reports the permission it lacks per object, and the run goes on.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { OBJECT_CREATOR } from '@gcs-drive-backup/emulators/gcs/grants.js';
import { startFunctionWorld, type FunctionWorld } from '../../../harness/function-world.js';
import { testBytes } from '../../support/world.js';

let fx: FunctionWorld;
const TARGET = 'creator-only';
const objects = new Map<string, Buffer>();
const PRINCIPAL = 'gcs-drive-backup@test.iam.gserviceaccount.com';

before(async () => {
  fx = await startFunctionWorld({ targets: ['http', 'event'], env: { RESTORE_BUCKETS: TARGET } });
  await fx.storage.createBucket(TARGET);
  for (let i = 0; i < 6; i++) {
    const name = `least/${i}.bin`;
    const content = testBytes(200 + i * 11, name);
    const file = fx.storage.bucket(fx.sourceBucket).file(name);
    await file.save(content, { resumable: false, metadata: { contentType: 'text/x-test' } });
    const [resource] = await file.getMetadata();
    assert.equal(await fx.sendFinalized(resource as { bucket: string; name: string }), 204);
    objects.set(name, content);
  }
  // Already in the target before the restore: the restore must not touch it.
  await fx.storage.bucket(TARGET).file('there/least/0.bin').save('not the backup', { resumable: false });
  const grant = await fetch(`${fx.emulators.env.STORAGE_EMULATOR_HOST}/_emulator/gcs/grants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ bucket: TARGET, permissions: OBJECT_CREATOR, principal: PRINCIPAL }),
  });
  assert.equal(grant.status, 200);
});
after(() => fx?.stop());

/** What the target holds (read with every permission, as the operator would). */
async function contents(prefix: string): Promise<Map<string, Buffer>> {
  fx.emulators.gcs.grant(TARGET, null);
  try {
    const [files] = await fx.storage.bucket(TARGET).getFiles({ prefix, versions: true });
    const out = new Map<string, Buffer>();
    for (const f of files) {
      assert.ok(!out.has(f.name), `${f.name} written once`);
      out.set(f.name, (await f.download())[0]);
    }
    return out;
  } finally {
    fx.emulators.gcs.grant(TARGET, OBJECT_CREATOR);
  }
}

test('with objectCreator only, every object is restored and verified', async () => {
  const res = await fx.post('/restore', { to: `gs://${TARGET}/all/` });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual([res.body.done, res.body.counts, res.body.problems], [true, { restored: 6 }, []]);
  const restored = await contents('all/');
  assert.deepEqual([...restored.keys()].sort(), [...objects.keys()].map((n) => `all/${n}`).sort());
  for (const [name, content] of objects) assert.ok(restored.get(`all/${name}`)?.equals(content), name);
});

test('an object already there is reported exists and left as it was', async () => {
  const res = await fx.post('/restore', { to: `gs://${TARGET}/there/`, prefix: 'least/0.bin' });
  assert.deepEqual([res.body.done, res.body.counts], [true, { exists: 1 }], JSON.stringify(res.body));
  assert.equal((await contents('there/')).get('there/least/0.bin')?.toString(), 'not the backup');
});

test('a copy that fails verification after it was stored cannot be deleted: one line says what to do', async () => {
  const name = 'least/1.bin';
  // The recorded hashes ride on the upload, so Cloud Storage itself refuses a corrupt copy; what is left is
  // a copy whose stored hash Cloud Storage reports differently from the bytes sent: its answer to the
  // upload says an MD5 of other bytes (and a generation the account may not delete).
  fx.emulators.hub.faults.add({
    service: 'gcs',
    route: 'gcs.upload.*',
    // The one upload of this restore (one object).
    path: `/b/${TARGET}/o`,
    times: 1,
    action: {
      kind: 'status',
      status: 200,
      body: {
        kind: 'storage#object',
        bucket: TARGET,
        name: `bad/${name}`,
        generation: '1700000000000001',
        md5Hash: 'AAAAAAAAAAAAAAAAAAAAAA==',
      },
    },
  });
  try {
    const res = await fx.post('/restore', { to: `gs://${TARGET}/bad/`, prefix: name });
    assert.deepEqual([res.body.done, res.body.counts], [true, { mismatch: 1 }], JSON.stringify(res.body));
    const problems = res.body.problems as string[];
    assert.equal(problems.length, 1);
    const copy = `gs://${TARGET}/bad/${name}#1700000000000001`;
    assert.match(
      problems[0],
      new RegExp(
        `^mismatch ${name} -> bad/${name}: generation \\d+; Cloud Storage's MD5 AAAAAAAAAAAAAAAAAAAAAA== differs from the bytes read from Drive \\(.+\\); ` +
          `the bad copy stays \\(Cloud Storage replied 403: this account may not delete in gs://${TARGET}\\): `,
      ),
    );
    assert.ok(problems[0].endsWith(`: run gcloud storage rm "${copy}", then the restore again`), problems[0]);
  } finally {
    fx.emulators.hub.faults.clear();
  }
});

test('overwrite with objectCreator only: each object reports the permission it lacks, and the run goes on', async () => {
  const res = await fx.post('/restore', { to: `gs://${TARGET}/all/`, overwrite: true });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual([res.body.done, res.body.counts], [true, { refused: 6 }], JSON.stringify(res.body));
  const problems = res.body.problems as string[];
  assert.equal(problems.length, 6, 'one line per object');
  for (const line of problems)
    assert.match(
      line,
      new RegExp(
        `^refused least/\\d\\.bin -> all/least/\\d\\.bin: generation \\d+; Cloud Storage replied 403: ${PRINCIPAL.replace(/\./g, '\\.')} does not have storage\\.objects\\.delete access`,
      ),
    );
  for (const [name, content] of await contents('all/'))
    assert.ok(content.equals(objects.get(name.slice(4)) as Buffer), `${name} untouched`);
});
