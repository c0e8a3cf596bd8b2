/**
 * The Drive pacer: its rate arithmetic by table (src/drive/pace-rate.ts: down on each refusal kind, once
 * per burst of refusals, up on success, Retry-After held, floor and ceiling), and the pacer itself on a fake
 * clock (src/drive/pacer.ts): waits of its token bucket, arrival order kept, reads never paced, a refusal
 * slowing the next writes, DRIVE_WRITES_PER_SECOND as the ceiling, and the write calls it paces named as
 * the Drive gateway's callers name them (a renamed call would silently stop being paced).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Failure } from '../../../src/core/failure.js';
import { initialRate, nextRate, type PaceEvent, type PaceSettings, type RateState } from '../../../src/drive/pace-rate.js';
import { AdaptivePacer, createDrivePacer, DRIVE_WRITE_CALLS, refusalKindOf, type PacerClock } from '../../../src/drive/pacer.js';

/** A clock that moves only when the pacer sleeps (or the test says). */
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

const SETTINGS: PaceSettings = {
  start: 4,
  floor: 0.5,
  ceiling: 8,
  decrease: { rateLimitExceeded: 0.5, userRateLimitExceeded: 0.25, tooManyRequests: 0.75 },
  increase: 0.1,
};

describe('nextRate', () => {
  const at = (rate: number, extra: Partial<RateState> = {}): RateState => ({
    rate,
    holdUntilMs: -Infinity,
    lastDecreaseMs: -Infinity,
    ...extra,
  });
  const refused = (
    refusal: 'rateLimitExceeded' | 'userRateLimitExceeded' | 'tooManyRequests',
    more: Partial<PaceEvent> = {},
  ): PaceEvent => ({ kind: 'refused', refusal, grantedAtMs: 900, ...more });
  const rows: [title: string, before: RateState, event: PaceEvent, after: RateState][] = [
    ['403 rateLimitExceeded: down by its factor', at(4), refused('rateLimitExceeded'), at(2, { holdUntilMs: 1000, lastDecreaseMs: 1000 })],
    [
      '403 userRateLimitExceeded: down by its factor',
      at(4),
      refused('userRateLimitExceeded'),
      at(1, { holdUntilMs: 1000, lastDecreaseMs: 1000 }),
    ],
    ['429: down by its factor', at(4), refused('tooManyRequests'), at(3, { holdUntilMs: 1000, lastDecreaseMs: 1000 })],
    [
      'Retry-After: writes held until it has passed',
      at(4),
      refused('tooManyRequests', { retryAfterMs: 7000 }),
      at(3, { holdUntilMs: 8000, lastDecreaseMs: 1000 }),
    ],
    [
      'a write granted before the last decrease: no second decrease, its Retry-After still held',
      at(2, { lastDecreaseMs: 950 }),
      refused('rateLimitExceeded', { retryAfterMs: 500 }),
      at(2, { holdUntilMs: 1500, lastDecreaseMs: 950 }),
    ],
    ['never below the floor', at(0.6), refused('userRateLimitExceeded'), at(0.5, { holdUntilMs: 1000, lastDecreaseMs: 1000 })],
    ['an accepted write: up by 10%', at(4), { kind: 'accepted' }, at(4.4)],
    ['never above the ceiling', at(7.5), { kind: 'accepted' }, at(8)],
    ['an accepted write keeps a hold', at(2, { holdUntilMs: 5000 }), { kind: 'accepted' }, at(2.2, { holdUntilMs: 5000 })],
  ];
  for (const [title, before, event, after] of rows) {
    test(title, () => {
      const got = nextRate(before, event, 1000, SETTINGS);
      assert.deepEqual({ ...got, rate: Math.round(got.rate * 1000) / 1000 }, after);
    });
  }

  test('starts at `start`, clamped to the ceiling', () => {
    assert.equal(initialRate(SETTINGS).rate, 4);
    assert.equal(initialRate({ ...SETTINGS, start: 20 }).rate, 8);
  });
});

const rateLimited: Failure = { kind: 'rate-limited', service: 'drive', reason: 'Drive replied 403 rateLimitExceeded' };
const driveError = (status: number, reason: string) =>
  Object.assign(new Error(reason), { response: { status, data: { error: { code: status, errors: [{ reason }] } } } });

