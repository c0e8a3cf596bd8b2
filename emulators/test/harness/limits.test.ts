/** The limits registry: defaults, start overrides, validated patches applied as a whole, reset. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { countOrNull, LimitsRegistry, onlyKnownFields } from '../../harness/limits.js';

interface Demo {
  cap: number | null;
  mode: string;
}

const parse = (patch: Record<string, unknown>): Partial<Demo> => {
  onlyKnownFields(patch, ['cap', 'mode']);
  const out: Partial<Demo> = {};
  if ('cap' in patch) out.cap = countOrNull(patch.cap, 'cap');
  if ('mode' in patch) {
    if (typeof patch.mode !== 'string') throw new Error('mode must be a string');
    out.mode = patch.mode;
  }
  return out;
};

describe('LimitsRegistry', () => {
  test('defaults, start overrides, set, reset to the start values', () => {
    const registry = new LimitsRegistry({ demo: { cap: 5 } });
    const demo = registry.register<Demo>('demo', { cap: 100, mode: 'a' }, parse);
    assert.deepEqual(demo.get(), { cap: 5, mode: 'a' });
    assert.deepEqual(registry.set({ demo: { cap: null, mode: 'b' } }), { demo: { cap: null, mode: 'b' } });
    assert.deepEqual(demo.get(), { cap: null, mode: 'b' });
    registry.reset();
    assert.deepEqual(demo.get(), { cap: 5, mode: 'a' });
  });

  test('a bad patch changes nothing, not even its valid sections', () => {
    const registry = new LimitsRegistry();
    const one = registry.register<Demo>('one', { cap: 1, mode: 'a' }, parse);
    registry.register<Demo>('two', { cap: 2, mode: 'a' }, parse);
    assert.throws(() => registry.set({ one: { cap: 9 }, two: { cap: 0 } }), /^Error: limits\.two: cap must be null or an integer >= 1$/);
    assert.equal(one.get().cap, 1);
  });

  const refusals: Array<[string, unknown, RegExp]> = [
    ['not an object', [], /must be an object of sections: demo/],
    ['an unknown section', { nope: {} }, /unknown limits section "nope" \(known: demo\)/],
    ['a section that is not an object', { demo: 3 }, /limits\.demo must be an object/],
    ['an unknown field', { demo: { capp: 1 } }, /limits\.demo: unknown field\(s\) capp \(known: cap, mode\)/],
  ];
  for (const [name, patch, message] of refusals) {
    test(`refuses ${name}`, () => {
      const registry = new LimitsRegistry();
      registry.register<Demo>('demo', { cap: 1, mode: 'a' }, parse);
      assert.throws(() => registry.set(patch), message);
    });
  }

  test('start overrides are validated when the section registers', () => {
    const registry = new LimitsRegistry({ demo: { cap: -1 } });
    assert.throws(() => registry.register<Demo>('demo', { cap: 1, mode: 'a' }, parse), /limits\.demo: cap must be null/);
  });
});
