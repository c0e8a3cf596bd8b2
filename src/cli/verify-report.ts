/**
 * What `verify` prints when the canary did not reach Drive in time, pure: what it saw (the object written;
 * its claim record in the state bucket or none; the Drive file missing, of the wrong size or MD5, or in
 * the trash) and what to check next, in the order that finds the break fastest: no claim means the event
 * never arrived (trigger, IAM), a claim without a good file means the function failed on it (its logs,
 * `check`). Logs queries are Cloud Logging filters, ready for `gcloud logging read`.
 */
import { formatBytes } from '../core/text.js';
import { escapeForTerminal as shown } from '../core/terminal-text.js';
import type { Canary, CanarySighting } from './canary.js';
import { describeRef } from '../core/object-ref.js';

export interface TimeoutFacts {
  canary: Canary;
  seen: CanarySighting;
  waitedMs: number;
  now: number;
  /** GOOGLE_CLOUD_PROJECT, when known: `--project` of the commands. */
  project?: string;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** A value for a Cloud Logging filter: double-quoted, `\` and `"` escaped. */
export function filterString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** One shell word: single-quoted, each `'` closed, escaped and reopened. */
export function shellWord(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function logsCommand(filter: string, project: string | undefined): string {
  return `gcloud logging read ${shellWord(filter)} --freshness=1h --limit=50${project ? ` --project=${project}` : ''}`;
}

/** The lines saying what was seen: the object, the claim record, the Drive file. */
export function sightingLines(facts: TimeoutFacts): string[] {
  const { canary, seen, now } = facts;
  const { size } = canary.ref;
  const lines = [`  object written: ${describeRef(canary.ref)} (${formatBytes(Number(size))}, MD5 ${canary.md5Hex})`];
  const record = seen.record;
  if (record === undefined) {
    lines.push('  state record:   none: no invocation of the function claimed the canary');
    lines.push('  Drive file:     none (no claim names one)');
    return lines;
  }
  const lease = record.leaseUntil > now ? `, lease until ${new Date(record.leaseUntil).toISOString()}` : ', lease ended';
  lines.push(`  state record:   claimed by ${shown(record.owner)} (${shown(record.status)}${lease})`);
  lines.push(`  Drive file:     ${describeDrive(facts)}`);
  return lines;
}

function describeDrive({ canary, seen }: TimeoutFacts): string {
  const drive = seen.drive;
  const id = shown(seen.record?.fileId ?? '');
  if (drive === undefined || drive === 'missing') return `missing (${id})`;
  const problems: string[] = [];
  if (drive.trashed) problems.push('in the Drive trash');
  if (drive.size !== Number(canary.ref.size)) problems.push(`${formatBytes(drive.size)}, expected ${formatBytes(Number(canary.ref.size))}`);
  if (drive.md5Hex !== canary.md5Hex) problems.push(`MD5 ${drive.md5Hex ?? 'none'}, expected ${canary.md5Hex}`);
  if (drive.generation !== canary.ref.generation)
    problems.push(`holds generation ${shown(drive.generation ?? 'none')}, expected ${canary.ref.generation}`);
  return `${id}: ${problems.length > 0 ? problems.join('; ') : 'as expected'}`;
}

/** What to check next, numbered, for what was seen. */
export function nextSteps(facts: TimeoutFacts): string[] {
  const { canary, seen, project } = facts;
  const { bucket, name } = canary.ref;
  const p = project ? ` --project=${project}` : '';
  const ofCanary = `jsonPayload.name=${filterString(name)}`;
  if (seen.record === undefined) {
    return [
      'The event function never claimed the canary: the event did not reach it, or the function failed before claiming.',
      `1. The trigger: an Eventarc trigger must send google.cloud.storage.object.v1.finalized events of gs://${bucket} to the event function (a deleted or broken one comes back with \`terraform apply\`):`,
      `     gcloud eventarc triggers list --location=REGION${p}`,
      "2. IAM: the Cloud Storage service agent needs roles/pubsub.publisher on the project, the trigger's service account roles/run.invoker on the event function and roles/eventarc.eventReceiver (`terraform apply` grants them again).",
      '3. The logs: no eventReceived line for the canary means steps 1-2; one means the lines after it say what failed (configInvalid, an operator error):',
      `     ${logsCommand(`${ofCanary} OR jsonPayload.event="configInvalid"`, project)}`,
    ];
  }
  const steps = [
    'The event function claimed the canary but did not back it up in time.',
    '1. The logs of its attempts: an operatorActionRequired or reauthorizeRequired line says what to fix; a failed objectOutcome line says what failed:',
    `     ${logsCommand(ofCanary, project)}`,
    '2. The Drive authorization and folder: npx --no gcs-drive-backup check',
  ];
  if (seen.record.status === 'uploading' && seen.record.leaseUntil > facts.now) {
    steps.push('3. It may still be uploading (the lease is live): run verify again with a longer --timeout.');
  }
  return steps;
}

/** The whole report of a canary that did not land within the timeout. */
export function timeoutReport(facts: TimeoutFacts): string {
  const lines = [
    `verify: FAILED: the canary did not reach Drive within ${seconds(facts.waitedMs)}. What it saw:`,
    ...sightingLines(facts),
    'What to check next:',
    ...nextSteps(facts).map((line) => `  ${line}`),
  ];
  return `${lines.join('\n')}\n`;
}
