/** Which command opens a URL on each platform, with the URL passed whole (an `&` must not split it). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserCommand } from '../../../src/cli/open-browser.js';

const URL = 'https://accounts.google.com/o/oauth2/v2/auth?client_id=x&scope=y';
const rows: [NodeJS.Platform, ReturnType<typeof browserCommand>][] = [
  ['darwin', { command: 'open', args: [URL], verbatim: false }],
  ['linux', { command: 'xdg-open', args: [URL], verbatim: false }],
  ['freebsd', { command: 'xdg-open', args: [URL], verbatim: false }],
  ['win32', { command: 'cmd', args: ['/c', 'start', '""', `"${URL}"`], verbatim: true }],
];
for (const [platform, expected] of rows) test(platform, () => assert.deepEqual(browserCommand(platform, URL), expected));
