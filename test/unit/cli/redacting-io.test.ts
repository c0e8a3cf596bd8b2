/** The CLI's output filter: protected values never reach stdout or stderr; short values are not protected. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CliIO } from '../../../src/cli/io.js';
import { redactingIO } from '../../../src/cli/redacting-io.js';

function capture(): CliIO & { out: string[] } {
  const out: string[] = [];
  return { argv: [], env: {}, isTTY: false, stdout: (t) => void out.push(`out:${t}`), stderr: (t) => void out.push(`err:${t}`), out };
}

const rows: [protect: (string | null | undefined)[], text: string, expected: string][] = [
  [['1//refresh-token-secret'], 'token 1//refresh-token-secret here', 'token [REDACTED] here'],
  [['secret-a', 'secret-a-longer'], 'secret-a-longer and secret-a', '[REDACTED]-longer and [REDACTED]'],
  [['short'], 'a short word', 'a short word'],
  [[null, undefined, ''], 'nothing to hide', 'nothing to hide'],
];
for (const [protect, text, expected] of rows) {
  test(`${JSON.stringify(protect)} → ${expected}`, () => {
    const plain = capture();
    const io = redactingIO(plain);
    for (const value of protect) io.protect(value);
    io.stdout(text);
    io.stderr(text);
    assert.deepEqual(plain.out, [`out:${expected}`, `err:${expected}`]);
  });
}
