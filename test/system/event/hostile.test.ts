/**
 * The event function against hostile input, through the real entry point (functions-framework serving
 * src/index.ts) and the emulators: events for a bucket this deployment does not back up, requests that
 * are not events, names that look like secrets, and objects whose metadata Drive would refuse as is.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFunctionWorld, type FunctionWorld } from '../../../harness/function-world.js';
import { deliverStorageEvent } from '../../../harness/deliver.js';
import { testBytes } from '../../support/world.js';

let setup: FunctionWorld;
const lines = (event: string) => setup.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === event);

before(async () => {
  setup = await startFunctionWorld({ targets: ['event'], env: { DELETE_MODE: 'trash', MULTIPART_MAX_MIB: '1' } });
  const other = setup.storage.bucket('other-bucket');
  await other.create();
  await other.file('secret.txt').save('not yours', { resumable: false });
});
after(() => setup?.stop());

test('an event for another bucket is acknowledged with one ERROR line and never copied', async () => {
  const [metadata] = await setup.storage.bucket('other-bucket').file('secret.txt').getMetadata();
  const before = setup.emulators.drive.listAll().length;
  const status = await deliverStorageEvent(setup.url('event'), metadata as { bucket: string; name: string });
  assert.equal(status, 204);
  const refused = lines('eventBucketRefused');
  assert.equal(refused.length, 1, setup.logs.lines.join('\n'));
  assert.equal(refused[0].severity, 'ERROR');
  assert.match(
    String(refused[0].message),
    /bucket "other-bucket" is not backed up by this deployment, which backs up SOURCE_BUCKET \("source-bucket"\) only/,
  );
  assert.equal(setup.emulators.drive.listAll().length, before, 'nothing written to Drive');
  assert.deepEqual(
    lines('objectOutcome').filter((l) => l.bucket === 'other-bucket'),
    [],
  );
});

for (const name of ['reports/token=abc123456789.txt', 'ya29.notatoken-really.txt']) {
  test(`the object ${JSON.stringify(name)} is logged by its name, #generation included, and backed up under it`, async () => {
    const file = setup.storage.bucket(setup.sourceBucket).file(name);
    await file.save('looks like a token, is a name', { resumable: false });
    const [metadata] = await file.getMetadata();
    assert.equal(await deliverStorageEvent(setup.url('event'), metadata as { bucket: string; name: string }), 204);
    const outcome = lines('objectOutcome').find((l) => l.name === name);
    assert.ok(outcome, `a line naming ${name}: ${setup.logs.lines.join('\n')}`);
    assert.equal(outcome.outcome, 'uploaded');
    assert.match(
      String(outcome.message),
      new RegExp(`^uploaded gs://source-bucket/${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}#${String(metadata.generation)} `),
    );
    assert.ok(!setup.logs.lines.some((l) => l.includes('[REDACTED]')), 'nothing redacted');
    const backup = setup.emulators.drive.listAll().find((f) => f.appProperties['gdb.object'] === name);
    assert.equal(backup?.name, name.split('/').pop());
  });
}

// Cloud Storage refuses such a contentType (the emulator as Google, a guess: see emulators/gcs), so only an
// event can carry one; the backup must neither put it into a Drive upload header nor retry it forever.
for (const [label, contentType, size] of [
  ['CR/LF, multipart upload', 'text/plain\r\nX-Injected: 1', 1000],
  ['NUL, multipart upload', 'text/plain\u0000', 1000],
  ['CR/LF, resumable upload', 'text/plain\r\nX-Injected: 1', 2 * 1024 * 1024],
] as const) {
  test(`an event whose contentType holds ${label}: backed up once as application/octet-stream, the original kept`, async () => {
    const name = `content-type/${label.replace(/[^a-z]+/gi, '-')}.bin`;
    const file = setup.storage.bucket(setup.sourceBucket).file(name);
    await file.save(testBytes(size, name), { resumable: false, contentType: 'text/plain' });
    const [metadata] = await file.getMetadata();
    const status = await deliverStorageEvent(setup.url('event'), { ...(metadata as { bucket: string; name: string }), contentType });
    assert.equal(status, 204, setup.logs.lines.slice(-3).join('\n'));
    const outcome = lines('objectOutcome').filter((l) => l.name === name);
    assert.deepEqual(
      outcome.map((l) => l.outcome),
      ['uploaded'],
    );
    const backups = setup.emulators.drive.listAll().filter((f) => f.appProperties['gdb.object'] === name);
    assert.equal(backups.length, 1);
    assert.equal(backups[0].mimeType, 'application/octet-stream');
    assert.equal(backups[0].appProperties['gdb.contentType'], contentType, 'the original contentType is recorded');
  });
}
