/**
 * `gcs-drive-backup restore` end to end: objects with hostile names, a Workspace content type, an empty
 * and a composite object and custom metadata, backed up by the event function; 3 generations of one and a
 * deletion at known times. `restore --at` each of those times into an empty bucket gives exactly the
 * bucket as it was then (names, bytes, metadata; nothing that was deleted), and a second run writes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FileMetadata } from '@google-cloud/storage';
import { makeRestoreCommand } from '../../../src/cli/restore-command.js';
import { startFunctionWorld, type FunctionWorld } from '../../../harness/function-world.js';
import { testBytes, type World } from '../../support/world.js';
import { recordingIO } from './support.js';
import { backUp, bucketContents, clockPast, RecordedCatalog, remove } from './restore-support.js';

let setup: FunctionWorld;
let world: World;
const catalog = new RecordedCatalog();
const restore = makeRestoreCommand(() => Promise.resolve(catalog));

/** What the source bucket held at each moment, by name: content and metadata of the live generation. */
type State = Map<string, { content: Buffer; metadata: FileMetadata }>;
const states: { at: string; state: State }[] = [];
const live: State = new Map();

const HOSTILE = [
  'unicode/ünï cødé/文件 名.txt',
  'dots/../up/x.txt',
  'runs//of///slashes/y.bin',
  '/leading-slash.txt',
  `long/${'n'.repeat(995)}`,
  'esc/\u001b[31mred\u001b[0m.txt',
];

async function put(name: string, content: Buffer, options: { contentType?: string; metadata?: FileMetadata } = {}): Promise<void> {
  const file = world.storage.bucket(world.sourceBucket).file(name);
  await file.save(content, { resumable: false, contentType: options.contentType, metadata: options.metadata });
  const metadata = await backUp(world, setup.url('event'), catalog, file);
  live.set(name, { content, metadata });
}

async function composite(name: string): Promise<void> {
  const bucket = world.storage.bucket(world.sourceBucket);
  await put(`${name}.part1`, testBytes(1000, 'p1'));
  await put(`${name}.part2`, testBytes(777, 'p2'));
  const [composed] = await bucket.combine([`${name}.part1`, `${name}.part2`], name);
  const metadata = await backUp(world, setup.url('event'), catalog, composed);
  live.set(name, { content: Buffer.concat([testBytes(1000, 'p1'), testBytes(777, 'p2')]), metadata });
}

async function moment(): Promise<void> {
  const at = new Date(await clockPast(Date.now())).toISOString();
  await clockPast(Date.parse(at));
  states.push({ at, state: new Map(live) });
}

before(async () => {
  setup = await startFunctionWorld({ targets: ['event'] });
  world = setup;
  for (const [i, name] of HOSTILE.entries()) await put(name, testBytes(100 + i, name));
  await put('plain/a.txt', Buffer.from('generation one'), { contentType: 'text/plain' });
  await put('docs/sheet', testBytes(64, 'sheet'), { contentType: 'application/vnd.google-apps.spreadsheet' });
  await put('empty.bin', Buffer.alloc(0));
  await put('meta/m.json', Buffer.from('{"a":1}'), {
    contentType: 'application/json',
    metadata: {
      cacheControl: 'no-cache',
      contentDisposition: 'attachment; filename="m.json"',
      contentLanguage: 'fr',
      metadata: { owner: 'ops', 'spaced key': 'a b', ünï: 'çödé' },
    },
  });
  await put('gone/later.txt', Buffer.from('deleted at the second moment'));
  await composite('composed.bin');
  await moment();

  await put('plain/a.txt', Buffer.from('generation two, longer'), { contentType: 'text/plain; charset=utf-8' });
  await remove(world, catalog, 'gone/later.txt');
  live.delete('gone/later.txt');
  await moment();

  await put('plain/a.txt', Buffer.from('3'), { contentType: 'text/plain' });
  await put('meta/m.json', Buffer.from('{"a":2}'), { contentType: 'application/json', metadata: { metadata: { owner: 'dev' } } });
  await moment();
});

after(async () => {
  await setup?.stop();
});

const KEPT: (keyof FileMetadata)[] = [
  'contentType',
  'contentEncoding',
  'contentDisposition',
  'contentLanguage',
  'cacheControl',
  'metadata',
];

function assertSameBucket(restored: State, expected: State, what: string): void {
  assert.deepEqual([...restored.keys()].sort(), [...expected.keys()].sort(), `${what}: exactly the names of the bucket then`);
  for (const [name, want] of expected) {
    const got = restored.get(name);
    assert.ok(got, `${what}: ${name}`);
    assert.ok(got.content.equals(want.content), `${what}: the bytes of ${JSON.stringify(name)}`);
    for (const key of KEPT) assert.deepEqual(got.metadata[key], want.metadata[key], `${what}: ${String(key)} of ${JSON.stringify(name)}`);
    assert.equal(
      Date.parse(String(got.metadata.customTime)),
      Date.parse(String(want.metadata.timeCreated)),
      `${what}: customTime of ${JSON.stringify(name)} is its original timeCreated`,
    );
  }
}

describe('restore --at', () => {
  for (const index of [0, 1, 2]) {
    test(`the bucket as it was at moment ${index + 1}, exactly`, async () => {
      const { at, state } = states[index];
      const target = `restored-at-${index + 1}`;
      await world.storage.createBucket(target);
      const io = recordingIO(['--to', `gs://${target}`, '--at', at], world.env);
      const code = await restore(io);
      assert.equal(code, 0, io.err.join('') + io.out.join(''));
      assertSameBucket(await bucketContents(world, target), state, `at ${at}`);
      const out = io.out.join('');
      assert.match(out, new RegExp(`restored ${state.size} of \\d+ object\\(s\\) into gs://${target}/`));
      if (index >= 1) assert.match(out, /^deleted-before-T gone\/later\.txt: deleted at /m);
      assert.ok(!out.includes(String.fromCharCode(0x1b)), 'no terminal escape reaches the output');
      assert.match(out, /esc\/\\u001b\[31mred\\u001b\[0m\.txt/, 'the hostile name, escaped');

      world.emulators.hub.resetCounters();
      const again = recordingIO(['--to', `gs://${target}`, '--at', at], world.env);
      assert.equal(await restore(again), 0, again.err.join(''));
      assert.equal(world.emulators.hub.total('gcs.upload.'), 0, 'the second run writes nothing');
      assert.match(
        again.out.join(''),
        new RegExp(`restored 0 of \\d+ object\\(s\\) into gs://${target}/, 0 bytes, ${state.size} already there, 0 problem`),
      );
    });
  }

  test('into a target prefix: each object under the prefix + its exact name', async () => {
    await world.storage.createBucket('restored-prefixed');
    const io = recordingIO(['--to', 'gs://restored-prefixed/copy/', '--prefix', 'plain/'], world.env);
    assert.equal(await restore(io), 0, io.err.join(''));
    const restored = await bucketContents(world, 'restored-prefixed');
    assert.deepEqual([...restored.keys()], ['copy/plain/a.txt']);
    assert.equal(restored.get('copy/plain/a.txt')?.content.toString(), '3');
  });
});