describe('AdaptivePacer', () => {
  const pacerAt = (clock: PacerClock, burst = 1, settings: PaceSettings = { ...SETTINGS, start: 2 }) =>
    new AdaptivePacer(settings, burst, (what) => what === 'upload', clock);

  const rows: [title: string, burst: number, calls: number, sleeps: number[]][] = [
    ['within the burst: no wait', 2, 2, []],
    ['2/s, burst 1: one every 500 ms', 1, 4, [500, 500, 500]],
    ['2/s, burst 2: the third waits half a second', 2, 3, [500]],
  ];
  for (const [title, burst, calls, sleeps] of rows) {
    test(title, async () => {
      const clock = fakeClock();
      const pacer = pacerAt(clock, burst);
      for (let i = 0; i < calls; i++) await pacer.acquire('upload');
      assert.deepEqual(clock.sleeps, sleeps);
    });
  }

  test('waiters go in arrival order, one token each', async () => {
    const clock = fakeClock();
    const pacer = pacerAt(clock);
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => pacer.acquire('upload').then(() => order.push(n))));
    assert.deepEqual(order, [1, 2, 3]);
    assert.equal(clock.t, 1000);
  });

  test('a call it does not pace goes at once, takes no token and gets no slot', async () => {
    const clock = fakeClock();
    const pacer = pacerAt(clock);
    await pacer.acquire('upload');
    for (let i = 0; i < 5; i++) assert.equal(await pacer.acquire('files.list'), undefined);
    assert.deepEqual(clock.sleeps, []);
    assert.equal(pacer.waitMs(), 500);
  });

  test('a refusal halves the rate and empties the bucket; accepted writes raise it again', async () => {
    const clock = fakeClock();
    const pacer = pacerAt(clock, 5);
    const slot = await pacer.acquire('upload');
    assert.ok(slot);
    pacer.settle(slot, driveError(403, 'rateLimitExceeded'), rateLimited);
    assert.equal(pacer.rate, 1);
    assert.equal(pacer.waitMs(), 1000, 'a whole interval at the new rate, burst or not');
    const next = await pacer.acquire('upload');
    assert.ok(next);
    pacer.settle(next);
    assert.equal(pacer.rate, 1.1);
  });

  test('Retry-After holds every write, a second refusal of the same burst does not lower the rate again', async () => {
    const clock = fakeClock();
    const pacer = pacerAt(clock, 5);
    const [a, b] = await Promise.all([pacer.acquire('upload'), pacer.acquire('upload')]);
    assert.ok(a && b);
    clock.t += 10;
    pacer.settle(a, driveError(429, 'rateLimitExceeded'), { ...rateLimited, retryAfterMs: 3000 });
    pacer.settle(b, driveError(429, 'rateLimitExceeded'), { ...rateLimited, retryAfterMs: 3000 });
    assert.equal(pacer.rate, 1.5, "429's factor, once");
    assert.equal(pacer.waitMs(), 3000);
  });

  test("other failures (not Drive's rate refusals) change nothing", async () => {
    const clock = fakeClock();
    const pacer = pacerAt(clock);
    const slot = await pacer.acquire('upload');
    assert.ok(slot);
    pacer.settle(slot, driveError(503, 'backendError'), { kind: 'transient', service: 'drive', reason: '503' });
    assert.equal(pacer.rate, 2);
  });

  test('the refusal kind is read from the error Drive sent', () => {
    assert.equal(refusalKindOf(driveError(429, 'rateLimitExceeded')), 'tooManyRequests');
    assert.equal(refusalKindOf(driveError(403, 'userRateLimitExceeded')), 'userRateLimitExceeded');
    assert.equal(refusalKindOf(driveError(403, 'rateLimitExceeded')), 'rateLimitExceeded');
  });
});

describe('createDrivePacer', () => {
  test("DRIVE_WRITES_PER_SECOND=0: paced all the same, from 10 writes/s with a burst of 10, no ceiling but the setting's maximum", async () => {
    const clock = fakeClock();
    const pacer = createDrivePacer(0, clock);
    assert.equal(pacer.rate, 10);
    for (let i = 0; i < 11; i++) await pacer.acquire('upload');
    assert.deepEqual(clock.sleeps, [100]);
    for (let i = 0; i < 2000; i++) pacer.settle({ grantedAtMs: 0 });
    assert.equal(pacer.rate, 1000);
  });

  test('DRIVE_WRITES_PER_SECOND=2: the ceiling (and the start, and a burst of one second)', async () => {
    const clock = fakeClock();
    const pacer = createDrivePacer(2, clock);
    for (const what of ['upload', 'start-session', 'files.create (folder)']) await pacer.acquire(what);
    for (const what of ['files.get (probe)', 'files.list (folder to adopt)', 'chunk', 'probe']) await pacer.acquire(what);
    assert.deepEqual(clock.sleeps, [500]);
    for (let i = 0; i < 100; i++) pacer.settle({ grantedAtMs: 0 });
    assert.equal(pacer.rate, 2);
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
