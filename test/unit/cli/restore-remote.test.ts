/**
 * `restore --remote` (src/cli/restore-remote.ts): which URLs it posts to (https, or http on this machine
 * only), and its progress line, by table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressLine, restoreUrl } from '../../../src/cli/restore-remote.js';

test('restoreUrl', () => {
  const rows: [given: string, url: string | RegExp][] = [
    ['https://fn-123.europe-west1.run.app', 'https://fn-123.europe-west1.run.app/restore'],
    ['https://fn-123.europe-west1.run.app/', 'https://fn-123.europe-west1.run.app/restore'],
    ['https://fn-123.europe-west1.run.app/restore', 'https://fn-123.europe-west1.run.app/restore'],
    ['http://127.0.0.1:8081', 'http://127.0.0.1:8081/restore'],
    ['http://fn.example.com', /must be an https:\/\/ URL \(http:\/\/ only on this machine\)/],
    ['fn.example.com', /must be the HTTP function's URL/],
  ];
  for (const [given, want] of rows) {
    if (typeof want === 'string') assert.equal(restoreUrl(given).toString(), want);
    else assert.throws(() => restoreUrl(given), want);
  }
});

test('progressLine', () => {
  const rows: [p: Parameters<typeof progressLine>[0], line: string][] = [
    [{ counts: {}, remaining: 0, listed: false, done: false }, 'progress: nothing yet; listing the backup'],
    [
      { counts: { restored: 3, exists: 1 }, remaining: 5, listed: false, done: false },
      'progress: 1 exists, 3 restored; listing the backup, 5 in tasks',
    ],
    [{ counts: { restored: 3 }, remaining: 2, listed: true, done: false }, 'progress: 3 restored; 2 in tasks'],
    [
      { counts: { restored: 3 }, remaining: 2, waiting: 1, listed: true, done: false },
      'progress: 3 restored; 2 in tasks (1 waiting for Drive to lift a download limit)',
    ],
    [{ counts: { restored: 5 }, remaining: 0, listed: true, done: true }, 'progress: 5 restored; done'],
  ];
  for (const [p, line] of rows) assert.equal(progressLine(p), line);
});
