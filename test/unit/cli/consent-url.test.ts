/** `buildConsentUrl` / `codeChallengeS256`: the consent URL carries everything Google needs for a refresh token. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildConsentUrl, codeChallengeS256, DRIVE_FILE_SCOPE, newPkceVerifier, newState } from '../../../src/cli/consent-url.js';

describe('consent URL', () => {
  test('S256 challenge: the example of RFC 7636 appendix B', () => {
    assert.equal(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  test('parameters', () => {
    const url = new URL(
      buildConsentUrl({
        authBaseUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
        clientId: 'id-1',
        redirectUri: 'http://127.0.0.1:5000/',
        scope: DRIVE_FILE_SCOPE,
        state: 's t&ate',
        codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      }),
    );
    assert.equal(url.origin + url.pathname, 'https://accounts.google.com/o/oauth2/v2/auth');
    const expected: Record<string, string> = {
      client_id: 'id-1',
      redirect_uri: 'http://127.0.0.1:5000/',
      response_type: 'code',
      scope: DRIVE_FILE_SCOPE,
      access_type: 'offline',
      prompt: 'consent',
      state: 's t&ate',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    };
    assert.deepEqual(Object.fromEntries(url.searchParams), expected);
  });

  test('random values: RFC 7636 verifier alphabet and length, fresh each time', () => {
    const verifier = newPkceVerifier();
    assert.match(verifier, /^[A-Za-z0-9._~-]{43,128}$/);
    assert.notEqual(newPkceVerifier(), verifier);
    assert.notEqual(newState(), newState());
  });
});
