/**
 * The event handler leaves the domain functions-framework runs it in (src/runtime/framework-domain.ts):
 * inside a domain as the framework makes one, after the call no domain is active, neither at once nor in
 * the continuations and timers the handler creates afterwards; outside any domain it does nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create } from 'node:domain';
import { leaveFrameworkDomain } from '../../../src/runtime/framework-domain.js';

const activeDomain = (): unknown => (process as { domain?: unknown }).domain ?? undefined;

test('inside the framework-style domain: left at once, and what runs later runs outside it', async () => {
  const d = create();
  const seen = await new Promise<unknown[]>((resolve) => {
    d.run(() => {
      const before = activeDomain();
      leaveFrameworkDomain();
      const now = activeDomain();
      void Promise.resolve().then(() => {
        const inContinuation = activeDomain();
        setTimeout(() => resolve([before, now, inContinuation, activeDomain()]), 1);
      });
    });
  });
  assert.deepEqual(seen, [d, undefined, undefined, undefined]);
});

test('outside any domain: nothing to leave, nothing thrown', () => {
  assert.equal(activeDomain(), undefined);
  leaveFrameworkDomain();
  assert.equal(activeDomain(), undefined);
});
