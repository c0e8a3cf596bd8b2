/**
 * The contract between an emulator and the optional on-disk persistence (`startEmulators({ dataDir })`).
 * `snapshot` describes the emulator's state as JSON-able data in which every Blob is replaced by the
 * number `blobs.ref(blob)` returns (the content is stored apart, once); `restore` replaces the emulator's
 * state with such a description, turning references back into Blobs with `blobs.get(ref)`. A snapshot is
 * serialized as soon as it is taken (synchronously), so it may share objects with the live state.
 */
import type { Blob } from '../harness/blob.js';

export type BlobRef = number;

export interface BlobRefs {
  ref(blob: Blob): BlobRef;
}

export interface BlobLookup {
  get(ref: BlobRef): Blob;
}

export interface Persistable {
  snapshot(blobs: BlobRefs): unknown;
  restore(data: unknown, blobs: BlobLookup): void;
}

/** An ISO timestamp of a snapshot back to a Date (throws on garbage, so a damaged file is noticed). */
export function parseDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`invalid timestamp in saved state: ${JSON.stringify(value)}`);
  return date;
}
