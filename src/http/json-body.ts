/**
 * The request body as JSON, whatever content type the caller sent (Cloud Scheduler, curl and browsers all
 * differ): functions-framework keeps the exact bytes in `rawBody`, which we parse ourselves; an empty
 * body is `{}`. Pure: takes the request's body fields, returns the value or the problem.
 *
 * One case never reaches us: `Content-Type: application/json` with malformed JSON is rejected by
 * functions-framework's own body parser (400, HTML) before the function runs.
 */
import type { Parsed } from './validate.js';

export interface RequestBodyParts {
  /** The bytes as received, when functions-framework kept them. */
  rawBody?: Buffer;
  /** What the framework's body parsers made of them. */
  body?: unknown;
}

export function readJsonBody(parts: RequestBodyParts): Parsed<unknown> {
  const text = textOf(parts);
  if (text === undefined) return { ok: true, value: parts.body };
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, problems: [`body is not valid JSON: ${(err as Error).message}`] };
  }
}

function textOf(parts: RequestBodyParts): string | undefined {
  if (Buffer.isBuffer(parts.rawBody)) return parts.rawBody.toString('utf8');
  if (Buffer.isBuffer(parts.body)) return parts.body.toString('utf8');
  if (typeof parts.body === 'string') return parts.body;
  if (parts.body === undefined || parts.body === null) return '';
  return undefined;
}
