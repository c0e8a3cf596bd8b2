/**
 * Contract tests of the Cloud Storage emulator's per-bucket IAM grants through `@google-cloud/storage`,
 * set over HTTP with `control()` (`POST /_emulator/gcs/grants`). A bucket granted
 * roles/storage.objectCreator's permissions
 * (https://cloud.google.com/storage/docs/access-control/iam-roles) takes new objects and nothing else: get,
 * download, list, delete and replace answer 403 `forbidden` with Cloud Storage's message, naming the
 * permission the method needs (https://cloud.google.com/storage/docs/access-control/iam-json); replacing
 * needs storage.objects.delete too (https://cloud.google.com/storage/docs/access-control/iam-permissions),
 * and a create-only write (`ifGenerationMatch=0`) over an existing object gets the precondition's 412. A
 * bucket not named keeps every permission; a bad grant is refused with what is wrong.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Storage } from '@google-cloud/storage';
import { control } from '../../control.js';
import { OBJECT_CREATOR } from '../../gcs/grants.js';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '../../index.js';

let emu: Emulators;
let storage: Storage;
const PRINCIPAL = 'runtime@test.iam.gserviceaccount.com';

before(async () => {
  emu = await startEmulators({ limits: RATE_LIMITS_OFF });
  storage = new Storage({ apiEndpoint: emu.env.STORAGE_EMULATOR_HOST, projectId: 'test', retryOptions: { autoRetry: false } });
  for (const name of ['creator-only', 'everything']) await storage.createBucket(name);
  await storage.bucket('creator-only').file('there.txt').save('old', { resumable: false });
  const set = await control(emu.env.STORAGE_EMULATOR_HOST, 'POST', 'gcs/grants', {
    bucket: 'creator-only',
    permissions: OBJECT_CREATOR,
    principal: PRINCIPAL,
  });
  assert.equal(set.status, 200, JSON.stringify(set.json));
  assert.deepEqual(set.json, { principal: PRINCIPAL, grants: { 'creator-only': [...OBJECT_CREATOR].sort() } });
});
after(() => emu.stop());

interface ApiError {
  code?: number;
  message: string;
  errors?: Array<{ reason?: string; message?: string }>;
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    return err as ApiError;
  }
  throw new Error('expected the call to fail');
}

const denied = (permission: string, on: 'object' | 'bucket') =>
  `${PRINCIPAL} does not have ${permission} access to the Google Cloud Storage ${on}. Permission '${permission}' denied on resource (or it may not exist).`;

test('objectCreator: new objects are created, by every upload type', async () => {
  const b = storage.bucket('creator-only');
  await b.file('new-simple.txt').save('a', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
  await b.file('new-resumable.txt').save('b', { resumable: true, preconditionOpts: { ifGenerationMatch: 0 } });
  await b.file('new-any.txt').save('c', { resumable: false });
  assert.deepEqual(
    ['new-simple.txt', 'new-resumable.txt', 'new-any.txt'].map((n) => emu.gcs.getObject('creator-only', n)?.content.toBuffer().toString()),
    ['a', 'b', 'c'],
  );
});

test('objectCreator: reading, listing, deleting and replacing answer 403 forbidden, naming the permission', async () => {
  const b = storage.bucket('creator-only');
  const rows: [title: string, call: () => Promise<unknown>, permission: string, on: 'object' | 'bucket'][] = [
    ['get metadata', () => b.file('there.txt').getMetadata(), 'storage.objects.get', 'object'],
    ['download', () => b.file('there.txt').download(), 'storage.objects.get', 'object'],
    ['list', () => b.getFiles(), 'storage.objects.list', 'bucket'],
    ['delete', () => b.file('there.txt').delete(), 'storage.objects.delete', 'object'],
    ['patch', () => b.file('there.txt').setMetadata({ metadata: { a: '1' } }), 'storage.objects.update', 'object'],
    ['replace (single request)', () => b.file('there.txt').save('new', { resumable: false }), 'storage.objects.delete', 'object'],
    ['replace (resumable)', () => b.file('there.txt').save('new', { resumable: true }), 'storage.objects.delete', 'object'],
  ];
  for (const [title, call, permission, on] of rows) {
    const err = await refusal(call());
    assert.equal(err.code, 403, `${title}: ${err.message}`);
    // A media download's error carries the JSON body as its message (the client does not parse it).
    const body = title === 'download' ? (JSON.parse(err.message) as { error: ApiError }).error : err;
    assert.equal(body.message, denied(permission, on), title);
    assert.equal(body.errors?.[0]?.reason, 'forbidden', title);
  }
  assert.equal(emu.gcs.getObject('creator-only', 'there.txt')?.content.toBuffer().toString(), 'old', 'nothing replaced');
});

test('objectCreator: a create-only write over an existing object gets the precondition failure, not a 403', async () => {
  const err = await refusal(
    storage
      .bucket('creator-only')
      .file('there.txt')
      .save('new', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } }),
  );
  assert.equal(err.code, 412, err.message);
});

test('a bucket the grants do not name keeps every permission; a null grant gives them all back', async () => {
  const f = storage.bucket('everything').file('x.txt');
  await f.save('1', { resumable: false });
  await f.save('2', { resumable: false });
  assert.equal((await f.download())[0].toString(), '2');
  await f.delete();
  const other = storage.bucket('everything').file('y.txt');
  await other.save('y', { resumable: false });
  emu.gcs.grant('everything', ['storage.objects.create']);
  assert.equal((await refusal(other.getMetadata())).code, 403);
  emu.gcs.grant('everything', null);
  assert.equal((await other.getMetadata())[0].name, 'y.txt');
});

test('a bad grant is refused with what is wrong, and changes nothing', async () => {
  const bad = await control(emu.env.STORAGE_EMULATOR_HOST, 'POST', 'gcs/grants', { bucket: 'creator-only', permissions: ['read'] });
  assert.equal(bad.status, 400, JSON.stringify(bad.json));
  assert.match(JSON.stringify(bad.json), /permissions must be null \(every permission\) or a list of IAM permissions/);
  const err = await refusal(storage.bucket('creator-only').file('there.txt').getMetadata());
  assert.equal(err.code, 403);
});
