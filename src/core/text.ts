/**
 * Small text helpers more than one folder needs: byte counts for people, and how a value a person (or a
 * caller) sent is described in a problem sentence ("got the number 7"). Pure.
 */

/** `1536` → `1.5 KiB`, `0` → `0 bytes`; undefined or not finite → `unknown`. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return 'unknown';
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A JSON-ish value as a problem sentence names it: `missing`, `an array`, `the string "x"`, `the number 7`. */
export function describeValue(value: unknown, maxChars = 60): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === '') return 'an empty string';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.slice(0, maxChars))}`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `the ${typeof value} ${value.toString()}`;
    case 'symbol':
      return `the symbol ${value.description ?? ''}`;
    case 'function':
      return 'a function';
    default:
      return 'an object';
  }
}

/** A plain JSON object (not null, an array or a Buffer). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}
