/**
 * `restore --parallel N` through the CLI entry with the product's state catalog: objects backed up by the
 * event function, restored once with 1 object at a time and once with 8, the object restored first held
 * back 1.5 s (emulator latency on its target lookup) so that the others finish before it. Each object is
 * written exactly once, byte-exact, and the parallel run prints the very lines of the serial one, in the
 * same order.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/main.js';
import { startFunctionWorld, type FunctionWorld } from '../../../harness/function-world.js';
import { deliverUntilAcked } from '../../../harness/deliver.js';
import { testBytes, type World } from '../../support/world.js';
import { recordingIO } from './support.js';
import { bucketContents } from './restore-support.js';

const OBJECTS = 24;
const TARGET = 'restored';
let setup: FunctionWorld;
let world: World;
const contents = new Map<string, Buffer>();

before(async () => {
  setup = await startFunctionWorld({ targets: ['event'] });
  world = setup;
  for (let i = 0; i < OBJECTS; i++) {
    // One object past the single-request size, so both upload kinds run side by side.
    const size = i === 5 ? 1536 * 1024 : 100 + 37 * i;
    const name = `p/${String(i).padStart(2, '0')}-${size}.bin`;
    const content = testBytes(size, name);
    const file = world.storage.bucket(world.sourceBucket).file(name);
    await file.save(content, { resumable: false });
    const [m] = await file.getMetadata();
    assert.equal((await deliverUntilAcked(setup.url('event'), m as { bucket: string; name: string }, 5)).at(-1), 204);
    contents.set(name, content);
  }
  await world.storage.createBucket(TARGET);
});

after(async () => {
  await setup?.stop();
});

/** The object lines of a run, without the target prefix; problems would be on stderr and fail the exit code. */
const objectLines = (out: string[], prefix: string): string[] =>
  out
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('restored p/'))
    .map((line) => line.replace(` -> ${prefix}`, ' -> '));

const uploads = (): number => {
  const c = world.emulators.hub.counters();
  return (c['gcs.upload.multipart'] ?? 0) + (c['gcs.upload.resumable.start'] ?? 0) + (c['gcs.upload.media'] ?? 0);
};

test('a parallel restore writes each object once and reports exactly as the serial one', async () => {
  const serial = recordingIO(['restore', '--to', `gs://${TARGET}/serial/`, '--parallel', '1'], world.env);
  assert.equal(await runCli(serial), 0, serial.err.join(''));
  const serialLines = objectLines(serial.out, 'serial/');
  assert.equal(serialLines.length, OBJECTS);

  const first = /^restored (\S+)/.exec(serialLines[0])![1];
  const escaped = `parallel/${first}`.replace(/[.*+?^${}()|[\]\\/]/g, (c) => (c === '/' ? '%2F' : `\\${c}`));
  world.emulators.hub.faults.add({ service: 'gcs', route: 'gcs.objects.get', path: escaped, action: { kind: 'latency', ms: 1500 } });
  world.emulators.hub.resetCounters();
  const parallel = recordingIO(['restore', '--to', `gs://${TARGET}/parallel/`, '--parallel', '8'], world.env);
  assert.equal(await runCli(parallel), 0, parallel.err.join(''));
  world.emulators.hub.faults.clear();

  assert.equal(uploads(), OBJECTS, 'one upload per object');
  assert.equal(world.emulators.hub.counters()['gcs.objects.delete'] ?? 0, 0, 'no copy deleted');
  assert.deepEqual(objectLines(parallel.out, 'parallel/'), serialLines);
  const restored = await bucketContents(world, TARGET);
  for (const [name, content] of contents) {
    assert.ok(restored.get(`parallel/${name}`)?.content.equals(content), `parallel/${name}`);
    assert.ok(restored.get(`serial/${name}`)?.content.equals(content), `serial/${name}`);
  }
  assert.equal(restored.size, 2 * OBJECTS);
});
