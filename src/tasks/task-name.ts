/**
 * The deterministic task ID of an object generation's backup, so that every event for the same
 * (bucket, name, generation) names the same task and Cloud Tasks keeps one: a second CreateTask with a
 * name in use, or used within about an hour, answers ALREADY_EXISTS ("Task De-duplication",
 * https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks/create). An ID
 * allows letters, digits, `_` and `-` up to 500 characters; a hash fits whatever the object's name, and
 * its even spread is what Cloud Tasks asks of names (sequential prefixes slow task creation down). Pure.
 */
import { createHash } from 'node:crypto';

export interface GenerationRef {
  readonly bucket: string;
  readonly name: string;
  readonly generation: string;
}

/** 64 hex digits of SHA-256 over the three fields, JSON-encoded (so no two triples collide by concatenation). */
export function backupTaskId(ref: GenerationRef): string {
  return createHash('sha256')
    .update(JSON.stringify([ref.bucket, ref.name, ref.generation]), 'utf8')
    .digest('hex');
}

/**
 * The task ID of one object of one restore (`POST /restore` in tasks mode): a repeated request (the same
 * restore id) or a repeated fan-out names the same task, so Cloud Tasks keeps one.
 */
export function restoreTaskId(restoreId: string, ref: { readonly name: string; readonly generation: string }): string {
  return `restore-${createHash('sha256')
    .update(JSON.stringify([restoreId, ref.name, ref.generation]), 'utf8')
    .digest('hex')}`;
}

/**
 * The task ID of a restore's continuation from one cursor: whichever call ends its share at that cursor
 * names the same task, so a repeat makes one, and the next cursor names a new one.
 */
export function restoreContinueTaskId(restoreId: string, after: string): string {
  return `restore-continue-${createHash('sha256')
    .update(JSON.stringify([restoreId, after]), 'utf8')
    .digest('hex')}`;
}
