/**
 * `check` against the emulators, in-process: a good authorization → exit 0 with the account, storage and
 * folder; a revoked one → exit 3; secret, folder and scope problems → their messages and exit codes.
 * No run may print the refresh token or the client secret.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { checkCommand } from '../../../src/cli/check.js';
import { UsageError } from '../../../src/cli/io.js';
import { FOLDER_MIME_TYPE } from '../../../src/drive/query.js';
import { RATE_LIMITS_OFF, startEmulators, type Emulators } from '@gcs-drive-backup/emulators';
import { captureIO, driveAs, secretsClient, type CapturedIO } from './support.js';

const SECRET = 'projects/p/secrets/s';
const DRIVE_FILE = 'https://www.googleapis.com/auth/drive.file';

let emu: Emulators;
let secrets: SecretManagerServiceClient;
let client: { clientId: string; clientSecret: string };
let refreshToken: string;
let folderId: string;

before(async () => {
  emu = await startEmulators({ limits: RATE_LIMITS_OFF });
  secrets = secretsClient(emu);
});
after(async () => {
  await secrets.close();
  await emu.stop();
});
beforeEach(async () => {
  emu.hub.reset();
  client = emu.oauth.registerClient();
  refreshToken = emu.oauth.issueRefreshToken({ clientId: client.clientId, scopes: [DRIVE_FILE] });
  const drive = await driveAs(emu, client, refreshToken);
  const { data } = await drive.files.create({ requestBody: { name: 'GCS backup', mimeType: FOLDER_MIME_TYPE }, fields: 'id' });
  folderId = data.id!;
  emu.secrets.createSecret(SECRET);
  store(refreshToken);
});

function store(token: string, payload?: string): string {
  return emu.secrets.addVersion(
    SECRET,
    payload ??
      JSON.stringify({ type: 'authorized_user', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: token }),
  );
}

async function check(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; captured: CapturedIO }> {
  const captured = captureIO(argv, { ...emu.env, ...env });
  const code = await checkCommand(captured.io);
  for (const value of [refreshToken, client.clientSecret]) assert.ok(!captured.output().includes(value), 'a secret value was printed');
  return { code, captured };
}

describe('check', () => {
  test('a good authorization and folder: OK, exit 0', async () => {
    const { code, captured } = await check(['--secret', SECRET, '--folder-id', folderId]);
    assert.equal(code, 0, captured.output());
    assert.match(captured.stdout(), /user@example\.com/);
    assert.match(captured.stdout(), /storage used \d+ bytes of unlimited/);
    assert.match(captured.stdout(), new RegExp(`folder "GCS backup" \\(${folderId}\\)`));
    assert.match(captured.stdout(), /^OK: the function can back up/m);
  });

  test('the folder also comes from DRIVE_FOLDER_ID, and a pinned version is read', async () => {
    const { code, captured } = await check(['--secret', `${SECRET}/versions/1`], { DRIVE_FOLDER_ID: folderId });
    assert.equal(code, 0, captured.output());
    assert.match(captured.stdout(), /folder "GCS backup"/);
  });

  test('a revoked refresh token: re-authorize, exit 3', async () => {
    assert.ok(emu.oauth.revokeRefreshToken(refreshToken));
    const { code, captured } = await check(['--secret', SECRET, '--folder-id', folderId]);
    assert.equal(code, 3, captured.output());
    assert.match(captured.stderr(), /revoked or has expired.*re-authorize/);
  });

  const problems: Array<{ name: string; arrange: () => Promise<string[]> | string[]; exit: number; message: RegExp }> = [
    {
      name: 'a missing secret',
      arrange: () => ['--secret', 'projects/p/secrets/other'],
      exit: 1,
      message: /does not exist: run authorize/,
    },
    {
      name: 'a secret the caller may not read',
      arrange: () => (emu.secrets.setAccessDenied(SECRET, true), ['--secret', SECRET]),
      exit: 1,
      message: /permission denied.*secretAccessor/,
    },
    {
      name: 'a disabled version',
      arrange: async () => (await secrets.disableSecretVersion({ name: `${SECRET}/versions/1` }), ['--secret', `${SECRET}/versions/1`]),
      exit: 1,
      message: /disabled or destroyed/,
    },
    {
      name: 'a secret holding something else',
      arrange: () => (store('', 'not json'), ['--secret', SECRET]),
      exit: 3,
      message: /does not hold authorized-user credentials \(not JSON\)/,
    },
    {
      name: 'a token without a Drive scope',
      arrange: () => {
        store(emu.oauth.issueRefreshToken({ clientId: client.clientId, scopes: ['https://www.googleapis.com/auth/drive.readonly'] }));
        return ['--secret', SECRET];
      },
      exit: 3,
      message: /does not include Drive access/,
    },
    {
      name: 'a folder the app cannot see',
      arrange: async () => {
        const other = emu.oauth.registerClient();
        const drive = await driveAs(emu, other, emu.oauth.issueRefreshToken({ clientId: other.clientId }));
        const { data } = await drive.files.create({ requestBody: { name: 'By hand', mimeType: FOLDER_MIME_TYPE }, fields: 'id' });
        return ['--secret', SECRET, '--folder-id', data.id!];
      },
      exit: 1,
      message: /cannot see it.*drive\.file.*made by hand/,
    },
  ];
  for (const p of problems) {
    test(p.name, async () => {
      const argv = await p.arrange();
      const { code, captured } = await check(argv);
      emu.secrets.setAccessDenied(SECRET, false);
      assert.equal(code, p.exit, captured.output());
      assert.match(captured.stderr(), p.message);
      assert.doesNotMatch(captured.stdout(), /^OK: the function can back up/m);
    });
  }

  const usage = [
    { argv: [], message: /--secret is required/ },
    { argv: ['--secret', 'my-secret'], message: /--secret must be projects\/PROJECT\/secrets\/SECRET/ },
    { argv: ['--secret', SECRET, '--folder-id', 'x'], message: /--folder-id must be a Drive folder id/ },
  ];
  for (const u of usage) {
    test(`usage: ${u.argv.join(' ') || '(nothing)'}`, async () => {
      await assert.rejects(
        checkCommand(captureIO(u.argv, {}).io),
        (err: Error) => err instanceof UsageError && u.message.test(err.message),
      );
    });
  }
});
