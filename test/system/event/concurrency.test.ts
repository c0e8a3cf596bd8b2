/**
 * Exactly once under Eventarc's at-least-once delivery: 100 objects in 10 nested folders, every event
 * delivered 3× concurrently to 4 separate function instances (processes), with Drive's list lag on.
 * Expect exactly 100 files, one folder per path, one upload per object. The instances' lease and idle
 * watchdog are an hour: on a loaded machine an invocation can sit past the default 60 s, and then another
 * instance rightly takes the claim over (or the product retries a request that seemed stalled), which
 * makes extra uploads of the same file; the count would depend on the machine's speed. Takeovers have
 * their own tests (recovery.test.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { deliverUntilAcked } from '../../../harness/deliver.js';
import { startFunctionWorld, type FunctionInstance, type FunctionWorld } from '../../../harness/function-world.js';
import { md5Hex, testBytes } from '../../support/world.js';

let world: FunctionWorld;
const instances: FunctionInstance[] = [];
/** Every output line of the instances, the product's and any other (a stack trace on stderr). */
const logs: string[] = [];

before(async () => {
  world = await startFunctionWorld({ child: { onLine: (_target, line) => logs.push(line) } });
  world.emulators.drive.setListLag(2_000);
  // A lease and idle watchdog of an hour: a slow machine cannot make one instance take over another's claim
  // (takeovers have their own test), so the upload count below is a count, not a race.
  for (let i = 0; i < 4; i++) instances.push(await world.startFunction('event', { LEASE_SEC: '3600', IO_IDLE_TIMEOUT_SEC: '3600' }));
});

after(() => world?.stop());

test('100 objects × 3 concurrent deliveries × 4 instances → 100 files, one folder per path', async () => {
  const objects: Array<{ data: { bucket: string; name: string; generation: string }; content: Buffer }> = [];
  for (let i = 0; i < 100; i++) {
    const depth = i % 10;
    const folders = Array.from({ length: depth + 1 }, (_, d) => `level-${d}`);
    const name = `${folders.join('/')}/object-${i}.bin`;
    const content = testBytes(1000 + i, name);
    const file = world.storage.bucket(world.sourceBucket).file(name);
    await file.save(content, { resumable: false });
    const [metadata] = await file.getMetadata();
    objects.push({ data: metadata as { bucket: string; name: string; generation: string }, content });
  }
  world.emulators.hub.resetCounters();

  await Promise.all(
    objects.flatMap(({ data }, i) =>
      [0, 1, 2].map(async (copy) => {
        const instance = instances[(i + copy) % instances.length];
        const statuses = await deliverUntilAcked(instance.url, data, 30, `event-${i}`);
        assert.ok((statuses.at(-1) ?? 0) < 300, `event ${i} copy ${copy} was never acknowledged: ${statuses.join(',')}`);
      }),
    ),
  );

  const all = world.emulators.drive.listAll().filter((f) => !f.trashed);
  const files = all.filter((f) => f.mimeType !== 'application/vnd.google-apps.folder');
  const folders = all.filter((f) => f.mimeType === 'application/vnd.google-apps.folder' && f.id !== world.rootFolderId);
  assert.equal(files.length, 100, 'exactly 100 files');
  assert.equal(folders.length, 10, 'one folder per path prefix (level-0 … level-9 nested)');
  for (const { data, content } of objects) {
    const matches = files.filter((f) => f.appProperties['gdb.object'] === data.name);
    assert.equal(matches.length, 1, data.name);
    assert.equal(matches[0].md5Checksum, md5Hex(content));
  }
  const counters = world.emulators.hub.counters();
  const uploads = Object.entries(counters)
    .filter(([route]) => route.startsWith('drive.upload'))
    .reduce((n, [, v]) => n + v, 0);
  assert.equal(uploads, 100, `one upload per object, counters: ${JSON.stringify(counters)}`);
  for (const line of logs) assert.ok(!line.includes(world.emulators.seed.refreshToken));
});
