/**
 * The event function against hostile input, through the real entry point (functions-framework serving
 * src/index.ts) and the emulators: events for a bucket this deployment does not back up, requests that
 * are not events, names that look like secrets, and objects whose metadata Drive would refuse as is.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEventFunctionWorld, type EventFunctionWorld } from '../../support/event-function-world.js';
import { deliverStorageEvent } from '../../support/function-server.js';

let setup: EventFunctionWorld;
const lines = (event: string) => setup.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === event);

before(async () => {
  setup = await startEventFunctionWorld({ DELETE_MODE: 'trash' });
  const other = setup.world.storage.bucket('other-bucket');
  await other.create();
  await other.file('secret.txt').save('not yours', { resumable: false });
});
after(() => setup?.stop());

test('an event for another bucket is acknowledged with one ERROR line and never copied', async () => {
  const [metadata] = await setup.world.storage.bucket('other-bucket').file('secret.txt').getMetadata();
  const before = setup.world.emulators.drive.listAll().length;
  const status = await deliverStorageEvent(setup.fn.url, metadata as { bucket: string; name: string });
  assert.equal(status, 204);
  const refused = lines('eventBucketRefused');
  assert.equal(refused.length, 1, setup.logs.lines.join('\n'));
  assert.equal(refused[0].severity, 'ERROR');
  assert.match(
    String(refused[0].message),
    /bucket "other-bucket" is not backed up by this deployment, which backs up SOURCE_BUCKET \("source-bucket"\) only/,
  );
  assert.equal(setup.world.emulators.drive.listAll().length, before, 'nothing written to Drive');
  assert.deepEqual(
    lines('objectOutcome').filter((l) => l.bucket === 'other-bucket'),
    [],
  );
});

for (const name of ['reports/token=abc123456789.txt', 'ya29.notatoken-really.txt']) {
  test(`the object ${JSON.stringify(name)} is logged by its name, #generation included, and backed up under it`, async () => {
    const file = setup.world.storage.bucket(setup.world.sourceBucket).file(name);
    await file.save('looks like a token, is a name', { resumable: false });
    const [metadata] = await file.getMetadata();
    assert.equal(await deliverStorageEvent(setup.fn.url, metadata as { bucket: string; name: string }), 204);
    const outcome = lines('objectOutcome').find((l) => l.name === name);
    assert.ok(outcome, `a line naming ${name}: ${setup.logs.lines.join('\n')}`);
    assert.equal(outcome.outcome, 'uploaded');
    assert.match(
      String(outcome.message),
      new RegExp(`^uploaded gs://source-bucket/${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}#${String(metadata.generation)} `),
    );
    assert.ok(!setup.logs.lines.some((l) => l.includes('[REDACTED]')), 'nothing redacted');
    const backup = setup.world.emulators.drive.listAll().find((f) => f.appProperties['gdb.object'] === name);
    assert.equal(backup?.name, name.split('/').pop());
  });
}
