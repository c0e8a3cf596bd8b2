/**
 * Each emulator's snapshot survives JSON and restores to the same state, including the paths the
 * restart test does not reach: disabled/destroyed secret versions and denials, expired OAuth tokens
 * (dropped), consent and token lifetime, Drive shared drives, limits and upload counters, and options
 * given explicitly at start winning over saved limits.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Blob } from '../../harness/blob.js';
import { restoreDrive, snapshotDrive } from '../../drive/snapshot.js';
import { DriveStore } from '../../drive/store.js';
import { restoreOAuth, snapshotOAuth } from '../../oauth/snapshot.js';
import { OAuthStore } from '../../oauth/store.js';
import type { BlobLookup, BlobRefs } from '../../persistence/persistable.js';
import { restoreSecrets, snapshotSecrets } from '../../secrets/snapshot.js';
import { SecretStore } from '../../secrets/store.js';

/** Blob references into an in-memory table, as the state file does with blob files. */
function blobTable(): { refs: BlobRefs; lookup: BlobLookup } {
  const table: Blob[] = [];
  return { refs: { ref: (b) => table.push(b) - 1 }, lookup: { get: (i) => table[i]! } };
}

const viaJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('secrets snapshot', () => {
  test('states, payloads (dropped when destroyed), counters, labels and denials round-trip', () => {
    const store = new SecretStore();
    store.createSecret('projects/p', 's', { replication: { automatic: {} }, labels: { a: 'b' } });
    store.createSecret('projects/p/locations/europe-west1', 'r');
    for (const text of ['one', 'two', 'three']) store.addVersion('projects/p/secrets/s', Buffer.from(text));
    store.setState('projects/p/secrets/s/versions/1', 'disable');
    store.setState('projects/p/secrets/s/versions/2', 'destroy');
    const saved = viaJson(snapshotSecrets(store, new Set(['projects/p/secrets/x'])));

    const restored = new SecretStore();
    const denied = new Set(['stale']);
    restoreSecrets(restored, denied, saved);
    assert.deepEqual(viaJson(snapshotSecrets(restored, denied)), saved);
    assert.deepEqual([...denied], ['projects/p/secrets/x']);
    assert.equal(restored.getVersion('projects/p/secrets/s/versions/1').state, 'DISABLED');
    const destroyed = restored.getVersion('projects/p/secrets/s/versions/2');
    assert.equal(destroyed.data, undefined);
    assert.ok(destroyed.destroyTime instanceof Date);
    assert.equal(restored.access('projects/p/secrets/s/versions/latest').data.toString(), 'three');
    assert.equal(restored.addVersion('projects/p/secrets/s', Buffer.from('4')).number, 4);
    assert.equal(restored.getSecret('projects/p/locations/europe-west1/secrets/r').replication, undefined);
  });
});

describe('oauth snapshot', () => {
  test('live tokens, clients, grants, consent and seed round-trip; expired tokens are dropped', () => {
    const store = new OAuthStore(3600);
    const { clientId, clientSecret } = store.registerClient();
    const grant = { clientId, user: 'u@example.com', scopes: ['s1'] };
    const refreshToken = store.issueRefreshToken(grant);
    const live = store.issueAccessToken(grant, refreshToken, true).token;
    const expired = store.issueAccessToken(grant, refreshToken, true).token;
    store.accessTokens.get(expired)!.expiresAt = Date.now() - 1;
    store.offlineGrants.add(`${clientId}\nu@example.com`);
    store.accessTokenLifetimeSeconds = 60;
    store.consent = { deny: false, scopes: ['s1'] };
    const seed = { clientId, clientSecret, refreshToken };
    const saved = viaJson(snapshotOAuth(store, seed));

    const restored = new OAuthStore(3600);
    const restoredSeed = { clientId: 'x', clientSecret: 'y', refreshToken: 'z' };
    restoreOAuth(restored, restoredSeed, saved, undefined);
    assert.deepEqual(restoredSeed, seed);
    assert.ok(restored.authenticateClient(clientId, clientSecret));
    assert.equal(restored.liveAccessToken(live)?.user, 'u@example.com');
    assert.equal(restored.accessTokens.has(expired), false);
    assert.equal(restored.accessTokenLifetimeSeconds, 60);
    assert.deepEqual(restored.consent, { deny: false, scopes: ['s1'] });
    assert.deepEqual(viaJson(snapshotOAuth(restored, restoredSeed)), saved);

    restoreOAuth(restored, restoredSeed, saved, 5);
    assert.equal(restored.accessTokenLifetimeSeconds, 5, 'an explicit option wins');
  });
});

describe('drive snapshot', () => {
  test('roots, shared drives, ids (with their user), upload counters and knobs round-trip; explicit options win', () => {
    const store = new DriveStore({ listLagMs: 250, storageQuotaBytes: 1000 });
    const root = store.rootFolderId('u@example.com');
    const shared = store.createSharedDrive('Team', 'u@example.com');
    const [generated] = store.ids.generate(1, 'u@example.com');
    const [other] = store.ids.generate(1, 'u@example.com');
    Object.assign(store.userState('u@example.com'), { uploadedToday: 42, uploadWindowStartMs: 1000 });
    const { refs, lookup } = blobTable();
    const saved = viaJson(snapshotDrive(store, refs));

    const restored = new DriveStore({ listLagMs: 0 });
    restoreDrive(restored, saved, lookup, {});
    assert.equal(restored.rootFolderId('u@example.com'), root);
    assert.ok(restored.isSharedDriveMember(shared, 'u@example.com'));
    assert.deepEqual(restored.limits, { listLagMs: 250, storageQuotaBytes: 1000 });
    assert.deepEqual(restored.userState('u@example.com'), { rootId: root, uploadedToday: 42, uploadWindowStartMs: 1000 });
    assert.deepEqual(viaJson(snapshotDrive(restored, blobTable().refs)), saved);
    assert.throws(() => restored.ids.take(other, 'someone-else@example.com'), { status: 400 });
    assert.equal(restored.ids.take(generated, 'u@example.com'), generated);
    assert.throws(() => restored.ids.take(root), { status: 409 });

    restoreDrive(restored, saved, lookup, { listLagMs: 0, storageQuotaBytes: 7 });
    assert.deepEqual(restored.limits, { listLagMs: 0, storageQuotaBytes: 7 });
  });

  test('a snapshot from before ids had users: its generated ids are any user’s', () => {
    const store = new DriveStore({ listLagMs: 0 });
    store.importState({ files: [], users: [], sharedDriveMembers: [], generatedIds: ['1abcdefghijklmnop'], usedIds: [] });
    assert.equal(store.ids.take('1abcdefghijklmnop', 'anyone@example.com'), '1abcdefghijklmnop');
  });
});
