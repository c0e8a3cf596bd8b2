/**
 * Table test of the event function's answer to Eventarc: which ends of an event are acknowledged (the
 * function returns) and which are thrown back to be retried. The expected fates are written out here, not
 * read from the failure table, so a changed row is caught; the failure kinds' table is typed by
 * FailureKind, so a new kind fails to compile until it has its expected fate.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FailureKind } from '../../../src/core/failure.js';
import { eventFate, type EventEnd, type EventFate } from '../../../src/event/retry-decision.js';

const ENDS: readonly (readonly [string, EventEnd, EventFate])[] = [
  ['a malformed event: retrying cannot fix it', { kind: 'malformed' }, 'acknowledge'],
  ['an event of a type we do not back up', { kind: 'ignored' }, 'acknowledge'],
  ['an event in the state bucket', { kind: 'state-bucket' }, 'acknowledge'],
  ['an event for a bucket this deployment does not back up', { kind: 'bucket-refused' }, 'acknowledge'],
  ['an invalid configuration: retried until the operator fixes it', { kind: 'config-invalid' }, 'retry'],
  ['backed up, enqueued or deletion recorded', { kind: 'done' }, 'acknowledge'],
];

const FAILURES: { readonly [K in FailureKind]: EventFate } = {
  transient: 'retry',
  'rate-limited': 'retry',
  busy: 'retry',
  'session-gone': 'retry',
  'backup-file-gone': 'retry',
  checkpoint: 'retry',
  operator: 'retry',
  reauthorize: 'retry',
  permanent: 'acknowledge',
  'object-gone': 'acknowledge',
};

describe('eventFate', () => {
  for (const [name, end, fate] of ENDS) {
    test(`${name} → ${fate}`, () => assert.equal(eventFate(end), fate));
  }
  for (const [failure, fate] of Object.entries(FAILURES) as [FailureKind, EventFate][]) {
    test(`a failure of kind ${failure} → ${fate}`, () => assert.equal(eventFate({ kind: 'failed', failure }), fate));
  }
});
