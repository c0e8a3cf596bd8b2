/**
 * What a large copy's MD5 is checked against (src/backup/verify.ts), through the event entry
 * point and the official Storage client:
 * - an object with Cloud Storage's MD5: Drive's must equal it; the object is read once, not hashed on the
 *   way (hashing cost the copy a tenth of its speed and proves nothing more);
 * - a composite object (Cloud Storage has no MD5 for it): hashed on the way, still read once;
 * - an event whose MD5 is not the bytes' (as a copy that came out wrong would look): the copy never counts,
 *   it is discarded and the event is retried.
 * Verdicts from the emulators' records: the download log, the Drive files, the function's log lines.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deliverStorageEvent } from '../../../harness/deliver.js';
import { startFunctionWorld } from '../../../harness/function-world.js';
import { md5Hex, testBytes, type World } from '../../support/world.js';

const MiB = 1024 * 1024;
let world: World;
before(async () => (world = await startFunctionWorld({ targets: ['event'], env: { UPLOAD_CHUNK_MIB: '1', MULTIPART_MAX_MIB: '1' } })));
after(() => world?.stop());

type ObjectEvent = {
  bucket: string;
  name: string;
  generation: string;
  size: string;
  md5Hash?: string;
  componentCount?: number;
  [k: string]: unknown;
};

async function write(name: string, content: Buffer): Promise<ObjectEvent> {
  const file = world.storage.bucket(world.sourceBucket).file(name);
  await file.save(content, { resumable: false });
  const [metadata] = await file.getMetadata();
  return metadata as ObjectEvent;
}

/** Composes `name` from two parts (Cloud Storage gives a composite object a CRC32C, no MD5). */
async function writeComposite(name: string, content: Buffer): Promise<ObjectEvent> {
  const bucket = world.storage.bucket(world.sourceBucket);
  const half = Math.floor(content.length / 2);
  await write(`${name}.part1`, content.subarray(0, half));
  await write(`${name}.part2`, content.subarray(half));
  const [composed] = await bucket.combine([`${name}.part1`, `${name}.part2`], name);
  const [metadata] = await composed.getMetadata();
  return metadata as ObjectEvent;
}

const driveFiles = (name: string) => world.emulators.drive.listAll().filter((f) => !f.trashed && f.appProperties['gdb.object'] === name);
const outcomesSince = (from: number, name: string) =>
  world.logs.lines
    .slice(from)
    .map((line) => JSON.parse(line) as { event?: string; name?: string; outcome?: string })
    .filter((l) => l.event === 'objectOutcome' && l.name === name)
    .map((l) => l.outcome);

describe('a large copy is checked against the object MD5', () => {
  const cases = [
    { label: "an object with Cloud Storage's MD5", write, composite: false },
    { label: 'a composite object (no MD5 in Cloud Storage)', write: writeComposite, composite: true },
  ];
  for (const c of cases) {
    test(`${c.label}: one byte-exact file, the object read once`, async () => {
      const name = `md5/${c.composite ? 'composite' : 'plain'}.bin`;
      const content = testBytes(3 * MiB + 12_345, name);
      const data = await c.write(name, content);
      assert.equal(data.md5Hash === undefined, c.composite, `md5Hash ${data.md5Hash}, componentCount ${data.componentCount}`);
      const from = world.logs.lines.length;

      assert.equal(await deliverStorageEvent(world.url('event'), data), 204);

      const reads = world.emulators.gcs.downloads({ bucket: world.sourceBucket, name });
      assert.deepEqual(
        reads.map((r) => [r.start, r.end]),
        [[0, content.length]],
        'one read of the whole object: not hashed by a second one',
      );
      const files = driveFiles(name);
      assert.equal(files.length, 1);
      assert.equal(files[0].md5Checksum, md5Hex(content));
      assert.deepEqual(outcomesSince(from, name), ['uploaded']);
    });
  }

  test('an event whose MD5 is not the bytes: the copy is discarded, never counted, and the event retried', async () => {
    const name = 'md5/mismatch.bin';
    const content = testBytes(2 * MiB + 1, name);
    const data = await write(name, content);
    const wrong = Buffer.from(md5Hex(Buffer.from('other bytes')), 'hex').toString('base64');
    const from = world.logs.lines.length;

    const status = await deliverStorageEvent(world.url('event'), { ...data, md5Hash: wrong });

    assert.ok(status >= 500, `retried (status ${status})`);
    assert.equal(driveFiles(name).length, 0, 'the copy was discarded');
    assert.ok(!outcomesSince(from, name).includes('uploaded'), 'never reported as uploaded');
    const failed = world.logs.lines.slice(from).find((line) => line.includes('MD5 mismatch'));
    assert.ok(failed, 'a line says the MD5 did not match');
  });
});
