/**
 * Contract tests of the Secret Manager emulator through `@google-cloud/secret-manager` in REST fallback
 * mode, constructed exactly as the product does in emulator mode (see `emulatorClient`).
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '../index.js';
import { pseudoRandomBytes, restFallbackOptions, rpcFailure } from './support.js';

const PROJECT = 'projects/emu-project';

let emu: Emulators;
let client: SecretManagerServiceClient;

/** The client as the product constructs it in emulator mode: REST fallback with a static token. */
function emulatorClient(baseUrl: string): SecretManagerServiceClient {
  return new SecretManagerServiceClient(restFallbackOptions(baseUrl));
}

async function createSecret(id: string) {
  const [secret] = await client.createSecret({ parent: PROJECT, secretId: id, secret: { replication: { automatic: {} } } });
  return secret;
}

before(async () => {
  emu = await startEmulators({ limits: RATE_LIMITS_OFF });
  client = emulatorClient(emu.env.SECRET_MANAGER_EMULATOR_HOST);
});
after(async () => {
  await client.close();
  await emu.stop();
});
beforeEach(() => emu.hub.reset());

describe('secrets and versions', () => {
  test('create → addVersion → access latest and numbered round-trips the bytes', async () => {
    const secret = await createSecret('drive-refresh-token');
    assert.equal(secret.name, `${PROJECT}/secrets/drive-refresh-token`);
    assert.ok(secret.replication?.automatic);
    const data = pseudoRandomBytes(4096, 7);
    const [v1] = await client.addSecretVersion({ parent: secret.name, payload: { data } });
    assert.equal(v1.name, `${secret.name}/versions/1`);
    assert.equal(v1.state, 'ENABLED');
    const [latest] = await client.accessSecretVersion({ name: `${secret.name}/versions/latest` });
    assert.equal(latest.name, v1.name, 'latest resolves to the concrete version name');
    assert.ok(Buffer.from(latest.payload?.data as Uint8Array).equals(data));
    assert.ok(latest.payload?.dataCrc32c, 'the checksum comes back even when the client sent none');

    const text = Buffer.from('second version ✓', 'utf8');
    await client.addSecretVersion({ parent: secret.name, payload: { data: text } });
    const [numbered] = await client.accessSecretVersion({ name: `${secret.name}/versions/1` });
    assert.ok(Buffer.from(numbered.payload?.data as Uint8Array).equals(data));
    const [newest] = await client.accessSecretVersion({ name: `${secret.name}/versions/latest` });
    assert.equal(newest.name, `${secret.name}/versions/2`);
    assert.equal(Buffer.from(newest.payload?.data as Uint8Array).toString('utf8'), 'second version ✓');
  });

  test('a correct dataCrc32c is accepted and echoed; a wrong one → INVALID_ARGUMENT (3)', async () => {
    const secret = await createSecret('checked');
    const data = Buffer.from('123456789');
    const crc = 0xe3069283; // the CRC-32C check value (RFC 3720 / iSCSI)
    const [v] = await client.addSecretVersion({ parent: secret.name, payload: { data, dataCrc32c: crc } });
    assert.equal(v.clientSpecifiedPayloadChecksum, true);
    const [got] = await client.accessSecretVersion({ name: v.name });
    assert.equal(String(got.payload?.dataCrc32c), String(crc));
    const failure = await rpcFailure(client.addSecretVersion({ parent: secret.name, payload: { data, dataCrc32c: crc + 1 } }));
    assert.equal(failure.code, 3);
  });

  test('get, list and delete secrets; get and list versions (newest first)', async () => {
    await createSecret('b');
    const a = await createSecret('a');
    await client.addSecretVersion({ parent: a.name, payload: { data: Buffer.from('1') } });
    await client.addSecretVersion({ parent: a.name, payload: { data: Buffer.from('2') } });
    const [got] = await client.getSecret({ name: a.name });
    assert.equal(got.name, a.name);
    const [secrets] = await client.listSecrets({ parent: PROJECT });
    assert.deepEqual(
      secrets.map((s) => s.name),
      [`${PROJECT}/secrets/a`, `${PROJECT}/secrets/b`],
    );
    const [versions] = await client.listSecretVersions({ parent: a.name });
    assert.deepEqual(
      versions.map((v) => v.name),
      [`${a.name}/versions/2`, `${a.name}/versions/1`],
    );
    const [latest] = await client.getSecretVersion({ name: `${a.name}/versions/latest` });
    assert.equal(latest.name, `${a.name}/versions/2`);
    await client.deleteSecret({ name: `${PROJECT}/secrets/b` });
    const [remaining] = await client.listSecrets({ parent: PROJECT });
    assert.deepEqual(
      remaining.map((s) => s.name),
      [`${PROJECT}/secrets/a`],
    );
  });

  test('a missing secret or version → NOT_FOUND (5)', async () => {
    assert.equal((await rpcFailure(client.accessSecretVersion({ name: `${PROJECT}/secrets/nope/versions/latest` }))).code, 5);
    assert.equal((await rpcFailure(client.getSecret({ name: `${PROJECT}/secrets/nope` }))).code, 5);
    const s = await createSecret('empty');
    assert.equal((await rpcFailure(client.accessSecretVersion({ name: `${s.name}/versions/latest` }))).code, 5);
    assert.equal((await rpcFailure(client.accessSecretVersion({ name: `${s.name}/versions/3` }))).code, 5);
  });

  test('duplicate create → ALREADY_EXISTS (6)', async () => {
    await createSecret('dup');
    const failure = await rpcFailure(createSecret('dup'));
    assert.equal(failure.code, 6);
    assert.match(failure.message, /already exists/);
  });

  test('disabled → FAILED_PRECONDITION (9), also through latest; enable restores access', async () => {
    const s = await createSecret('rotating');
    const [v1] = await client.addSecretVersion({ parent: s.name, payload: { data: Buffer.from('one') } });
    const [disabled] = await client.disableSecretVersion({ name: v1.name });
    assert.equal(disabled.state, 'DISABLED');
    const failure = await rpcFailure(client.accessSecretVersion({ name: v1.name }));
    assert.equal(failure.code, 9);
    assert.match(failure.message, /is in DISABLED state/);
    assert.equal((await rpcFailure(client.accessSecretVersion({ name: `${s.name}/versions/latest` }))).code, 9);
    await client.enableSecretVersion({ name: v1.name });
    const [again] = await client.accessSecretVersion({ name: `${s.name}/versions/latest` });
    assert.equal(Buffer.from(again.payload?.data as Uint8Array).toString(), 'one');
  });

  test('destroyed → FAILED_PRECONDITION (9) for good', async () => {
    const s = await createSecret('gone');
    const [v1] = await client.addSecretVersion({ parent: s.name, payload: { data: Buffer.from('x') } });
    const [destroyed] = await client.destroySecretVersion({ name: v1.name });
    assert.equal(destroyed.state, 'DESTROYED');
    assert.ok(destroyed.destroyTime);
    const failure = await rpcFailure(client.accessSecretVersion({ name: v1.name }));
    assert.equal(failure.code, 9);
    assert.match(failure.message, /DESTROYED/);
    assert.equal((await rpcFailure(client.enableSecretVersion({ name: v1.name }))).code, 9);
  });

  test('denied → PERMISSION_DENIED (7), in-process and over the control route', async () => {
    const name = `${PROJECT}/secrets/locked`;
    await createSecret('locked');
    await client.addSecretVersion({ parent: name, payload: { data: Buffer.from('x') } });
    emu.secrets.setAccessDenied(name, true);
    assert.equal((await rpcFailure(client.accessSecretVersion({ name: `${name}/versions/latest` }))).code, 7);
    assert.equal((await rpcFailure(client.getSecret({ name: `${name}` }))).code, 7);
    await createSecret('locked-not'); // segment-wise prefix: a sibling with a longer name is not covered
    emu.secrets.setAccessDenied(name, false);
    await client.accessSecretVersion({ name: `${name}/versions/latest` });
    const res = await fetch(`${emu.env.SECRET_MANAGER_EMULATOR_HOST}/_emulator/secrets/deny`, {
      method: 'POST',
      body: JSON.stringify({ resource: PROJECT, denied: true }),
    });
    assert.equal(res.status, 200);
    assert.equal((await rpcFailure(client.accessSecretVersion({ name: `${name}/versions/1` }))).code, 7);
    assert.equal((await rpcFailure(createSecret('new'))).code, 7);
  });
});

