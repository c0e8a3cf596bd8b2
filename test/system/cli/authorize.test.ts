/**
 * `authorize` end to end against the emulators, in-process and without a browser: the test plays the
 * browser by following the printed consent URL (the OAuth emulator consents and redirects) to the
 * command's loopback listener. Every run asserts that no token or client secret reaches the output and
 * that failed runs add no secret version.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { OAuth2Client } from 'google-auth-library';
import { authorizeCommand } from '../../../src/cli/authorize.js';
import { UsageError } from '../../../src/cli/io.js';
import { parseAuthorizedUser } from '../../../src/auth/credentials.js';
import { FOLDER_MIME_TYPE } from '../../../src/drive/query.js';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '@gcs-drive-backup/emulators';
import { captureIO, driveAs, installedClientJson, secretsClient, TempDir, urlOrExit, versionsOf, type CapturedIO } from './support.js';

const SECRET = 'projects/p/secrets/s';
const CONSENT_URL = /http:\/\/127\.0\.0\.1:\d+\/o\/oauth2\/v2\/auth\?\S+/;

let emu: Emulators;
let secrets: SecretManagerServiceClient;
let dir: TempDir;
let client: { clientId: string; clientSecret: string };
let clientFile: string;

before(async () => {
  emu = await startEmulators({ limits: RATE_LIMITS_OFF });
  secrets = secretsClient(emu);
  dir = await TempDir.create();
});
after(async () => {
  await secrets.close();
  await emu.stop();
  await dir.remove();
});
beforeEach(async () => {
  emu.hub.reset();
  client = emu.oauth.registerClient();
  clientFile = await dir.file('credentials.json', installedClientJson(client.clientId, client.clientSecret));
});

function start(extra: string[] = [], clientPath = clientFile) {
  const captured = captureIO(['--client-secrets', clientPath, '--secret', SECRET, '--no-browser', ...extra], { ...emu.env });
  return { captured, run: authorizeCommand(captured.io) };
}

/** Plays the browser: the consent URL answers 302 to the loopback; returns the loopback's reply. */
async function consentInBrowser(url: string): Promise<Response> {
  const consent = await fetch(url, { redirect: 'manual' });
  assert.equal(consent.status, 302);
  return fetch(consent.headers.get('location') ?? assert.fail('no Location'));
}

async function authorizeOnce(extra: string[] = []): Promise<{ code: number; captured: CapturedIO }> {
  const { captured, run } = start(extra);
  const { url, code } = await urlOrExit(run, captured, CONSENT_URL);
  assert.ok(url, `no consent URL printed; exit ${code}: ${captured.output()}`);
  const page = await consentInBrowser(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /close this window/);
  return { code: await run, captured };
}

function assertNoSecretsIn(captured: CapturedIO, ...values: string[]): void {
  for (const value of [client.clientSecret, ...values]) assert.ok(!captured.output().includes(value), 'a secret value was printed');
}

