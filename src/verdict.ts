/**
 * What a failed backup means for the event: acknowledge (retrying cannot help, or nothing is lost) or
 * throw so Eventarc retries, and which log line tells the operator. The classification itself is
 * errors.ts's (`classifyFailure`); this only maps a class to the event's fate.
 */
import { ConfigError } from './config.js';
import { classifyFailure, type Failure } from './errors.js';

export type Verdict =
  | { retry: true; log: 'checkpoint' | 'busy' | 'transient'; reason: string }
  | { retry: true; log: 'operator'; reason: string; action: string }
  | { retry: true; log: 'reauthorize'; reason: string }
  | { retry: false; log: 'permanent'; reason: string; action?: string }
  | { retry: false; log: 'gone'; reason: string };

export function failureVerdict(err: unknown): Verdict {
  if (err instanceof ConfigError)
    return { retry: true, log: 'operator', reason: err.message, action: `fix ${err.variable} in the function's environment` };
  return fromFailure(classifyFailure(err, 'drive'));
}

function fromFailure(failure: Failure): Verdict {
  switch (failure.kind) {
    case 'transient':
    case 'session-gone':
    case 'backup-file-gone':
      return { retry: true, log: 'transient', reason: failure.reason };
    case 'busy':
    case 'checkpoint':
      return { retry: true, log: failure.kind, reason: failure.reason };
    case 'reauthorize':
      return { retry: true, log: 'reauthorize', reason: failure.reason };
    case 'operator':
      return { retry: true, log: 'operator', reason: failure.reason, action: failure.action };
    case 'permanent':
      return { retry: false, log: 'permanent', reason: failure.reason, action: failure.action };
    case 'object-gone':
      return { retry: false, log: 'gone', reason: failure.reason };
  }
}
