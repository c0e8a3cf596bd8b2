/**
 * sandbox/logs.ts: every line the sandbox prints to stderr shows foreign text (object names, the
 * functions' lines, reply bodies, error messages) as data: terminal escapes and bidi overrides come out as
 * `\uXXXX`, so an object name cannot retitle the terminal, erase a line or reverse what follows it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandboxLog, type SandboxLog } from '../../../sandbox/logs.js';

const TITLE = '\u001b]0;pwned\u0007';
const ERASE = '\u001b[1A\u001b[2K';
const HOSTILE = `a${TITLE}${ERASE}OK\u202etxt.exe\r\nforged line`;
const SHOWN = 'a\\u001b]0;pwned\\u0007\\u001b[1A\\u001b[2KOK\\u202etxt.exe\\u000d\\u000aforged line';
// eslint-disable-next-line no-control-regex -- what must never reach the terminal
const RAW = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const rows: [what: string, call: (log: SandboxLog) => void][] = [
  [
    'a function line (JSON)',
    (log) => log.functionLine('event', JSON.stringify({ severity: 'INFO', message: `uploaded gs://b/${HOSTILE}` })),
  ],
  ['a function line (not JSON)', (log) => log.functionLine('http', `Error: ${HOSTILE}`)],
  [
    'a redelivery',
    (log) => log.deliveryRetry({ kind: 'finalized', name: HOSTILE, attempt: 2, status: `HTTP 500 ${HOSTILE}`, delayMs: 1000 }),
  ],
  ['an abandoned delivery', (log) => log.deliveryAbandoned({ kind: 'finalized', name: HOSTILE, attempts: 12, status: 'HTTP 500' })],
  ['a dropped delivery', (log) => log.deliveryDropped({ kind: 'deleted', name: HOSTILE })],
  ['a reconcile answer', (log) => log.reconcileAnswered({ status: 200, body: `{"name":"${HOSTILE}"}` })],
  ['an unreachable reconcile', (log) => log.reconcileUnreachable({ error: HOSTILE })],
  ['a failed save', (log) => log.emulatorSaveFailed({ error: HOSTILE })],
];

describe('the sandbox prints foreign text as data', () => {
  for (const [what, call] of rows) {
    test(what, () => {
      const lines: string[] = [];
      call(createSandboxLog((line) => lines.push(line)));
      assert.equal(lines.length, 1, 'one line');
      assert.doesNotMatch(lines[0], RAW);
      assert.ok(lines[0].includes(SHOWN), lines[0]);
    });
  }
});
