/**
 * Direct mode's pacer (src/drive/pacer.ts) on a fake clock: the token bucket's waits by table, arrival
 * order kept, reads never paced, no pacer at 0, and the write calls it paces named as the Drive gateway's
 * callers name them (a renamed call would silently stop being paced).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createDrivePacer, DRIVE_WRITE_CALLS, TokenBucketPacer, type PacerClock } from '../../../src/drive/pacer.js';

/** A clock that moves only when the pacer sleeps. */
function fakeClock(): PacerClock & { t: number; sleeps: number[] } {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
      return Promise.resolve();
    },
  };
  return clock;
}

describe('TokenBucketPacer', () => {
  const rows: [title: string, perSecond: number, burst: number, calls: number, sleeps: number[]][] = [
    ['within the burst: no wait', 2, 2, 2, []],
    ['2/s, burst 2: the third waits half a second', 2, 2, 3, [500]],
    ['2/s, burst 1: one every 500 ms', 2, 1, 4, [500, 500, 500]],
    ['0.5/s: one every 2 s', 0.5, 1, 3, [2000, 2000]],
    ['3/s: waits round up to the millisecond', 3, 1, 3, [334, 334]],
  ];
  for (const [title, perSecond, burst, calls, sleeps] of rows) {
    test(title, async () => {
      const clock = fakeClock();
      const pacer = new TokenBucketPacer(perSecond, burst, () => true, clock);
      for (let i = 0; i < calls; i++) await pacer.acquire('upload');
      assert.deepEqual(clock.sleeps, sleeps);
    });
  }

  test('waiters go in arrival order, one token each', async () => {
    const clock = fakeClock();
    const pacer = new TokenBucketPacer(1, 1, () => true, clock);
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => pacer.acquire('upload').then(() => order.push(n))));
    assert.deepEqual(order, [1, 2, 3]);
    assert.equal(clock.t, 2000);
  });

  test('a call it does not pace goes at once and takes no token', async () => {
    const clock = fakeClock();
    const pacer = new TokenBucketPacer(1, 1, (what) => what === 'upload', clock);
    await pacer.acquire('upload');
    for (let i = 0; i < 5; i++) await pacer.acquire('files.list');
    assert.deepEqual(clock.sleeps, []);
    assert.equal(pacer.waitMs(), 1000);
  });

  test('refuses a rate of 0 or a burst below 1', () => {
    assert.throws(() => new TokenBucketPacer(0, 1, () => true), RangeError);
    assert.throws(() => new TokenBucketPacer(1, 0.5, () => true), RangeError);
  });
});

describe('createDrivePacer', () => {
  test('DRIVE_WRITES_PER_SECOND=0: unpaced (no pacer)', () => assert.equal(createDrivePacer(0), undefined));

  test('paces writes only, with a burst of one second', async () => {
    const clock = fakeClock();
    const pacer = createDrivePacer(2, clock);
    assert.ok(pacer);
    for (const what of ['upload', 'start-session', 'files.create (folder)']) await pacer.acquire(what);
    for (const what of ['files.get (probe)', 'files.list (folder to adopt)', 'chunk', 'probe']) await pacer.acquire(what);
    assert.deepEqual(clock.sleeps, [500]);
  });

  test("every paced name is a Drive call the product makes (src/**: `drive.call('…'` or the resumable upload's)", () => {
    const source = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? source(path) : [readFileSync(path, 'utf8')];
      });
    const text = source(join(__dirname, '..', '..', '..', 'src', 'backup')).join('\n');
    for (const what of DRIVE_WRITE_CALLS) assert.ok(text.includes(`'${what}'`), `${what} is called somewhere in src/backup`);
  });
});