describe('authorize: the happy path', () => {
  test('stores a working authorization as a new secret version and creates the folder', async () => {
    const { code, captured } = await authorizeOnce();
    assert.equal(code, 0, captured.output());

    const versions = await versionsOf(secrets, SECRET);
    assert.deepEqual(versions, [`${SECRET}/versions/1`]);
    assert.match(captured.stdout(), new RegExp(`${SECRET}/versions/1\\b`));
    const [access] = await secrets.accessSecretVersion({ name: versions[0] });
    const payload = Buffer.from(access.payload?.data ?? []).toString('utf8');
    const user = parseAuthorizedUser(payload, versions[0]);
    assert.equal((JSON.parse(payload) as { type: string }).type, 'authorized_user');
    assert.equal(user.client_id, client.clientId);

    const oauth = new OAuth2Client({
      clientId: user.client_id,
      clientSecret: user.client_secret,
      endpoints: { oauth2TokenUrl: `${emu.env.OAUTH_EMULATOR_HOST}/token` },
    });
    oauth.setCredentials({ refresh_token: user.refresh_token });
    const { token } = await oauth.getAccessToken();
    assert.ok(token && emu.oauth.verifyAccessToken(token), 'the stored refresh token does not refresh');

    const folderId = /^DRIVE_FOLDER_ID=(\S+)$/m.exec(captured.stdout())?.[1];
    const folder = emu.drive.listAll().find((f) => f.id === folderId);
    assert.ok(folder, `DRIVE_FOLDER_ID ${folderId} is not in Drive`);
    assert.equal(folder.name, 'GCS backup');
    assert.equal(folder.mimeType, FOLDER_MIME_TYPE);
    assertNoSecretsIn(captured, user.refresh_token, token);
    assert.match(captured.stderr(), /Testing.*7 days.*Publish app/s);
  });

  test('a second run adds version 2 and reuses the folder the first run created', async () => {
    const first = await authorizeOnce(['--folder-name', 'Backups']);
    const second = await authorizeOnce(['--folder-name', 'Backups']);
    assert.equal(first.code, 0, first.captured.output());
    assert.equal(second.code, 0, second.captured.output());
    const folderOf = (c: CapturedIO) => /^DRIVE_FOLDER_ID=(\S+)$/m.exec(c.stdout())?.[1];
    assert.equal(folderOf(second.captured), folderOf(first.captured));
    assert.equal(emu.drive.listAll().filter((f) => f.name === 'Backups').length, 1);
    assert.deepEqual(await versionsOf(secrets, SECRET), [`${SECRET}/versions/1`, `${SECRET}/versions/2`]);
    assert.match(second.captured.stdout(), /Reusing the Drive folder "Backups"/);
  });

  test('--folder-id of a folder the app created is checked and printed back', async () => {
    const token = emu.oauth.issueRefreshToken({ clientId: client.clientId, scopes: ['https://www.googleapis.com/auth/drive.file'] });
    const drive = await driveAs(emu, client, token);
    const { data } = await drive.files.create({ requestBody: { name: 'Mine', mimeType: FOLDER_MIME_TYPE }, fields: 'id' });
    const { code, captured } = await authorizeOnce(['--folder-id', data.id!]);
    assert.equal(code, 0, captured.output());
    assert.match(captured.stdout(), new RegExp(`^DRIVE_FOLDER_ID=${data.id}$`, 'm'));
    assert.equal(emu.drive.listAll().length, 1, 'no other folder was created');
  });
});

