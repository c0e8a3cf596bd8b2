/**
 * The event path end to end: real entry module under functions-framework, Eventarc-shaped CloudEvents,
 * official clients, emulators. Objects of many sizes and names land byte-exact under the right folders.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFunctionWorld } from '../../../harness/function-world.js';
import { drivePath, md5Hex, testBytes, type World } from '../../support/world.js';
import { deliverStorageEvent, deliverUntilAcked } from '../../../harness/deliver.js';

const MiB = 1024 * 1024;
let world: World;
const logLines = (): string[] => world.logs.lines;
before(async () => (world = await startFunctionWorld({ targets: ['event'], env: { UPLOAD_CHUNK_MIB: '1', MULTIPART_MAX_MIB: '5' } })));
after(() => world?.stop());

async function upload(name: string, content: Buffer, contentType = 'application/octet-stream') {
  const file = world.storage.bucket(world.sourceBucket).file(name);
  await file.save(content, { resumable: content.length > 8 * MiB, contentType });
  const [metadata] = await file.getMetadata();
  return metadata as { bucket: string; name: string; generation: string };
}

function backupsOf(name: string) {
  const key = name;
  return world.emulators.drive
    .listAll()
    .filter((f) => f.appProperties['gdb.object'] === key || f.description?.startsWith(`gs://${world.sourceBucket}/${name}#`));
}

describe('backupOnFinalize', () => {
  const cases: Array<{ name: string; size: number }> = [
    { name: 'empty.bin', size: 0 },
    { name: 'one-byte.bin', size: 1 },
    { name: 'a/b/c.txt', size: 1000 },
    { name: "quotes/it's \\ odd/na'me.txt", size: 10 },
    { name: 'unicode/ünï cødé/文件 名.txt', size: 10 },
    { name: 'spaces in/a name.txt', size: 10 },
    { name: 'five/exactly-5MiB.bin', size: 5 * MiB },
    { name: 'five/5MiB-plus-1.bin', size: 5 * MiB + 1 },
    // Written to Cloud Storage with a resumable upload (above 8 MiB) and sent to Drive in 9 chunks of 1 MiB.
    { name: 'big/9MiB.bin', size: 9 * MiB },
    { name: 'deep/1/2/3/4/5/6/7/8/9/file.bin', size: 3 },
    { name: `long/${'x'.repeat(1024 - 'long/'.length)}`, size: 5 },
  ];
  for (const c of cases) {
    test(`${JSON.stringify(c.name).slice(0, 60)} (${c.size} B) lands byte-exact in its folder`, async () => {
      const content = testBytes(c.size, c.name);
      const data = await upload(c.name, content);
      const statuses = await deliverUntilAcked(world.url('event'), data, 3);
      assert.equal(statuses.at(-1), 204, `statuses ${statuses.join(',')}`);
      const files = backupsOf(c.name);
      assert.equal(files.length, 1, `exactly one Drive file for ${c.name}`);
      const file = files[0];
      assert.equal(file.md5Checksum, md5Hex(content));
      assert.equal(Number(file.size ?? 0), c.size);
      assert.deepEqual(drivePath(world, file.id), c.name.split('/'));
      assert.equal(file.description, `gs://${world.sourceBucket}/${c.name}#${data.generation}`);
      assert.equal(file.appProperties['gdb.generation'], String(data.generation));
    });
  }

  test('a redelivered event makes no second file and no second upload', async () => {
    const content = testBytes(2000, 'dup');
    const data = await upload('dup/twice.txt', content);
    world.emulators.hub.resetCounters();
    assert.equal(await deliverStorageEvent(world.url('event'), data), 204);
    const uploadsAfterFirst = world.emulators.hub.total('drive.upload');
    assert.equal(await deliverStorageEvent(world.url('event'), data), 204);
    assert.equal(world.emulators.hub.total('drive.upload'), uploadsAfterFirst, 'no second upload');
    assert.equal(backupsOf('dup/twice.txt').length, 1);
  });

  test('a new generation becomes a revision of the same Drive file', async () => {
    const first = await upload('rev/doc.txt', Buffer.from('version one'));
    assert.equal(await deliverStorageEvent(world.url('event'), first), 204);
    const second = await upload('rev/doc.txt', Buffer.from('version two, longer'));
    assert.equal(await deliverStorageEvent(world.url('event'), second), 204);
    const files = backupsOf('rev/doc.txt');
    assert.equal(files.length, 1);
    assert.equal(files[0].revisions, 2);
    assert.equal(files[0].md5Checksum, md5Hex(Buffer.from('version two, longer')));
    // The older generation's event arriving late changes nothing.
    assert.equal(await deliverStorageEvent(world.url('event'), first), 204);
    assert.equal(backupsOf('rev/doc.txt')[0].revisions, 2);
  });

  // A small object's claim keeps its lease until it runs out (LEASE_SEC, one request saved per object),
  // so a new generation arriving within it waits for the lease; a large object's claim is released.
  for (const size of [5 * MiB + 1]) {
    test(`a new generation of an object whose backup was deleted in Drive becomes a new file (${size} B)`, async () => {
      const name = `deleted-in-drive/${size}.bin`;
      const first = await upload(name, testBytes(size, 'one'));
      assert.equal(await deliverStorageEvent(world.url('event'), first), 204);
      await world.drive.files.delete({ fileId: backupsOf(name)[0].id });
      const content = testBytes(size, 'two');
      const second = await upload(name, content);
      assert.equal(await deliverStorageEvent(world.url('event'), second), 204);
      const files = backupsOf(name);
      assert.equal(files.length, 1);
      assert.equal(files[0].md5Checksum, md5Hex(content));
      assert.equal(files[0].appProperties['gdb.generation'], String(second.generation));
    });
  }

  test('folder placeholders and events of other types are acknowledged without a file', async () => {
    const data = await upload('placeholder/', Buffer.alloc(0));
    assert.equal(await deliverStorageEvent(world.url('event'), data), 204);
    assert.equal(
      await deliverStorageEvent(
        world.url('event'),
        { bucket: world.sourceBucket, name: 'x' },
        { type: 'google.cloud.storage.object.v1.metadataUpdated' },
      ),
      204,
    );
    assert.equal(world.emulators.drive.listAll().filter((f) => f.name === 'placeholder').length, 0);
  });

  test('an overwritten generation is acknowledged: the newer one has its own event', async () => {
    const old = await upload('gone/file.txt', Buffer.from('old'));
    await upload('gone/file.txt', Buffer.from('new'));
    // Versioning off: the old generation is no longer readable... the emulator keeps history, so delete it.
    await world.storage
      .bucket(world.sourceBucket)
      .file('gone/file.txt', { generation: Number(old.generation) })
      .delete()
      .catch(() => undefined);
    const before = logLines().length;
    assert.equal(await deliverStorageEvent(world.url('event'), old), 204);
    const outcome = logLines()
      .slice(before)
      .map((l) => JSON.parse(l) as { outcome?: string })
      .find((l) => l.outcome);
    assert.equal(outcome?.outcome, 'skipped');
  });

  // Binary mode (data = body) and structured mode (data inside a CloudEvent envelope, where it may be a
  // string holding garbage). functions-framework itself answers 400 to a body that is not JSON at all; a
  // binary-mode request with no body at all is not an event either: 400, with its one ERROR line.
  const malformed: Array<{ label: string; mode: 'binary' | 'structured'; data: unknown }> = [
    { label: 'no data', mode: 'binary', data: undefined },
    { label: 'no data (structured)', mode: 'structured', data: undefined },
    { label: 'garbage JSON in data', mode: 'structured', data: '{"bucket": "b", "name": ' },
    { label: 'data not an object', mode: 'structured', data: 42 },
    { label: 'no bucket', mode: 'binary', data: { name: 'x', generation: '1' } },
    { label: 'wrong types', mode: 'binary', data: { bucket: 42, name: ['x'], generation: 'abc' } },
  ];
  for (const { label, mode, data } of malformed) {
    test(`malformed event (${label}) is answered with one ERROR line`, async () => {
      const before = logLines().length;
      const envelope = {
        id: `bad-${label}`,
        specversion: '1.0',
        type: 'google.cloud.storage.object.v1.finalized',
        source: '//storage.googleapis.com/projects/_/buckets/b',
        ...(data === undefined ? {} : { data }),
      };
      const res =
        mode === 'structured'
          ? await fetch(world.url('event'), {
              method: 'POST',
              headers: { 'content-type': 'application/cloudevents+json' },
              body: JSON.stringify(envelope),
            })
          : await fetch(world.url('event'), {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'ce-id': envelope.id.replace(/[^ -~]/g, ''),
                'ce-specversion': '1.0',
                'ce-type': envelope.type,
                'ce-source': envelope.source,
              },
              body: data === undefined ? '' : JSON.stringify(data),
            });
      if (mode === 'binary' && data === undefined) assert.equal(res.status, 400, 'a request without a body');
      else assert.ok(res.status >= 200 && res.status < 300, `acknowledged, got ${res.status}`);
      const errors = logLines()
        .slice(before)
        .filter((l) => (JSON.parse(l) as { severity: string }).severity === 'ERROR');
      assert.equal(errors.length, 1, errors.join('\n'));
    });
  }

  test('the refresh token never appears in a log line', () => {
    assert.ok(logLines().length > 10);
    for (const line of logLines()) assert.ok(!line.includes(world.emulators.seed.refreshToken), line);
  });
});
