/**
 * `addTokenVersion` / `readTokenSecret` against a scripted Secret Manager client: which calls are made
 * in which case, and what each gRPC failure tells the user. (The emulator tests in authorize/check cover
 * the real client; these reach the branches the emulator's IAM cannot: creation alone denied, races.)
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addTokenVersion, readTokenSecret, TokenSecretError } from '../../../src/cli/token-secret.js';

const SECRET = 'projects/p/secrets/s';
const rpc = (code: number) => Object.assign(new Error(`rpc ${code}`), { code });

/** A client whose calls answer from `script` in order, recording each call's name. */
function scripted(script: Array<[string, unknown]>) {
  const calls: string[] = [];
  const next = (name: string) => async (request: unknown) => {
    calls.push(name);
    const [expected, outcome] = script.shift() ?? assert.fail(`unexpected call ${name}`);
    assert.equal(name, expected);
    if (outcome instanceof Error) throw outcome;
    return [typeof outcome === 'function' ? (outcome as (request: unknown) => unknown)(request) : outcome];
  };
  const client = { addSecretVersion: next('add'), createSecret: next('create'), accessSecretVersion: next('access') };
  return { client: client as unknown as Parameters<typeof addTokenVersion>[0], calls };
}

describe('addTokenVersion', () => {
  const cases: Array<{ name: string; script: Array<[string, unknown]>; result: string | RegExp; problem?: string }> = [
    { name: 'existing secret: one add', script: [['add', { name: `${SECRET}/versions/4` }]], result: `${SECRET}/versions/4` },
    {
      name: 'missing secret: create, then add',
      script: [
        ['add', rpc(5)],
        ['create', {}],
        ['add', { name: `${SECRET}/versions/1` }],
      ],
      result: `${SECRET}/versions/1`,
    },
    {
      name: 'created meanwhile by someone else',
      script: [
        ['add', rpc(5)],
        ['create', rpc(6)],
        ['add', { name: `${SECRET}/versions/2` }],
      ],
      result: `${SECRET}/versions/2`,
    },
    {
      name: 'creation denied',
      script: [
        ['add', rpc(5)],
        ['create', rpc(7)],
      ],
      result: /does not exist and your account may not create it.*Terraform/,
      problem: 'create-denied',
    },
    {
      name: 'adding denied',
      script: [['add', rpc(7)]],
      result: /permission denied adding a version.*secretVersionAdder/,
      problem: 'denied',
    },
    {
      name: 'service unavailable',
      script: [['add', rpc(14)]],
      result: /could not add a version to projects\/p\/secrets\/s: rpc 14/,
      problem: 'unavailable',
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const { client } = scripted([...c.script]);
      const run = addTokenVersion(client, SECRET, '{"refresh_token":"PRIVATE"}');
      if (typeof c.result === 'string') return assert.equal(await run, c.result);
      await assert.rejects(
        run,
        (err: Error) =>
          err instanceof TokenSecretError &&
          err.problem === c.problem &&
          (c.result as RegExp).test(err.message) &&
          !err.message.includes('PRIVATE'),
      );
    });
  }

  test('the payload goes up as UTF-8 bytes and the secret is created with automatic replication', async () => {
    const seen: unknown[] = [];
    const { client } = scripted([
      ['add', rpc(5)],
      ['create', (r: unknown) => (seen.push(r), {})],
      ['add', (r: unknown) => (seen.push(r), { name: `${SECRET}/versions/1` })],
    ]);
    await addTokenVersion(client, SECRET, 'é');
    assert.deepEqual(seen[0], { parent: 'projects/p', secretId: 's', secret: { replication: { automatic: {} } } });
    assert.deepEqual(seen[1], { parent: SECRET, payload: { data: Buffer.from('é', 'utf8') } });
  });
});

describe('readTokenSecret', () => {
  const cases: Array<{ code: number; problem: string; message: RegExp }> = [
    { code: 5, problem: 'missing', message: /does not exist: run authorize/ },
    { code: 7, problem: 'denied', message: /permission denied reading.*secretAccessor/ },
    { code: 9, problem: 'disabled', message: /disabled or destroyed/ },
  ];
  for (const c of cases) {
    test(`gRPC ${c.code} → ${c.problem}`, async () => {
      const { client } = scripted([['access', rpc(c.code)]]);
      await assert.rejects(
        readTokenSecret(client, `${SECRET}/versions/latest`),
        (err: Error) => err instanceof TokenSecretError && err.problem === c.problem && c.message.test(err.message),
      );
    });
  }

  test('bytes and strings both come back as text', async () => {
    const bytes = scripted([['access', { payload: { data: Buffer.from('{"a":1}') } }]]);
    assert.equal(await readTokenSecret(bytes.client, `${SECRET}/versions/1`), '{"a":1}');
    const text = scripted([['access', { payload: { data: '{"b":2}' } }]]);
    assert.equal(await readTokenSecret(text.client, `${SECRET}/versions/1`), '{"b":2}');
  });
});
