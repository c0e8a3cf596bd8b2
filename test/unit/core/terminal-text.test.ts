/**
 * Table for the one escape every printed name and foreign string goes through: what acts on a terminal
 * or on the text's direction is shown as `\uXXXX`; everything else, non-Latin scripts and emoji included,
 * prints as it is.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeForTerminal } from '../../../src/core/terminal-text.js';

describe('escapeForTerminal', () => {
  const rows: [name: string, input: string, expected: string][] = [
    ['plain name', 'reports/2024/q1.csv', 'reports/2024/q1.csv'],
    ['empty', '', ''],
    ['spaces, quotes and a backslash stay', 'a b "c" \\d', 'a b "c" \\d'],
    ['non-Latin scripts and emoji stay', '日本語/שלום/😀.txt', '日本語/שלום/😀.txt'],
    ['zero-width joiner in an emoji stays', '👩\u200d💻', '👩\u200d💻'],
    ['title change (OSC … BEL)', '\u001b]0;pwned\u0007x', '\\u001b]0;pwned\\u0007x'],
    ['cursor up and erase line', 'a\u001b[1A\u001b[2KOK', 'a\\u001b[1A\\u001b[2KOK'],
    ['newline, carriage return, tab', 'a\nb\rc\td', 'a\\u000ab\\u000dc\\u0009d'],
    ['NUL and DEL', '\u0000\u007f', '\\u0000\\u007f'],
    ['C1 CSI (one byte) and NEL', 'x\u009b2Jy\u0085', 'x\\u009b2Jy\\u0085'],
    ['right-to-left override', 'evil\u202etxt.exe', 'evil\\u202etxt.exe'],
    ['every embedding and override', '\u202a\u202b\u202c\u202d\u202e', '\\u202a\\u202b\\u202c\\u202d\\u202e'],
    ['isolates', '\u2066\u2067\u2068\u2069', '\\u2066\\u2067\\u2068\\u2069'],
    ['bidi marks', '\u200e\u200f\u061c', '\\u200e\\u200f\\u061c'],
    ['line and paragraph separators', 'a\u2028b\u2029', 'a\\u2028b\\u2029'],
    ['lone high surrogate', 'a\ud800b', 'a\\ud800b'],
    ['lone low surrogate', 'a\udc00', 'a\\udc00'],
    ['lone high surrogate at the end', 'a\ud83d', 'a\\ud83d'],
    ['a pair is a character, not lone', '\ud83d\ude00', '😀'],
  ];
  for (const [name, input, expected] of rows) test(name, () => assert.equal(escapeForTerminal(input), expected));

  test('the result has no control, bidi or separator character left', () => {
    let all = '';
    for (let c = 0; c < 0x3000; c++) all += String.fromCharCode(c);
    const out = escapeForTerminal(all);
    // eslint-disable-next-line no-control-regex -- the characters that must not be left
    assert.doesNotMatch(out, /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
  });

  test('idempotent on its own output (escaping twice changes nothing more)', () => {
    const once = escapeForTerminal('x\u001b[2K\u202ey');
    assert.equal(escapeForTerminal(once), once);
  });
});
