/**
 * Contract tests of `customTime` through `@google-cloud/storage` (https://cloud.google.com/storage/docs/metadata#custom-time):
 * set on a simple, multipart or resumable upload and on patch, kept by a rewrite, and never moved earlier
 * or removed once set (400 with Cloud Storage's message).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Bucket, CopyOptions } from '@google-cloud/storage';
import type { Emulators } from '../../index.js';
import { refusal, startWithBucket } from './support.js';

let emu: Emulators;
let b: Bucket;

before(async () => ({ emu, bucket: b } = await startWithBucket('custom-time')));
after(() => emu.stop());

const T1 = '2026-12-01T10:00:00.000Z';
const T2 = '2026-12-02T10:00:00.000Z';

test('set at upload (multipart and resumable), readable back', async () => {
  for (const resumable of [false, true]) {
    const file = b.file(`up-${resumable}.txt`);
    await file.save('x', { resumable, metadata: { customTime: T1 } });
    const [md] = await file.getMetadata();
    assert.equal(md.customTime, T1, `resumable: ${resumable}`);
  }
});

test('patch: set when absent, move later, never earlier nor removed', async () => {
  const file = b.file('patched.txt');
  await file.save('x', { resumable: false });
  assert.equal((await file.getMetadata())[0].customTime, undefined);
  await file.setMetadata({ customTime: T1 });
  await file.setMetadata({ customTime: T1 }, {});
  await file.setMetadata({ contentType: 'text/plain' });
  assert.equal((await file.getMetadata())[0].customTime, T1, 'a patch that does not name it keeps it');
  await file.setMetadata({ customTime: T2 });

  const earlier = await refusal(file.setMetadata({ customTime: T1 }));
  assert.equal(earlier.code, 400);
  assert.equal(
    earlier.message,
    'Custom time cannot be decreased. Previously: 2026-12-02T10:00:00.000000000+00:00. Attempting to set: 2026-12-01T10:00:00.000000000+00:00.',
  );
  const removed = await refusal(file.setMetadata({ customTime: null } as never));
  assert.equal(removed.code, 400);
  assert.equal((await file.getMetadata())[0].customTime, T2);

  const bad = await refusal(file.setMetadata({ customTime: 'yesterday' }));
  assert.equal(bad.code, 400);
});

test('a rewrite keeps it, or takes the one its destination metadata sets (a new object may go earlier)', async () => {
  const src = b.file('source.txt');
  await src.save('x', { resumable: false, metadata: { customTime: T2 } });
  const [kept] = await src.copy(b.file('copied.txt'));
  assert.equal((await kept.getMetadata())[0].customTime, T2);
  // The rewrite body is the destination's Object resource (the client passes its options through).
  const [earlier] = await src.copy(b.file('copied-earlier.txt'), { contentType: 'text/plain', customTime: T1 } as CopyOptions);
  assert.equal((await earlier.getMetadata())[0].customTime, T1);
  // A new upload over an object is a new generation: its customTime starts over.
  await src.save('y', { resumable: false, metadata: { customTime: T1 } });
  assert.equal((await src.getMetadata())[0].customTime, T1);
});
