/**
 * Contract tests of the OAuth 2.0 emulator through google-auth-library (OAuth2Client, UserRefreshClient),
 * plus `fetch` where a browser would act (the consent redirect) or no client call exists.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientAuthentication, OAuth2Client, UserRefreshClient } from 'google-auth-library';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '../index.js';

const DRIVE = 'https://www.googleapis.com/auth/drive';
const DRIVE_FILE = 'https://www.googleapis.com/auth/drive.file';
const REDIRECT = 'http://127.0.0.1:9/oauth2callback';

let emu: Emulators;
let base: string;

function endpoints() {
  return {
    oauth2TokenUrl: `${base}/token`,
    oauth2AuthBaseUrl: `${base}/o/oauth2/v2/auth`,
    oauth2RevokeUrl: `${base}/revoke`,
    tokenInfoUrl: `${base}/tokeninfo`,
  };
}

function client(opts: { clientId?: string; clientSecret?: string; basic?: boolean; forceRefreshOnFailure?: boolean } = {}) {
  return new OAuth2Client({
    clientId: opts.clientId ?? emu.seed.clientId,
    clientSecret: opts.clientSecret ?? emu.seed.clientSecret,
    endpoints: endpoints(),
    clientAuthentication: opts.basic ? ClientAuthentication.ClientSecretBasic : ClientAuthentication.ClientSecretPost,
    forceRefreshOnFailure: opts.forceRefreshOnFailure,
    // 0 would be ignored (falsy) and mean the 5-minute default.
    eagerRefreshThresholdMillis: 1,
  });
}

/** What a browser does with the consent URL: follow nothing, return the 302 target. */
async function consent(url: string): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 302, `consent answered ${res.status}: ${await res.text()}`);
  return new URL(res.headers.get('location') ?? '');
}

async function codeFlow(oauth: OAuth2Client, extra: { prompt?: string; scope?: string[]; access_type?: string } = {}) {
  const { codeVerifier, codeChallenge } = await oauth.generateCodeVerifierAsync();
  const url = oauth.generateAuthUrl({
    access_type: extra.access_type ?? 'offline',
    scope: extra.scope ?? [DRIVE_FILE],
    code_challenge: codeChallenge,
    code_challenge_method: 'S256' as never,
    state: 'state-123',
    redirect_uri: REDIRECT,
    ...(extra.prompt ? { prompt: extra.prompt } : {}),
  });
  const location = await consent(url);
  return { location, code: location.searchParams.get('code') ?? '', codeVerifier };
}

/** The OAuth error body of a failed client call (`err.response.data`). */
async function oauthFailure(p: Promise<unknown>): Promise<{ status: number; error: string; description: string }> {
  try {
    await p;
  } catch (err) {
    const res = (err as { response?: { status: number; data: { error: string; error_description: string } } }).response;
    assert.ok(res, `expected an HTTP error, got ${(err as Error).message}`);
    return { status: res.status, error: res.data.error, description: res.data.error_description };
  }
  assert.fail('expected the call to fail');
}

before(async () => {
  emu = await startEmulators({ limits: RATE_LIMITS_OFF });
  base = emu.env.OAUTH_EMULATOR_HOST;
});
after(async () => {
  await emu.stop();
});
beforeEach(() => emu.hub.reset());

