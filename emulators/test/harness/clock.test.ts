/** The emulators' one clock (emulators/harness/clock.ts): what moving a ManualClock does, step by step. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, systemClock } from '../../harness/clock.js';

test('advance fires due timers in time order, each at its own instant, and stops at the target', async () => {
  const clock = new ManualClock(1_000);
  const seen: string[] = [];
  clock.at(1_300, () => seen.push(`b@${clock.now()}`));
  clock.at(1_100, () => seen.push(`a@${clock.now()}`));
  clock.at(1_300, () => seen.push(`c@${clock.now()}`));
  clock.at(2_000, () => seen.push(`late@${clock.now()}`));
  await clock.advance(500);
  assert.deepEqual(seen, ['a@1100', 'b@1300', 'c@1300']);
  assert.equal(clock.now(), 1_500);
  assert.equal(clock.pendingTimers(), 1);
});

test('after each timer, advance waits for the work it tracked, and for work that work starts', async () => {
  const clock = new ManualClock(0);
  const answered: number[] = [];
  const reply = (delayMs: number) => new Promise<void>((resolve) => setTimeout(resolve, delayMs));
  clock.at(100, () =>
    clock.track(
      reply(20).then(() => {
        answered.push(clock.now());
        clock.track(reply(20).then(() => answered.push(clock.now())));
      }),
    ),
  );
  clock.at(200, () => answered.push(-clock.now()));
  await clock.advance(300);
  assert.deepEqual(answered, [100, 100, -200], 'both answers at the instant of their timer, before the next timer');
});

test('moves run one after another: two advance(200) nobody awaits move it 400 ms', async () => {
  const clock = new ManualClock(0);
  void clock.advance(200);
  void clock.advance(200);
  await clock.advance(0);
  assert.equal(clock.now(), 400);
});

test('time never goes back, and a refused move does not stop the next', async () => {
  const clock = new ManualClock(5_000);
  await assert.rejects(clock.advanceTo(4_999), /does not go back/);
  await assert.rejects(clock.advance(-1), RangeError);
  await clock.advanceTo(6_000);
  assert.equal(clock.now(), 6_000);
});

test('a cancelled timer never fires; the system clock fires on wall time', async () => {
  const clock = new ManualClock(0);
  let fired = false;
  clock.at(10, () => (fired = true)).cancel();
  await clock.advance(100);
  assert.equal(fired, false);
  await new Promise<void>((resolve) => systemClock.at(systemClock.now() + 5, resolve));
});
