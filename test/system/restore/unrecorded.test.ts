/**
 * `restore` from the state bucket meets an object backed up before the backup kept a history per object
 * (its record holds no name nor facts, as records of that time did): the run names it with a line pointing
 * to `--from-drive` and exits 1, and `--from-drive` restores it. Through the CLI entry, on an object the
 * event function really backed up, its record then cut back to the old shape.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/main.js';
import { startFunctionWorld, type FunctionWorld } from '../../../harness/function-world.js';
import { deliverUntilAcked } from '../../../harness/deliver.js';
import { recordingIO } from '../cli/support.js';

let setup: FunctionWorld;
const NAME = 'old/before-histories.txt';
/** The fields a record had before histories were kept. */
const OLD_FIELDS = ['v', 'generation', 'fileId', 'status', 'owner', 'leaseUntil', 'fileCreated'];

before(async () => {
  setup = await startFunctionWorld({ targets: ['event'] });
  const world = setup;
  const file = world.storage.bucket(world.sourceBucket).file(NAME);
  await file.save('written long ago', { resumable: false });
  const [m] = await file.getMetadata();
  assert.equal((await deliverUntilAcked(setup.url('event'), m as { bucket: string; name: string }, 5)).at(-1), 204);
  const [records] = await world.storage.bucket(world.stateBucket).getFiles();
  const objectRecords = records.filter((r) => /\/objects\/[0-9a-f]{40}/.test(r.name));
  assert.equal(objectRecords.length, 1);
  const record = JSON.parse(String(objectRecords[0].metadata.metadata?.record)) as Record<string, unknown>;
  const old = Object.fromEntries(Object.entries(record).filter(([k]) => OLD_FIELDS.includes(k)));
  await objectRecords[0].setMetadata({ metadata: { record: JSON.stringify(old) } });
  for (const bucket of ['from-state', 'from-drive']) await world.storage.createBucket(bucket);
});
after(() => setup?.stop());

test('an object with no recorded history gets a line pointing to --from-drive, and --from-drive restores it', async () => {
  const world = setup;
  const io = recordingIO(['restore', '--to', 'gs://from-state'], world.env);
  assert.equal(await runCli(io), 1, io.out.join('') + io.err.join(''));
  assert.match(
    io.err.join(''),
    /^not-in-history old\/before-histories\.txt: backed up before the state bucket kept each object's history, so it cannot be restored from there; run the same command with --from-drive to restore it from Drive$/m,
  );
  assert.match(io.out.join(''), /^ {2}not-in-history +1$/m);
  assert.deepEqual((await world.storage.bucket('from-state').getFiles())[0], []);

  const fromDrive = recordingIO(['restore', '--to', 'gs://from-drive', '--from-drive'], world.env);
  assert.equal(await runCli(fromDrive), 0, fromDrive.out.join('') + fromDrive.err.join(''));
  const [content] = await world.storage.bucket('from-drive').file(NAME).download();
  assert.equal(content.toString(), 'written long ago');
});
