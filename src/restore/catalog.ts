/**
 * What the backup recorded of each object generation and deletion, as restore reads it: from the state
 * bucket's history (the fast path) or from Drive alone (the files' appProperties and revisions). Both
 * readers produce these same entries; the restore planner decides from them alone. Pure types.
 */
import type { GenerationFacts } from '../core/object-ref.js';

/** One backed-up (object, generation): enough to restore its name, bytes and metadata exactly. */
export interface BackedUpGeneration extends GenerationFacts {
  bucket: string;
  name: string;
  /** The Drive file that holds this generation, and the revision of it that does (absent: its head revision). */
  driveFileId: string;
  driveRevisionId?: string;
}

/** An object deleted at a known time (a `deleted` event for the live generation, not an overwrite). */
export interface Tombstone {
  bucket: string;
  name: string;
  /** The generation that was deleted, when known. */
  generation?: string;
  deletedAt: string;
}

/** Every history entry a reader can produce, one object at a time, in any order. */
export type CatalogEntry = { kind: 'generation'; value: BackedUpGeneration } | { kind: 'tombstone'; value: Tombstone };

/** A source of catalog entries (state bucket, or Drive alone), streamed so any size fits in memory per object. */
export interface Catalog {
  /** Entries of objects whose name starts with `prefix`, grouped per object name (all of one name together). */
  entries(prefix: string): AsyncIterable<CatalogEntry[]>;
}
