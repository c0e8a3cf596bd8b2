/** `check`'s freshness verdict (src/cli/freshness.ts), pure, by table: empty, backed up, pending, stale. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshnessVerdict } from '../../../src/cli/freshness.js';

const NOW = Date.parse('2026-11-29T12:00:00Z');
const ref = (ageMs: number) => ({ bucket: 'b', name: 'a/x.txt', generation: '5', updated: new Date(NOW - ageMs).toISOString() });

const rows: [title: string, args: Parameters<typeof freshnessVerdict>, fresh: boolean, line: RegExp][] = [
  [
    'an empty bucket',
    ['b', { listed: 0, truncated: false }, undefined, 600_000, NOW],
    true,
    /^OK: freshness: no object to back up in gs:\/\/b\.$/,
  ],
  [
    'backed up',
    ['b', { ref: ref(42_000), listed: 3, truncated: false }, { id: 'F' }, 600_000, NOW],
    true,
    /^OK: freshness: the newest object, gs:\/\/b\/a\/x\.txt#5 \(written 2026-11-29T11:59:18\.000Z, 42 s ago\), is backed up \(Drive file F\)\.$/,
  ],
  [
    'missing but young: pending',
    ['b', { ref: ref(60_000), listed: 3, truncated: false }, undefined, 600_000, NOW],
    true,
    /^Pending: .* is not in Drive yet; it counts as stale after 600 s/,
  ],
  [
    'missing and old: stale',
    ['b', { ref: ref(3 * 3600_000), listed: 3, truncated: false }, undefined, 600_000, NOW],
    false,
    /^STALE: .*\(written .*, 3 h ago\), has no backup in Drive: .*verify.*reconcile gs:\/\/b/,
  ],
  ['stale after 0 s: at once', ['b', { ref: ref(0), listed: 1, truncated: false }, undefined, 0, NOW], false, /^STALE: /],
  [
    'a truncated listing says so',
    ['b', { ref: ref(1000), listed: 1000, truncated: true }, { id: 'F' }, 0, NOW],
    true,
    /the newest object \(the newest of the first 1000 objects, in name order\)/,
  ],
];
for (const [title, args, fresh, line] of rows) {
  test(title, () => {
    const verdict = freshnessVerdict(...args);
    assert.equal(verdict.fresh, fresh);
    assert.match(verdict.line, line);
  });
}