describe('refresh_token grant', () => {
  test('OAuth2Client with the seeded refresh token gets an access token Drive accepts', async () => {
    const oauth = client();
    oauth.setCredentials({ refresh_token: emu.seed.refreshToken });
    const { token } = await oauth.getAccessToken();
    assert.ok(token);
    assert.deepEqual(emu.oauth.verifyAccessToken(token), {
      user: 'user@example.com',
      clientId: emu.seed.clientId,
      scopes: [DRIVE_FILE, DRIVE],
    });
    assert.equal(emu.oauth.verifyAccessToken(`${token}x`), undefined);
    const info = await oauth.getTokenInfo(token);
    assert.equal(info.aud, emu.seed.clientId);
    assert.equal(info.email, 'user@example.com');
    assert.deepEqual(info.scopes, [DRIVE_FILE, DRIVE]);
    assert.ok(info.expiry_date > Date.now() + 3500_000 && info.expiry_date <= Date.now() + 3600_000);
  });

  test('UserRefreshClient refreshes too', async () => {
    const user = new UserRefreshClient({
      clientId: emu.seed.clientId,
      clientSecret: emu.seed.clientSecret,
      refreshToken: emu.seed.refreshToken,
      endpoints: endpoints(),
    });
    const { token } = await user.getAccessToken();
    assert.equal(emu.oauth.verifyAccessToken(token ?? '')?.user, 'user@example.com');
    assert.equal(emu.hub.counters()['oauth.token.grant'], 1);
  });

  test('a refresh token issued in-process for another user and narrower scopes', async () => {
    const c = emu.oauth.registerClient({ clientId: 'my-client.apps.googleusercontent.com', clientSecret: 's3cret' });
    const rt = emu.oauth.issueRefreshToken({ clientId: c.clientId, user: 'other@example.com', scopes: [DRIVE_FILE] });
    const oauth = client(c);
    oauth.setCredentials({ refresh_token: rt });
    const { token } = await oauth.getAccessToken();
    assert.deepEqual(emu.oauth.verifyAccessToken(token ?? ''), { user: 'other@example.com', clientId: c.clientId, scopes: [DRIVE_FILE] });
    assert.equal(oauth.credentials.scope, DRIVE_FILE);
  });

  test('a revoked refresh token surfaces invalid_grant, and its access tokens die with it', async () => {
    const oauth = client();
    oauth.setCredentials({ refresh_token: emu.seed.refreshToken });
    const { token } = await oauth.getAccessToken();
    assert.ok(emu.oauth.verifyAccessToken(token ?? ''));
    assert.equal(emu.oauth.revokeRefreshToken(emu.seed.refreshToken), true);
    assert.equal(emu.oauth.revokeRefreshToken(emu.seed.refreshToken), false);
    assert.equal(emu.oauth.verifyAccessToken(token ?? ''), undefined);
    const failure = await oauthFailure(oauth.refreshAccessToken());
    assert.deepEqual(failure, { status: 400, error: 'invalid_grant', description: 'Token has been expired or revoked.' });
  });

  test('revoking through the client (/revoke with an access token) kills the grant', async () => {
    const oauth = client();
    oauth.setCredentials({ refresh_token: emu.seed.refreshToken });
    const { token } = await oauth.getAccessToken();
    await oauth.revokeCredentials();
    assert.equal(emu.oauth.verifyAccessToken(token ?? ''), undefined);
    const again = client();
    again.setCredentials({ refresh_token: emu.seed.refreshToken });
    assert.equal((await oauthFailure(again.getAccessToken())).error, 'invalid_grant');
    assert.equal((await oauthFailure(again.revokeToken('no-such-token'))).error, 'invalid_token');
  });

  test('wrong client secret → 401 invalid_client; unknown client → 401 invalid_client', async () => {
    const wrong = client({ clientSecret: 'nope' });
    wrong.setCredentials({ refresh_token: emu.seed.refreshToken });
    assert.deepEqual(await oauthFailure(wrong.getAccessToken()), { status: 401, error: 'invalid_client', description: 'Unauthorized' });
    const unknown = client({ clientId: 'unknown.apps.googleusercontent.com' });
    unknown.setCredentials({ refresh_token: emu.seed.refreshToken });
    const failure = await oauthFailure(unknown.getAccessToken());
    assert.equal(failure.status, 401);
    assert.equal(failure.error, 'invalid_client');
  });

  test('an unsupported grant_type → 400 unsupported_grant_type', async () => {
    const res = await fetch(`${base}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: emu.seed.clientId, client_secret: emu.seed.clientSecret }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'unsupported_grant_type');
  });
});

describe('access token lifetime', () => {
  test('with a 1 s lifetime the client refreshes once the token has expired', async () => {
    emu.oauth.setAccessTokenLifetime(1);
    const oauth = client();
    oauth.setCredentials({ refresh_token: emu.seed.refreshToken });
    const first = (await oauth.getAccessToken()).token ?? '';
    assert.ok(emu.oauth.verifyAccessToken(first));
    assert.equal((await oauth.getAccessToken()).token, first, 'still valid: no refresh yet');
    await sleep(1100);
    assert.equal(emu.oauth.verifyAccessToken(first), undefined);
    const second = (await oauth.getAccessToken()).token ?? '';
    assert.notEqual(second, first);
    assert.ok(emu.oauth.verifyAccessToken(second));
    assert.equal(emu.hub.counters()['oauth.token.grant'], 2);
  });

  test('expireAccessTokens(): a 401 from a resource makes the client refresh and retry', async () => {
    const oauth = client({ forceRefreshOnFailure: true });
    oauth.setCredentials({ refresh_token: emu.seed.refreshToken });
    const first = (await oauth.getAccessToken()).token ?? '';
    emu.oauth.expireAccessTokens();
    assert.equal(emu.oauth.verifyAccessToken(first), undefined);
    const res = await oauth.request<{ email: string }>({ url: `${base}/oauth2/v3/userinfo` });
    assert.equal(res.data.email, 'user@example.com');
    assert.notEqual(oauth.credentials.access_token, first);
    assert.equal(emu.hub.counters()['oauth.userinfo.get'], 2, 'one 401, one retry');
    assert.equal(emu.hub.counters()['oauth.token.grant'], 2);
  });
});

describe('authorization code flow (loopback + PKCE)', () => {
  test('S256: the code exchanges for access + refresh token, state is echoed', async () => {
    const oauth = client();
    const { location, code, codeVerifier } = await codeFlow(oauth);
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
    assert.equal(location.searchParams.get('state'), 'state-123');
    const { tokens } = await oauth.getToken({ code, codeVerifier, redirect_uri: REDIRECT });
    assert.ok(tokens.refresh_token);
    assert.equal(tokens.scope, DRIVE_FILE);
    assert.equal(tokens.token_type, 'Bearer');
    assert.deepEqual(emu.oauth.verifyAccessToken(tokens.access_token ?? '')?.scopes, [DRIVE_FILE]);
    const refreshed = client();
    refreshed.setCredentials({ refresh_token: tokens.refresh_token });
    assert.ok(emu.oauth.verifyAccessToken((await refreshed.getAccessToken()).token ?? ''));
    // Single use.
    assert.equal((await oauthFailure(oauth.getToken({ code, codeVerifier, redirect_uri: REDIRECT }))).error, 'invalid_grant');
  });

  test('HTTP Basic client authentication works for the exchange', async () => {
    const oauth = client({ basic: true });
    const { code, codeVerifier } = await codeFlow(oauth);
    const { tokens } = await oauth.getToken({ code, codeVerifier, redirect_uri: REDIRECT });
    assert.ok(tokens.access_token);
  });

  test('wrong or missing code_verifier → invalid_grant; other redirect_uri → redirect_uri_mismatch', async () => {
    const oauth = client();
    const wrong = await codeFlow(oauth);
    const other = await oauth.generateCodeVerifierAsync();
    assert.deepEqual(await oauthFailure(oauth.getToken({ code: wrong.code, codeVerifier: other.codeVerifier, redirect_uri: REDIRECT })), {
      status: 400,
      error: 'invalid_grant',
      description: 'Invalid code verifier.',
    });
    const missing = await codeFlow(oauth);
    assert.equal(
      (await oauthFailure(oauth.getToken({ code: missing.code, redirect_uri: REDIRECT }))).description,
      'Missing code verifier.',
    );
    const moved = await codeFlow(oauth);
    const failure = await oauthFailure(
      oauth.getToken({ code: moved.code, codeVerifier: moved.codeVerifier, redirect_uri: 'http://127.0.0.1:9/elsewhere' }),
    );
    assert.equal(failure.error, 'redirect_uri_mismatch');
  });

  test('repeat consent: no refresh token without prompt=consent, a new one with it; online → none', async () => {
    const oauth = client();
    const first = await codeFlow(oauth);
    assert.ok((await oauth.getToken({ code: first.code, codeVerifier: first.codeVerifier, redirect_uri: REDIRECT })).tokens.refresh_token);
    const second = await codeFlow(oauth);
    const repeat = (await oauth.getToken({ code: second.code, codeVerifier: second.codeVerifier, redirect_uri: REDIRECT })).tokens;
    assert.ok(repeat.access_token);
    assert.equal(repeat.refresh_token, undefined);
    const forced = await codeFlow(oauth, { prompt: 'consent' });
    assert.ok(
      (await oauth.getToken({ code: forced.code, codeVerifier: forced.codeVerifier, redirect_uri: REDIRECT })).tokens.refresh_token,
    );
    const online = await codeFlow(client(), { access_type: 'online', prompt: 'consent' });
    const onlineTokens = (await oauth.getToken({ code: online.code, codeVerifier: online.codeVerifier, redirect_uri: REDIRECT })).tokens;
    assert.equal(onlineTokens.refresh_token, undefined);
  });

  test('consent denial → redirect with error=access_denied and the state', async () => {
    emu.oauth.setConsent({ deny: true });
    const { location } = await codeFlow(client());
    assert.equal(location.searchParams.get('error'), 'access_denied');
    assert.equal(location.searchParams.get('state'), 'state-123');
    assert.equal(location.searchParams.get('code'), null);
  });

  test('granular consent: only the granted scopes end up in the token', async () => {
    const res = await fetch(`${base}/_emulator/oauth/consent`, { method: 'POST', body: JSON.stringify({ scopes: [DRIVE_FILE] }) });
    assert.equal(res.status, 200);
    const oauth = client();
    const { code, codeVerifier, location } = await codeFlow(oauth, { scope: [DRIVE, DRIVE_FILE] });
    assert.equal(location.searchParams.get('scope'), DRIVE_FILE);
    const { tokens } = await oauth.getToken({ code, codeVerifier, redirect_uri: REDIRECT });
    assert.equal(tokens.scope, DRIVE_FILE);
  });

  test('a non-loopback redirect_uri or an unknown client gets a 400 page, not a redirect', async () => {
    const oauth = client();
    const bad = await fetch(oauth.generateAuthUrl({ scope: DRIVE_FILE, redirect_uri: 'https://evil.example.com/cb' }), {
      redirect: 'manual',
    });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /redirect_uri_mismatch/);
    const unknown = client({ clientId: 'nobody.apps.googleusercontent.com' });
    const res = await fetch(unknown.generateAuthUrl({ scope: DRIVE_FILE, redirect_uri: REDIRECT }), { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /invalid_client/);
  });
});

describe('control surface', () => {
  test('reset re-seeds with new values in the same seed object; old tokens are gone', async () => {
    const seed = emu.seed;
    const previous = { ...seed };
    emu.hub.reset();
    assert.equal(emu.seed, seed);
    assert.notEqual(seed.refreshToken, previous.refreshToken);
    assert.notEqual(seed.clientId, previous.clientId);
    const old = client(previous);
    old.setCredentials({ refresh_token: previous.refreshToken });
    assert.equal((await oauthFailure(old.getAccessToken())).error, 'invalid_client');
    const fresh = client();
    fresh.setCredentials({ refresh_token: seed.refreshToken });
    assert.ok((await fresh.getAccessToken()).token);
  });

  test('clients, refresh tokens and revocation over /_emulator/oauth/*', async () => {
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${base}/_emulator/oauth/${path}`, { method: 'POST', body: JSON.stringify(body) });
      assert.equal(res.status, 200);
      return (await res.json()) as Record<string, unknown>;
    };
    const c = (await post('clients', {})) as { clientId: string; clientSecret: string };
    assert.match(c.clientId, /\.apps\.googleusercontent\.com$/);
    const { refreshToken } = (await post('refresh-tokens', { clientId: c.clientId, user: 'ops@example.com' })) as { refreshToken: string };
    const oauth = client(c);
    oauth.setCredentials({ refresh_token: refreshToken });
    const { token } = await oauth.getAccessToken();
    assert.equal(emu.oauth.verifyAccessToken(token ?? '')?.user, 'ops@example.com');
    assert.deepEqual(await post('revoke', { refreshToken }), { revoked: true });
    assert.equal(emu.oauth.verifyAccessToken(token ?? ''), undefined);
    await post('token-lifetime', { seconds: 5 });
    const again = client();
    again.setCredentials({ refresh_token: emu.seed.refreshToken });
    const second = (await again.getAccessToken()).token ?? '';
    assert.ok((again.credentials.expiry_date ?? 0) <= Date.now() + 5000);
    await post('expire-access-tokens', {});
    assert.equal(emu.oauth.verifyAccessToken(second), undefined);
    const bad = await fetch(`${base}/_emulator/oauth/refresh-tokens`, { method: 'POST', body: JSON.stringify({ clientId: 'nope' }) });
    assert.equal(bad.status, 400);
  });
});
