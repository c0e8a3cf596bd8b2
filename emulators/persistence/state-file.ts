/**
 * The format of `DATA_DIR/state.json`: `{"format": 1, "blobs": [sha256, ...], "parts": {"gcs": ..., ...}}`.
 * Each part is one emulator's snapshot; a blob reference inside a part is an index into `blobs`, whose
 * entries name the content files under `DATA_DIR/blobs/`. Pure: composing and checking the text.
 */

export const STATE_FORMAT = 1;

export interface StateFile {
  blobs: string[];
  parts: Record<string, unknown>;
}

/** A blob file name: the lowercase hex SHA-256 of its content. */
export const BLOB_ID = /^[0-9a-f]{64}$/;

/** `partsJson` is the already serialized `parts` object (the snapshot is serialized before blobs are hashed). */
export function composeStateFile(blobIds: readonly string[], partsJson: string): string {
  return `{"format":${STATE_FORMAT},"blobs":${JSON.stringify(blobIds)},"parts":${partsJson}}\n`;
}

/** Parses and checks the envelope; throws an Error saying what is wrong. */
export function parseStateFile(text: string): StateFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`state.json is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('state.json is not a JSON object');
  const { format, blobs, parts } = data as Record<string, unknown>;
  if (format !== STATE_FORMAT)
    throw new Error(`state.json has format ${JSON.stringify(format)}; this emulator reads format ${STATE_FORMAT}`);
  if (!Array.isArray(blobs) || blobs.some((id) => typeof id !== 'string' || !BLOB_ID.test(id))) {
    throw new Error('state.json: "blobs" must be an array of SHA-256 hex ids');
  }
  if (typeof parts !== 'object' || parts === null || Array.isArray(parts)) throw new Error('state.json: "parts" must be an object');
  return { blobs: blobs as string[], parts: parts as Record<string, unknown> };
}
