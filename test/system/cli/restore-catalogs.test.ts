/**
 * `gcs-drive-backup restore` through the CLI entry (`runCli`) with the product's own catalogs: what the
 * event function recorded in the state bucket (generations and a deletion, restored as at each moment),
 * and Drive alone once the state bucket is emptied (the newest state, exactly).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FileMetadata } from '@google-cloud/storage';
import { runCli } from '../../../src/cli/main.js';
import { startFunctionWorld, type FunctionWorld } from '../../../harness/function-world.js';
import { deliverStorageEvent, deliverUntilAcked } from '../../../harness/deliver.js';
import { testBytes, type World } from '../../support/world.js';
import { recordingIO } from './support.js';
import { bucketContents, clockPast } from './restore-support.js';

let setup: FunctionWorld;
let world: World;
type State = Map<string, { content: Buffer; metadata: FileMetadata }>;
const live: State = new Map();
const moments: { at: string; state: State }[] = [];

async function put(name: string, content: Buffer, metadata: FileMetadata = {}): Promise<void> {
  const file = world.storage.bucket(world.sourceBucket).file(name);
  await file.save(content, { resumable: false, metadata });
  const [m] = await file.getMetadata();
  const statuses = await deliverUntilAcked(setup.url('event'), m as { bucket: string; name: string }, 5);
  assert.equal(statuses.at(-1), 204);
  live.set(name, { content, metadata: m });
}

async function moment(): Promise<void> {
  const at = new Date(await clockPast(Date.now())).toISOString();
  await clockPast(Date.parse(at));
  moments.push({ at, state: new Map(live) });
}

before(async () => {
  setup = await startFunctionWorld({ targets: ['event'] });
  world = setup;
  await put('a/one.txt', Buffer.from('one, first'), { contentType: 'text/plain', cacheControl: 'no-cache', metadata: { k: 'v' } });
  await put('unicode/ünï 文件.bin', testBytes(3000, 'u'));
  await put('gone.txt', Buffer.from('to be deleted'));
  await moment();
  await put('a/one.txt', Buffer.from('one, second'), { contentType: 'text/plain' });
  const gone = world.storage.bucket(world.sourceBucket).file('gone.txt');
  const [m] = await gone.getMetadata();
  await gone.delete();
  assert.equal(
    await deliverStorageEvent(setup.url('event'), m as { bucket: string; name: string }, {
      type: 'google.cloud.storage.object.v1.deleted',
    }),
    204,
  );
  live.delete('gone.txt');
  await moment();
});

after(async () => {
  await setup?.stop();
});

function assertSame(restored: State, expected: State): void {
  assert.deepEqual([...restored.keys()].sort(), [...expected.keys()].sort());
  for (const [name, want] of expected) {
    const got = restored.get(name);
    assert.ok(got?.content.equals(want.content), name);
    if (!got) continue;
    for (const key of ['contentType', 'cacheControl', 'metadata'] as const)
      assert.deepEqual(got.metadata[key], want.metadata[key], `${key} of ${name}`);
  }
}

describe('restore with the product catalogs', () => {
  for (const index of [0, 1]) {
    test(`from the state bucket, as at moment ${index + 1}`, async () => {
      const target = `from-state-${index + 1}`;
      await world.storage.createBucket(target);
      const io = recordingIO(['restore', '--to', `gs://${target}`, '--at', moments[index].at], world.env);
      assert.equal(await runCli(io), 0, io.err.join('') + io.out.join(''));
      assertSame(await bucketContents(world, target), moments[index].state);
    });
  }

  test('from Drive alone, with the state bucket emptied: the newest state exactly', async () => {
    const [records] = await world.storage.bucket(world.stateBucket).getFiles();
    for (const r of records) await r.delete();
    await world.storage.createBucket('from-drive');
    const io = recordingIO(['restore', '--to', 'gs://from-drive', '--from-drive'], world.env);
    assert.equal(await runCli(io), 0, io.err.join('') + io.out.join(''));
    assertSame(await bucketContents(world, 'from-drive'), live);
  });
});
