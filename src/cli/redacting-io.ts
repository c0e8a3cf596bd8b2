/**
 * A `CliIO` whose stdout and stderr replace registered secret values (refresh and access tokens, the
 * client secret) with `[REDACTED]`: the commands never print them on purpose, and this makes sure an
 * error message from a client library cannot print them by accident either.
 */
import type { CliIO } from './io.js';

export interface RedactingIO extends CliIO {
  /** Every later output has `value` replaced. Values under 6 characters are ignored (too common). */
  protect(value: string | null | undefined): void;
}

export function redactingIO(io: CliIO): RedactingIO {
  const secrets = new Set<string>();
  const clean = (text: string): string => {
    let out = text;
    for (const s of secrets) out = out.split(s).join('[REDACTED]');
    return out;
  };
  return {
    ...io,
    stdout: (text) => io.stdout(clean(text)),
    stderr: (text) => io.stderr(clean(text)),
    protect(value) {
      if (value && value.length >= 6) secrets.add(value);
    },
  };
}