describe('in-process API and name forms', () => {
  test('createSecret/addVersion seed what the client reads; project numbers and regional names work', async () => {
    emu.secrets.createSecret('projects/123456789/secrets/seeded');
    assert.equal(emu.secrets.addVersion('projects/123456789/secrets/seeded', 'v1-text'), 'projects/123456789/secrets/seeded/versions/1');
    const [got] = await client.accessSecretVersion({ name: 'projects/123456789/secrets/seeded/versions/latest' });
    assert.equal(got.name, 'projects/123456789/secrets/seeded/versions/1');
    assert.equal(Buffer.from(got.payload?.data as Uint8Array).toString(), 'v1-text');
    assert.throws(() => emu.secrets.createSecret('projects/123456789/secrets/seeded'), /already exists/);

    const regional = 'projects/emu-project/locations/europe-west1/secrets/r';
    emu.secrets.createSecret(regional);
    emu.secrets.addVersion(regional, Buffer.from([0, 1, 2, 255]));
    const [r] = await client.accessSecretVersion({ name: `${regional}/versions/1` });
    assert.deepEqual([...Buffer.from(r.payload?.data as Uint8Array)], [0, 1, 2, 255]);
  });

  test('reset forgets secrets and denials', async () => {
    emu.secrets.createSecret(`${PROJECT}/secrets/temp`);
    emu.secrets.setAccessDenied(PROJECT, true);
    emu.hub.reset();
    assert.equal((await rpcFailure(client.getSecret({ name: `${PROJECT}/secrets/temp` }))).code, 5);
  });

  test('a plain auth client: the gax error carries the gRPC code and status of the JSON error body (google-gax 6)', async () => {
    const failure = await rpcFailure(client.getSecret({ name: `${PROJECT}/secrets/nope` }));
    assert.equal(failure.code, 5);
    assert.match(failure.message, /NOT_FOUND|not found/i);
  });

  test('a request without credentials → 401 UNAUTHENTICATED', async () => {
    const res = await fetch(`${emu.env.SECRET_MANAGER_EMULATOR_HOST}/v1/${PROJECT}/secrets`);
    assert.equal(res.status, 401);
    assert.deepEqual(((await res.json()) as { error: { status: string } }).error.status, 'UNAUTHENTICATED');
  });
});
