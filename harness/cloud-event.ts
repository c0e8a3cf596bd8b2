/**
 * The HTTP request Eventarc sends for a Cloud Storage change, in CloudEvents binary mode: `ce-*` headers
 * carry the envelope, the body is the object resource as JSON. Pure; shared by the sandbox's event bridge
 * and the tests' delivery helpers.
 */

export type StorageChangeKind = 'finalized' | 'deleted';

export interface StorageEventEnvelope {
  kind: StorageChangeKind;
  id: string;
  bucket: string;
  name: string;
  time: Date;
}

/** `google.cloud.storage.object.v1.finalized` / `...deleted`. */
export function storageEventType(kind: StorageChangeKind): string {
  return `google.cloud.storage.object.v1.${kind}`;
}

/** CloudEvents HTTP binding: header values percent-encode anything outside printable ASCII (and `%`, `"`). */
export function percentEncodeHeader(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'))
    .map((b) =>
      b >= 0x20 && b < 0x7f && b !== 0x25 && b !== 0x22 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

/** The headers of a binary-mode delivery, exactly as Eventarc sets them for a Cloud Storage trigger. */
export function storageEventHeaders(e: StorageEventEnvelope): Record<string, string> {
  return {
    'content-type': 'application/json',
    'ce-id': e.id,
    'ce-specversion': '1.0',
    'ce-type': storageEventType(e.kind),
    'ce-source': `//storage.googleapis.com/projects/_/buckets/${e.bucket}`,
    'ce-subject': percentEncodeHeader(`objects/${e.name}`),
    'ce-time': e.time.toISOString(),
  };
}
