/**
 * `parseOAuthClientFile`: the Desktop-app and web forms are read; every other kind of file is rejected
 * with a message naming what it is and what is needed, without quoting its secrets.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OAuthClientFileError, parseOAuthClientFile } from '../../../src/cli/oauth-client-file.js';

const section = { client_id: 'id-1.apps.googleusercontent.com', client_secret: 'GOCSPX-secret-value', redirect_uris: ['http://localhost'] };

describe('parseOAuthClientFile: accepted', () => {
  const cases = [
    { name: 'a Desktop app client', text: JSON.stringify({ installed: section }), kind: 'installed' },
    {
      name: 'a Web application client',
      text: JSON.stringify({ web: { ...section, redirect_uris: ['http://127.0.0.1:8080/'] } }),
      kind: 'web',
    },
    {
      name: 'surrounding whitespace and padded values',
      text: `\n ${JSON.stringify({ installed: { ...section, client_id: ' id-1.apps.googleusercontent.com ' } })}\n`,
      kind: 'installed',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const parsed = parseOAuthClientFile(c.text, 'credentials.json');
      assert.equal(parsed.kind, c.kind);
      assert.equal(parsed.clientId, 'id-1.apps.googleusercontent.com');
      assert.equal(parsed.clientSecret, 'GOCSPX-secret-value');
    });
  }

  test('redirect URIs are kept, non-strings dropped', () => {
    const parsed = parseOAuthClientFile(JSON.stringify({ web: { ...section, redirect_uris: ['http://127.0.0.1:8080/', 7] } }), 'c.json');
    assert.deepEqual(parsed.redirectUris, ['http://127.0.0.1:8080/']);
  });
});

describe('parseOAuthClientFile: rejected', () => {
  const cases = [
    {
      name: 'a service account key',
      text: JSON.stringify({ type: 'service_account', private_key: 'PRIVATE', client_email: 'sa@p.iam.gserviceaccount.com' }),
      message: /is a service account key: an OAuth client ID of type "Desktop app" is needed/,
    },
    { name: 'an API key', text: 'AIzaSyA-1234567890abcdefghijklmnopqrstu\n', message: /is an API key/ },
    {
      name: 'an authorized-user file',
      text: JSON.stringify({ type: 'authorized_user', client_id: 'a', client_secret: 'b', refresh_token: 'PRIVATE' }),
      message: /already an authorized-user credential/,
    },
    { name: 'an external-account file', text: JSON.stringify({ type: 'external_account' }), message: /workload identity federation/ },
    { name: 'not JSON', text: 'client_id=abc', message: /is not JSON/ },
    { name: 'a JSON array', text: '[]', message: /not a JSON object/ },
    { name: 'JSON null', text: 'null', message: /not a JSON object/ },
    { name: 'an object of another shape', text: '{"client_id": "x"}', message: /no "installed" or "web" section/ },
    { name: 'an installed section that is a string', text: '{"installed": "x"}', message: /"installed" section is not an object/ },
    { name: 'no client secret', text: JSON.stringify({ installed: { client_id: 'x' } }), message: /without client_secret/ },
    {
      name: 'empty client id and secret',
      text: JSON.stringify({ installed: { client_id: ' ', client_secret: '' } }),
      message: /without client_id and client_secret/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(
        () => parseOAuthClientFile(c.text, 'downloads/key.json'),
        (err: Error) =>
          err instanceof OAuthClientFileError &&
          c.message.test(err.message) &&
          err.message.startsWith('downloads/key.json ') &&
          !err.message.includes('PRIVATE'),
      );
    });
  }
});
