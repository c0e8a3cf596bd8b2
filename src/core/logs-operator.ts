/**
 * The lines that ask the operator to act (one ERROR line each, with `problem`, `action` and a
 * `problemCode` the alert groups by), and the configuration's: what is wrong and what to do, the event
 * retried or acknowledged as the failure table says.
 */
import type { FailureKind, ProblemCode, Service } from './failure.js';
import { where, type Emit, type ObjectId, type Traced } from './logs-entry.js';

/** What a failed line carries so metrics and alerts can group it: the failure's kind and service. */
export type FailureFields = { readonly failureClass: FailureKind; readonly service: Service };

/** What operator, reauthorize and permanent lines carry on top (the logger adds `outcome: "failed"`). */
export interface ProblemFields extends FailureFields {
  readonly problem: string;
  readonly action: string;
  readonly problemCode: ProblemCode;
}

export interface OperatorLog {
  configInvalid(e: { variable: string; message: string }): void;
  /** `problem` and `action` default to the sentence the line's message says. */
  reauthorizeRequired(e: Partial<ObjectId> & { secret: string; error?: unknown } & Partial<ProblemFields> & Traced): void;
  operatorActionRequired(e: Partial<ObjectId> & ProblemFields & { error?: unknown } & Traced): void;
  permanentFailure(e: ObjectId & ProblemFields & { error?: unknown } & Traced): void;
}

export function operatorLog(emit: Emit): OperatorLog {
  return {
    configInvalid(e) {
      emit('ERROR', 'configInvalid', `invalid configuration: ${e.message}`, e);
    },
    reauthorizeRequired(e) {
      const command = `npx --no gcs-drive-backup authorize --client-secrets credentials.json --secret ${e.secret.replace(/\/versions\/[^/]+$/, '')}`;
      const problem = `The Drive authorization stored in ${e.secret} was revoked or expired`;
      const action = `run \`${command}\` (with the options used the first time) again`;
      const message = `${problem}: ${action}; events will be retried and nothing is lost.`;
      const fields = { problem, action, problemCode: 'reauthorize', failureClass: 'reauthorize', service: 'oauth', ...e };
      emit('ERROR', 'reauthorizeRequired', message, { ...fields, outcome: 'failed' });
    },
    operatorActionRequired(e) {
      const subject = e.bucket !== undefined ? `${where(e)}: ` : '';
      emit('ERROR', 'operatorActionRequired', `${subject}${e.problem}; action required: ${e.action}`, { ...e, outcome: 'failed' });
    },
    permanentFailure(e) {
      const ack = 'The event is acknowledged and will not be retried.';
      const message = `giving up on ${where(e)}: ${e.problem}. ${ack} Action: ${e.action}`;
      emit('ERROR', 'permanentFailure', message, { ...e, outcome: 'failed' });
    },
  };
}