describe('authorize: failures write no secret version', () => {
  const cases: Array<{ name: string; act: (c: CapturedIO, run: Promise<number>) => Promise<void>; message: RegExp; extra?: string[] }> = [
    {
      name: 'a reply with the wrong state',
      act: async (c) => {
        const url = new URL((await c.waitFor(CONSENT_URL))[0]);
        const reply = await fetch(`${url.searchParams.get('redirect_uri')}?code=stolen&state=wrong`);
        assert.equal(reply.status, 400);
      },
      message: /wrong "state".*nothing was stored/,
    },
    {
      name: 'consent denied',
      act: async (c) => {
        emu.oauth.setConsent({ deny: true });
        const page = await consentInBrowser((await c.waitFor(CONSENT_URL))[0]);
        assert.match(await page.text(), /did not allow access/);
      },
      message: /access_denied.*nothing was stored/,
    },
    {
      name: 'no answer before --timeout',
      extra: ['--timeout', '1'],
      act: async () => undefined,
      message: /within 1 s.*nothing was stored/,
    },
    {
      name: 'a --folder-id the app cannot see (made by hand)',
      extra: ['--folder-id', 'will-be-replaced'],
      act: async (c) => consentInBrowser((await c.waitFor(CONSENT_URL))[0]).then(() => undefined),
      message: /cannot see it.*drive\.file.*made by hand/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      let extra = c.extra ?? [];
      if (extra.includes('will-be-replaced')) {
        const other = emu.oauth.registerClient();
        const drive = await driveAs(emu, other, emu.oauth.issueRefreshToken({ clientId: other.clientId }));
        const { data } = await drive.files.create({ requestBody: { name: 'By hand', mimeType: FOLDER_MIME_TYPE }, fields: 'id' });
        extra = ['--folder-id', data.id!];
      }
      const { captured, run } = start(extra);
      await c.act(captured, run);
      assert.equal(await run, 1, captured.output());
      assert.match(captured.stderr(), c.message);
      assert.deepEqual(await versionsOf(secrets, SECRET), []);
      assertNoSecretsIn(captured);
    });
  }

  const secretCases = [
    {
      name: 'a secret the caller cannot write',
      deny: SECRET,
      create: true,
      message: /permission denied adding a version.*secretVersionAdder/,
    },
    {
      name: 'a missing secret in a project the caller cannot write',
      deny: 'projects/p',
      create: false,
      message: /\(or it does not exist\).*create it first.*Terraform/,
    },
  ];
  for (const c of secretCases) {
    test(c.name, async () => {
      if (c.create) emu.secrets.createSecret(SECRET);
      emu.secrets.setAccessDenied(c.deny, true);
      const { code, captured } = await authorizeOnce();
      emu.secrets.setAccessDenied(c.deny, false);
      assert.equal(code, 1, captured.output());
      assert.match(captured.stderr(), c.message);
      assert.match(captured.stderr(), /Nothing was stored/);
      assert.deepEqual(await versionsOf(secrets, SECRET), []);
      assertNoSecretsIn(captured);
    });
  }

  const clientFiles = [
    {
      name: 'a service account key',
      content: JSON.stringify({ type: 'service_account', private_key: 'k', client_email: 'a@p.iam.gserviceaccount.com' }),
      message: /service account key.*"Desktop app"/,
    },
    { name: 'an API key', content: 'AIzaSyA-1234567890abcdefghijklmnopqrstu', message: /an API key.*"Desktop app"/ },
    { name: 'JSON of another shape', content: '{"hello": "world"}', message: /no "installed" or "web" section/ },
  ];
  for (const c of clientFiles) {
    test(`a client file that is ${c.name}`, async () => {
      const { captured, run } = start([], await dir.file('wrong.json', c.content));
      assert.equal(await run, 1, captured.output());
      assert.match(captured.stderr(), c.message);
      assert.doesNotMatch(captured.output(), CONSENT_URL, 'the flow started');
      assert.deepEqual(await versionsOf(secrets, SECRET), []);
    });
  }

  test('a missing client file says so', async () => {
    const { captured, run } = start([], `${dir.path}/nope.json`);
    assert.equal(await run, 1);
    assert.match(captured.stderr(), /cannot read the OAuth client file .*nope\.json/);
  });
});

describe('authorize: usage', () => {
  const cases = [
    { argv: ['--secret', SECRET], message: /--client-secrets is required/ },
    { argv: ['--client-secrets', 'c.json'], message: /--secret is required/ },
    { argv: ['--client-secrets', 'c.json', '--secret', `${SECRET}/versions/`], message: /a \/versions\/… suffix is allowed/ },
    {
      argv: ['--client-secrets', 'c.json', '--secret', SECRET, '--scope', 'drive.readonly'],
      message: /--scope must be drive\.file or drive/,
    },
    { argv: ['--client-secrets', 'c.json', '--secret', SECRET, '--timeout', '0'], message: /--timeout must be a whole number/ },
    { argv: ['--client-secrets', 'c.json', '--secret', SECRET, '--port', 'http'], message: /--port must be a whole number/ },
    { argv: ['--client-secrets', 'c.json', '--secret', SECRET, '--bogus'], message: /bogus/ },
  ];
  for (const c of cases) {
    test(c.argv.join(' '), async () => {
      await assert.rejects(
        authorizeCommand(captureIO(c.argv, {}).io),
        (err: Error) => err instanceof UsageError && c.message.test(err.message),
      );
    });
  }
});
