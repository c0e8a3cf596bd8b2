/**
 * Contract tests of object holds and bucket retention policies through `@google-cloud/storage`
 * (https://cloud.google.com/storage/docs/object-holds, https://cloud.google.com/storage/docs/bucket-lock):
 * a held or retained object cannot be deleted or replaced (403 `forbidden` with Cloud Storage's message),
 * its metadata can still be edited, and the retention period runs on the hub clock.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Bucket, Storage } from '@google-cloud/storage';
import { ManualClock, RATE_LIMITS_OFF, startEmulators, type Emulators } from '../../index.js';
import { refusal, storageOf, type ApiError } from './support.js';

let emu: Emulators;
let storage: Storage;
const clock = new ManualClock();

before(async () => {
  emu = await startEmulators({ limits: RATE_LIMITS_OFF, clock });
  storage = storageOf(emu);
});
after(() => emu.stop());

const reason = (err: ApiError) => err.errors?.[0]?.reason;

async function bucket(name: string): Promise<Bucket> {
  const [b] = await storage.createBucket(name);
  return b;
}

describe('holds', () => {
  for (const [hold, label] of [
    ['eventBasedHold', 'Event-Based'],
    ['temporaryHold', 'Temporary'],
  ] as const) {
    test(`${hold}: set through setMetadata, then delete and overwrite answer 403 forbidden until it is released`, async () => {
      const b = await bucket(`holds-${hold.toLowerCase()}`);
      const file = b.file('kept.txt');
      await file.save('original', { resumable: false });
      const [md] = await file.setMetadata({ [hold]: true });
      assert.equal(md[hold], true);

      const message = `Object '${b.name}/kept.txt' is under active ${label} hold and cannot be deleted, overwritten or archived until hold is removed.`;
      for (const attempt of [file.delete(), file.save('replaced', { resumable: false }), file.save('replaced', { resumable: true })]) {
        const err = await refusal(attempt);
        assert.equal(err.code, 403);
        assert.equal(err.message, message);
        assert.equal(reason(err), 'forbidden');
      }
      await b.file('other.txt').save('other', { resumable: false });
      const copy = await refusal(b.file('other.txt').copy(file));
      assert.equal(copy.code, 403, 'a rewrite onto it is refused too');

      // Metadata stays editable under a hold.
      const [edited] = await file.setMetadata({ contentType: 'text/x-edited', metadata: { note: 'still editable' } });
      assert.equal(edited.metageneration, '3');
      const [bytes] = await file.download();
      assert.equal(bytes.toString(), 'original');

      await file.setMetadata({ [hold]: false });
      await file.save('replaced', { resumable: false });
      await file.delete();
    });
  }

  test('a hold set at upload protects from the first generation; a noncurrent held generation cannot be deleted either', async () => {
    const b = await bucket('holds-at-upload');
    const file = b.file('born-held.txt');
    await file.save('v1', { resumable: false, metadata: { temporaryHold: true } });
    const [md] = await file.getMetadata();
    assert.equal(md.temporaryHold, true);
    assert.equal((await refusal(file.delete())).code, 403);
    const gen = md.generation;
    await file.setMetadata({ temporaryHold: false });
    await file.save('v2', { resumable: false });
    await b.file('born-held.txt', { generation: gen }).setMetadata({ eventBasedHold: true });
    assert.equal((await refusal(b.file('born-held.txt', { generation: gen }).delete())).code, 403);
  });
});

describe('bucket retention policy', () => {
  test('an object younger than the retention period cannot be deleted or replaced; the period runs on the hub clock', async () => {
    const b = await bucket('retained-bucket');
    await b.setRetentionPeriod(3600);
    const [bmd] = await b.getMetadata();
    assert.equal(bmd.retentionPolicy?.retentionPeriod, '3600');
    const file = b.file('young.txt');
    await file.save('young', { resumable: false });
    const until = new Date(clock.now() + 3600_000).toISOString();

    const del = await refusal(file.delete());
    assert.equal(del.code, 403);
    assert.equal(reason(del), 'forbidden');
    assert.equal(
      del.message,
      `Object 'retained-bucket/young.txt' is subject to bucket's retention policy and cannot be deleted, overwritten or archived until ${until}`,
    );
    assert.equal((await refusal(file.save('again', { resumable: false }))).code, 403);
    await file.setMetadata({ metadata: { edited: 'yes' } });

    await clock.advance(3600_000 - 1);
    assert.equal((await refusal(file.delete())).code, 403);
    await clock.advance(1);
    await file.save('again', { resumable: false });
    assert.equal((await refusal(file.delete())).code, 403, 'the new generation starts its own period');
    await clock.advance(3600_000);
    await file.delete();
  });

  test('releasing an event-based hold restarts the object time in the bucket; removing the policy frees everything', async () => {
    const b = await bucket('retained-held');
    await b.setRetentionPeriod(60);
    const file = b.file('held.txt');
    await file.save('x', { resumable: false, metadata: { eventBasedHold: true } });
    await clock.advance(120_000);
    await file.setMetadata({ eventBasedHold: false });
    const err = await refusal(file.delete());
    assert.match(err.message, /retention policy/);
    await clock.advance(60_000);
    await file.save('y', { resumable: false });
    await b.removeRetentionPeriod();
    await file.delete();
  });

  test('a bad retention period is 400', async () => {
    const b = await bucket('retention-bad');
    const err = await refusal(b.setMetadata({ retentionPolicy: { retentionPeriod: 'soon' } }));
    assert.equal(err.code, 400);
  });
});
