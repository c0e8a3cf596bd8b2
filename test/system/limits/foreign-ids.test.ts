/**
 * Ids from `generateIds` belong to the Google account that asked for them, end to end: an object's claim
 * record holds an id generated for the first account (its upload failed before the file was created),
 * `authorize` is re-run with another account (a new secret version, a new backup folder), and the
 * redelivered event gets Drive's 400 `fileIdNotUsable` for that id — then a fresh id from generateIds,
 * written to the record under its precondition, and the backup lands at that delivery, once. A folder
 * whose recorded id Drive refuses gets a fresh one the same way.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { objectRecordKey } from '../../../src/backup/claim/claim.js';
import { driveAs } from '../cli/support.js';
import { deliverStorageEvent } from '../../../harness/deliver.js';
import { LimitsHarness } from './support.js';

let h: LimitsHarness;

before(async () => {
  h = await LimitsHarness.start();
});
after(() => h?.stop());

async function recordOf(name: string): Promise<{ fileId: string; status: string }> {
  const { storage, stateBucket, sourceBucket } = h.world;
  const [metadata] = await storage
    .bucket(stateBucket)
    .file(`gcs-drive-backup/${objectRecordKey(sourceBucket, name, undefined)}`)
    .getMetadata();
  return JSON.parse(String(metadata.metadata?.record)) as { fileId: string; status: string };
}

/** What `authorize` does for another Google account: a new secret version, a backup folder in their Drive. */
async function authorizeAs(user: string): Promise<string> {
  const { emulators, secretName } = h.world;
  const refreshToken = emulators.oauth.issueRefreshToken({ clientId: emulators.seed.clientId, user });
  emulators.secrets.addVersion(
    secretName,
    JSON.stringify({
      type: 'authorized_user',
      client_id: emulators.seed.clientId,
      client_secret: emulators.seed.clientSecret,
      refresh_token: refreshToken,
    }),
  );
  const drive = await driveAs(emulators, emulators.seed, refreshToken);
  const folder = await drive.files.create({
    requestBody: { name: 'GCS backup', mimeType: 'application/vnd.google-apps.folder' },
    fields: 'id',
  });
  return folder.data.id!;
}

// First, while the seeded account is the authorized one.
test('a folder whose recorded id Drive refuses gets a fresh id, and the object lands in it', async () => {
  const url = await h.instance();
  const { hub } = h.world.emulators;
  const refused = {
    error: {
      code: 400,
      message: 'The provided file ID is not usable.',
      errors: [{ reason: 'fileIdNotUsable', message: 'The provided file ID is not usable.' }],
    },
  };
  hub.faults.add({ service: 'drive', route: 'drive.files.create', times: 1, action: { kind: 'status', status: 400, body: refused } });
  const object = await h.write('refused-folder/file.txt', 'in a folder');
  assert.deepEqual(await h.deliver(url, object), [204]);
  h.assertEachOnce([{ name: 'refused-folder/file.txt', content: 'in a folder' }]);
  const folders = h.world.emulators.drive.listAll().filter((f) => f.name === 'refused-folder');
  assert.equal(folders.length, 1);
  assert.equal(h.backupsOf('refused-folder/file.txt')[0].parents[0], folders[0].id);
});

test('authorize re-run as another user, then a redelivered event: the refused id is replaced, the backup lands once', async () => {
  const { emulators } = h.world;
  const name = 'handover/report.txt';
  const object = await h.write(name, 'handed over');

  // The first account's attempt claims the object (an id generated for it) and fails before the file exists.
  emulators.drive.setStorageQuota(0);
  const first = await h.instance();
  assert.equal(await deliverStorageEvent(first, object, { id: 'event-1' }), 500);
  const claimed = await recordOf(name);
  assert.equal(claimed.status, 'uploading');
  emulators.drive.setStorageQuota(undefined);

  const otherRoot = await authorizeAs('other@example.com');
  const seen = h.logs.length;
  const second = await h.instance({ DRIVE_FOLDER_ID: otherRoot });
  assert.equal(await deliverStorageEvent(second, object, { id: 'event-1' }), 204, 'backed up at the redelivery');

  h.assertEachOnce([{ name, content: 'handed over' }]);
  const [file] = h.backupsOf(name);
  assert.equal(file.owner, 'other@example.com');
  const record = await recordOf(name);
  assert.notEqual(record.fileId, claimed.fileId, 'a fresh id in the record');
  assert.equal(file.id, record.fileId);
  const after = h.logs.slice(seen);
  assert.deepEqual(
    after.filter((l) => l.severity === 'ERROR'),
    [],
    'nothing for the operator',
  );
  assert.equal(after.filter((l) => l.event === 'objectOutcome' && l.outcome === 'uploaded').length, 1);
});
