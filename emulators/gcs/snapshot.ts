/**
 * The Cloud Storage emulator's state as JSON for persistence: buckets (with their retention policy), every generation of every object
 * (content by blob reference), which generation is live, and the generation counter. Upload sessions and
 * notification webhooks are not part of it.
 */
import type { BlobLookup, BlobRef, BlobRefs } from '../persistence/persistable.js';
import { parseDate } from '../persistence/persistable.js';
import type { BucketState, GcsStore, ObjectHistory } from './objects.js';
import type { StoredObject } from './resource.js';

type ObjectSnapshot = Omit<StoredObject, 'content' | 'timeCreated' | 'updated' | 'timeDeleted'> & {
  content: BlobRef;
  timeCreated: string;
  updated: string;
  timeDeleted?: string;
};

export interface GcsSnapshot {
  lastGeneration: number;
  buckets: Array<{
    name: string;
    location: string;
    timeCreated: string;
    retention?: { retentionPeriodSec: number; effectiveTime: string };
    objects: Array<{ name: string; liveGeneration?: number; versions: ObjectSnapshot[] }>;
  }>;
}

export function snapshotGcs(store: GcsStore, blobs: BlobRefs): GcsSnapshot {
  const { buckets, lastGeneration } = store.exportState();
  return {
    lastGeneration,
    buckets: buckets.map((b) => ({
      name: b.name,
      location: b.location,
      timeCreated: b.timeCreated.toISOString(),
      ...(b.retention && {
        retention: { retentionPeriodSec: b.retention.retentionPeriodSec, effectiveTime: b.retention.effectiveTime.toISOString() },
      }),
      objects: [...b.objects].map(([name, history]) => ({
        name,
        liveGeneration: history.live?.generation,
        versions: history.versions.map((v) => ({
          ...v,
          content: blobs.ref(v.content),
          timeCreated: v.timeCreated.toISOString(),
          updated: v.updated.toISOString(),
          timeDeleted: v.timeDeleted?.toISOString(),
        })),
      })),
    })),
  };
}

export function restoreGcs(store: GcsStore, data: unknown, blobs: BlobLookup): void {
  const snap = data as GcsSnapshot;
  const buckets: BucketState[] = snap.buckets.map((b) => ({
    name: b.name,
    location: b.location,
    timeCreated: parseDate(b.timeCreated),
    ...(b.retention && {
      retention: { retentionPeriodSec: b.retention.retentionPeriodSec, effectiveTime: parseDate(b.retention.effectiveTime) },
    }),
    objects: new Map(
      b.objects.map((h): [string, ObjectHistory] => {
        const versions = h.versions.map((v) => {
          const { timeDeleted, ...rest } = v;
          const obj: StoredObject = {
            ...rest,
            content: blobs.get(v.content),
            timeCreated: parseDate(v.timeCreated),
            updated: parseDate(v.updated),
          };
          if (timeDeleted !== undefined) obj.timeDeleted = parseDate(timeDeleted);
          return obj;
        });
        const live = h.liveGeneration === undefined ? undefined : versions.find((v) => v.generation === h.liveGeneration);
        return [h.name, { versions, live }];
      }),
    ),
  }));
  store.importState({ buckets, lastGeneration: snap.lastGeneration });
}
