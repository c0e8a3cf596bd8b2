/** Test support (not a test): a CliIO whose output is captured, for running commands in-process. */
import type { CliIO } from '../../src/cli/io.js';

export interface CapturedIO extends CliIO {
  out: string[];
  err: string[];
}

export function captureIO(argv: string[], env: Record<string, string>, isTTY = false): CapturedIO {
  const out: string[] = [];
  const err: string[] = [];
  return { argv, env: { ...env }, isTTY, out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) };
}
