/**
 * Fast in-process seeding of the emulators through their persistence API (`snapshot`/`restore`, the
 * Persistable contract): objects added to a Cloud Storage bucket without an HTTP upload each, and Drive
 * files cloned from a file the product itself wrote (same owner, OAuth client, mime type, fields), with
 * their own name, parents, appProperties, description and content. A benchmark can so start from 100,000
 * objects in seconds, or give each repetition a new object generation that shares one 1 GiB content.
 */
import { randomBytes } from 'node:crypto';
import { Blob } from '@gcs-drive-backup/emulators/harness/blob.js';
import type { DriveSnapshot } from '@gcs-drive-backup/emulators/drive/snapshot.js';
import type { GcsSnapshot } from '@gcs-drive-backup/emulators/gcs/snapshot.js';
import type { Emulators } from '@gcs-drive-backup/emulators';
import type { BlobLookup, BlobRef, BlobRefs } from '@gcs-drive-backup/emulators/persistence/persistable.js';
import type { SourceObject } from './objects.js';

/** Blobs by reference number, for one snapshot → restore round trip. */
class BlobTable implements BlobRefs, BlobLookup {
  private readonly blobs: Blob[] = [];
  ref(blob: Blob): BlobRef {
    this.blobs.push(blob);
    return this.blobs.length - 1;
  }
  get(ref: BlobRef): Blob {
    const blob = this.blobs[ref];
    if (!blob) throw new Error(`no blob ${ref}`);
    return blob;
  }
}

export interface NewObject {
  name: string;
  content: Blob;
  contentType?: string;
}

/**
 * Adds live objects to `bucket` (new names, or new generations of existing ones), each with a fresh
 * generation, as an upload would; returns them as a finalize event carries them.
 */
export function addObjects(emulators: Emulators, bucket: string, objects: readonly NewObject[]): SourceObject[] {
  const blobs = new BlobTable();
  const snap = emulators.gcs.snapshot(blobs) as GcsSnapshot;
  const target = snap.buckets.find((b) => b.name === bucket);
  if (!target) throw new Error(`no bucket ${bucket} in the Cloud Storage emulator`);
  const byName = new Map(target.objects.map((o) => [o.name, o]));
  let generation = Math.max(snap.lastGeneration, Date.now() * 1000);
  const now = new Date().toISOString();
  for (const o of objects) {
    generation += 1;
    const version = {
      bucket,
      name: o.name,
      generation,
      metageneration: 1,
      content: blobs.ref(o.content),
      contentType: o.contentType ?? 'application/octet-stream',
      timeCreated: now,
      updated: now,
    };
    const history = byName.get(o.name);
    if (history) {
      const live = history.versions.find((v) => v.generation === history.liveGeneration);
      if (live) live.timeDeleted = now;
      history.versions.push(version);
      history.liveGeneration = generation;
    } else {
      const added = { name: o.name, liveGeneration: generation, versions: [version] };
      target.objects.push(added);
      byName.set(o.name, added);
    }
  }
  snap.lastGeneration = generation;
  emulators.gcs.restore(snap, blobs);
  return objects.map((o) => {
    const stored = emulators.gcs.getObject(bucket, o.name)!;
    return {
      bucket,
      name: o.name,
      generation: stored.generation,
      size: stored.size,
      md5Hash: stored.md5Hash!,
      contentType: stored.contentType,
    };
  });
}

/** A new generation of `name` (or a new object `asName`) with the same content, as a finalize event carries it. */
export function cloneObject(emulators: Emulators, bucket: string, name: string, asName = name): SourceObject {
  const stored = emulators.gcs.getObject(bucket, name);
  if (!stored) throw new Error(`gs://${bucket}/${name} is not in the emulator`);
  return addObjects(emulators, bucket, [{ name: asName, content: stored.content, contentType: stored.contentType }])[0]!;
}

export interface NewDriveFile {
  name: string;
  parentId: string;
  appProperties: Record<string, string>;
  description: string;
  content: Blob;
}

/** Drive's file id shape (as the emulator makes them). */
const newId = (prefix: string, bytes: number): string => `${prefix}${randomBytes(bytes).toString('base64url')}`;

/**
 * Adds Drive files, each a clone of `templateId` (a file the product wrote: owner, OAuth client whose
 * private appProperties these are, mime type, times) with its own id, name, parent, appProperties,
 * description and one revision holding `content`. Returns the new ids.
 */
export function addDriveFiles(emulators: Emulators, templateId: string, files: readonly NewDriveFile[]): string[] {
  const blobs = new BlobTable();
  const snap = emulators.drive.snapshot(blobs) as DriveSnapshot;
  const template = snap.files.find((f) => f.id === templateId);
  if (!template) throw new Error(`no Drive file ${templateId} to clone`);
  const clients = Object.keys(template.appProperties);
  const revision = template.revisions.at(-1);
  if (clients.length !== 1 || !revision) throw new Error(`Drive file ${templateId} has no single app's properties or no content`);
  const ids: string[] = [];
  for (const f of files) {
    const id = newId('1', 24);
    ids.push(id);
    snap.usedIds.push(id);
    snap.files.push({
      ...template,
      id,
      name: f.name,
      parents: [f.parentId],
      appProperties: { [clients[0]!]: { ...f.appProperties } },
      properties: {},
      description: f.description,
      revisions: [{ ...revision, id: newId('0B', 18), content: blobs.ref(f.content) }],
      version: 1,
    });
  }
  emulators.drive.restore(snap, blobs);
  return ids;
}
