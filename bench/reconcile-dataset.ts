/**
 * The bucket `reconcile-scale` reconciles: N small objects, 1,000 per folder (`data/fNNN/oNNNNNN`), of which
 * 90% are already backed up — every object but each tenth — exactly as the product would have left them.
 * The first object of each folder is backed up by the product itself (`POST /backup` on an instance of its
 * own): that makes the folders (Drive folder, `gdb.folder` and the state record) and shows the file the
 * product writes. The rest is cloned from it in-process (emulator-seed.ts) with the appProperties and
 * description the product's own functions give a file (src/drive/object-path.ts, src/core/object-ref.ts),
 * its name and its parent, checked against the product's own files before use.
 */
import { Blob } from '@gcs-drive-backup/emulators/harness/blob.js';
import { describeRef } from '../src/core/object-ref.js';
import { sourceAppProperties } from '../src/drive/object-path.js';
import type { FunctionWorld as World } from '../harness/function-world.js';
import { startHttpInstance } from './child-instance.js';
import { addDriveFiles, addObjects } from './emulator-seed.js';
import type { SourceObject } from './objects.js';
import { postJson } from './post-json.js';

export const OBJECTS_PER_FOLDER = 1000;
/** Every tenth object is the one the events missed. */
export const isMissing = (index: number): boolean => index % 10 === 9;

export interface Dataset {
  objects: number;
  folders: number;
  backedUp: number;
  missing: number;
}

export const objectName = (index: number): string =>
  `data/f${String(Math.floor(index / OBJECTS_PER_FOLDER)).padStart(3, '0')}/o${String(index).padStart(6, '0')}`;

/** What the product writes on a backed-up file for an object with a short name. */
export function productFileFields(o: SourceObject): { name: string; description: string; appProperties: Record<string, string> } {
  return { name: o.name.split('/').at(-1)!, description: describeRef(o), appProperties: sourceAppProperties(o) };
}

/** Seeds `world` with `objects` objects (a multiple of 1,000), 90% of them backed up. */
export async function seedDataset(world: World, objects: number, progress: (line: string) => void): Promise<Dataset> {
  const { emulators, sourceBucket } = world;
  const contents = Array.from({ length: objects }, (_, i) => ({
    name: objectName(i),
    content: Blob.fromBuffer(Buffer.from(`object ${i}\n`)),
  }));
  const stored = addObjects(emulators, sourceBucket, contents);
  const folders = objects / OBJECTS_PER_FOLDER;

  progress(`${objects} objects in the bucket; the product backs up the first of each of the ${folders} folders`);
  const pioneers = stored.filter((_, i) => i % OBJECTS_PER_FOLDER === 0);
  const instance = await startHttpInstance(world.env);
  try {
    for (const o of pioneers) {
      const reply = await postJson(`${instance.url}/backup`, { bucket: o.bucket, name: o.name });
      if (reply.status !== 200 || reply.json.outcome !== 'uploaded') {
        throw new Error(`POST /backup ${o.name} answered ${reply.status} ${JSON.stringify(reply.json)}; log:\n${instance.logTail()}`);
      }
    }
  } finally {
    await instance.stop();
  }

  const byObject = new Map(emulators.drive.listAll().map((f) => [f.appProperties['gdb.object'], f]));
  const parentOf = new Map<string, string>();
  for (const o of pioneers) {
    const written = byObject.get(o.name);
    const mine = productFileFields(o);
    if (!written) throw new Error(`no Drive file for ${o.name} after POST /backup`);
    const same = JSON.stringify(sortKeys(written.appProperties)) === JSON.stringify(sortKeys(mine.appProperties));
    if (!same || written.description !== mine.description || written.name !== mine.name) {
      throw new Error(
        `the product writes ${JSON.stringify(written)}, the seeding would write ${JSON.stringify(mine)}: update reconcile-dataset.ts`,
      );
    }
    parentOf.set(folderOf(o.name), written.parents[0]!);
  }

  const seeded = stored.flatMap((o, i) => (isMissing(i) || i % OBJECTS_PER_FOLDER === 0 ? [] : [{ o, content: contents[i]!.content }]));
  const template = byObject.get(pioneers[0]!.name)!.id;
  addDriveFiles(
    emulators,
    template,
    seeded.map(({ o, content }) => ({ ...productFileFields(o), parentId: parentOf.get(folderOf(o.name))!, content })),
  );
  const missing = stored.filter((_, i) => isMissing(i)).length;
  return { objects, folders, backedUp: objects - missing, missing };
}

const folderOf = (name: string): string => name.slice(0, name.lastIndexOf('/'));
const sortKeys = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
