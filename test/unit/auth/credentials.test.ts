import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DriveCredentials,
  parseAuthorizedUser,
  ReauthorizeRequiredError,
  SecretPayloadError,
  secretName,
} from '../../../src/auth/credentials.js';
import type { OAuth2Client } from 'google-auth-library';

const SECRET = 'projects/p/secrets/s/versions/latest';
const GOOD = { type: 'authorized_user', client_id: 'id', client_secret: 'shh-secret', refresh_token: 'sentinel-refresh-token' };

describe('parseAuthorizedUser', () => {
  const bad: Array<[string, string, RegExp]> = [
    ['not JSON', 'nope{', /not JSON/],
    ['an array', '[]', /missing client_id, client_secret, refresh_token/],
    ['missing token', JSON.stringify({ ...GOOD, refresh_token: undefined }), /missing refresh_token/],
    ['empty secret', JSON.stringify({ ...GOOD, client_secret: '' }), /missing client_secret/],
    ['service account key', JSON.stringify({ ...GOOD, type: 'service_account' }), /type is service_account/],
  ];
  for (const [label, payload, message] of bad) {
    test(`rejects ${label} without echoing the payload`, () => {
      assert.throws(
        () => parseAuthorizedUser(payload, SECRET),
        (err: unknown) => err instanceof SecretPayloadError && message.test(err.message) && !err.message.includes('sentinel-refresh-token'),
      );
    });
  }
  test('accepts the authorized-user format (type optional, as gcloud ADC files)', () => {
    assert.equal(parseAuthorizedUser(JSON.stringify(GOOD), SECRET).refresh_token, 'sentinel-refresh-token');
    const { type: _type, ...noType } = GOOD;
    assert.equal(parseAuthorizedUser(JSON.stringify(noType), SECRET).type, 'authorized_user');
  });
  test('secretName drops the version', () => assert.equal(secretName(SECRET), 'projects/p/secrets/s'));
});

describe('DriveCredentials', () => {
  const invalidGrant = Object.assign(new Error('invalid_grant'), { response: { data: { error: 'invalid_grant' } } });
  function fakeClient(token: string): OAuth2Client {
    return { token, on: () => undefined } as unknown as OAuth2Client;
  }

  test('on invalid_grant re-reads the secret once and retries with a rotated token', async () => {
    const payloads = [JSON.stringify(GOOD), JSON.stringify({ ...GOOD, refresh_token: 'rotated-token' })];
    let reads = 0;
    const creds = new DriveCredentials({
      secret: SECRET,
      readSecret: async () => payloads[Math.min(reads++, 1)],
      makeClient: async (u) => fakeClient(u.refresh_token),
      registerSecret: () => undefined,
    });
    const seen: string[] = [];
    const result = await creds.withClient(async (client) => {
      const token = (client as unknown as { token: string }).token;
      seen.push(token);
      if (token === 'sentinel-refresh-token') throw invalidGrant;
      return 'ok';
    });
    assert.equal(result, 'ok');
    assert.deepEqual(seen, ['sentinel-refresh-token', 'rotated-token']);
    assert.equal(reads, 2);
  });

  test('the same token after re-reading → ReauthorizeRequiredError', async () => {
    const creds = new DriveCredentials({
      secret: SECRET,
      readSecret: async () => JSON.stringify(GOOD),
      makeClient: async (u) => fakeClient(u.refresh_token),
      registerSecret: () => undefined,
    });
    await assert.rejects(
      creds.withClient(async () => Promise.reject(invalidGrant)),
      ReauthorizeRequiredError,
    );
  });

  test('registers the token and the client secret for redaction', async () => {
    const registered: string[] = [];
    const creds = new DriveCredentials({
      secret: SECRET,
      readSecret: async () => JSON.stringify(GOOD),
      makeClient: async (u) => fakeClient(u.refresh_token),
      registerSecret: (v) => registered.push(v),
    });
    await creds.client();
    assert.deepEqual(registered.sort(), ['sentinel-refresh-token', 'shh-secret']);
  });
});
