/**
 * `appProperties` / `properties` patches and Drive's documented limits on them: at most 30 private
 * properties per app per file and 30 public properties per file, and key + value at most 124 bytes of
 * UTF-8 per pair. Pure.
 */
import { DriveError } from './errors.js';

export const MAX_PROPERTIES = 30;
export const MAX_PAIR_BYTES = 124;

export type PropertyField = 'appProperties' | 'properties';

function invalid(field: PropertyField, message: string): DriveError {
  return new DriveError(400, message, 'invalid', { location: field, locationType: 'parameter' });
}

/**
 * Applies a patch (`null` deletes a key) to the current properties and returns the result, validating the
 * values and the limits. Throws DriveError 400.
 */
export function applyPropertyPatch(
  field: PropertyField,
  current: Readonly<Record<string, string>>,
  patch: unknown,
): Record<string, string> {
  if (patch === undefined) return { ...current };
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw invalid(field, `Invalid value for ${field}: expected an object of string values.`);
  }
  const next: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (key === '') throw invalid(field, `Invalid ${field} key: keys must not be empty.`);
    if (value === null) {
      delete next[key];
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw invalid(field, `Invalid value for ${field} key '${key}': expected a string.`);
    }
    const text = String(value);
    const bytes = Buffer.byteLength(key, 'utf8') + Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_PAIR_BYTES) {
      throw invalid(
        field,
        `The ${field} entry '${key}' is too large: key and value together take ${bytes} bytes of UTF-8, at most ${MAX_PAIR_BYTES} are allowed.`,
      );
    }
    next[key] = text;
  }
  const count = Object.keys(next).length;
  if (count > MAX_PROPERTIES) {
    throw invalid(
      field,
      `Too many ${field}: a file may have at most ${MAX_PROPERTIES} ${field === 'appProperties' ? 'private properties per app' : 'public properties'} (this request would leave ${count}).`,
    );
  }
  return next;
}
