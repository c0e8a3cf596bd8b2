/**
 * The canary of `verify`, its IO: writing a small object under CANARY_PREFIX with the canary metadata
 * (src/backup/select.ts says why both), looking at what the pipeline made of it (its claim record in
 * the state bucket, the Drive file that record names), and removing it again from the bucket, Drive and
 * the state bucket. Every call goes through the runtime's gateways, with the deployer's credentials.
 */
import { randomUUID } from 'node:crypto';
import { CANARY_METADATA_KEY } from '../backup/select.js';
import type { ObjectRecord } from '../backup/claim/plan.js';
import { objectRecordKey } from '../backup/claim/claim.js';
import type { Runtime } from '../tasks/dispatch.js';
import { isNotFound } from '../core/error-shapes.js';
import type { ObjectRef } from '../core/object-ref.js';
import { deleteFile } from '../drive/files.js';
import { APP_PROPERTY } from '../drive/object-path.js';

/** A canary as written: the generation, and its MD5 in hex. */
export interface Canary {
  readonly ref: ObjectRef & { readonly size: string };
  readonly md5Hex: string;
  readonly runId: string;
}

/** What the pipeline made of the canary, as seen at one moment. */
export interface CanarySighting {
  /** The claim record of the canary in the state bucket (none: no invocation claimed it). */
  readonly record?: Pick<ObjectRecord, 'generation' | 'status' | 'owner' | 'leaseUntil' | 'fileId'>;
  /** The Drive file the record names: missing, or what Drive says of it. */
  readonly drive?: 'missing' | DriveCopy;
}

export interface DriveCopy {
  readonly size?: number;
  readonly md5Hex?: string;
  readonly generation?: string;
  readonly trashed: boolean;
}

/** The canary has landed: its Drive file holds this generation, byte for byte. */
export function landed(canary: Canary, seen: CanarySighting): boolean {
  const drive = seen.drive;
  return (
    drive !== undefined &&
    drive !== 'missing' &&
    !drive.trashed &&
    drive.md5Hex === canary.md5Hex &&
    drive.generation === canary.ref.generation
  );
}

/** `PREFIX2026-11-29T18-58-12-345Z-1a2b3c4d.txt`: unique, sorted by time, readable in a listing. */
export function canaryName(prefix: string, runId: string, now: Date): string {
  return `${prefix}${now.toISOString().replace(/[:.]/g, '-')}-${runId.slice(0, 8)}.txt`;
}

export async function writeCanary(runtime: Runtime, bucket: string, now = new Date()): Promise<Canary> {
  const runId = randomUUID();
  const name = canaryName(runtime.config.canaryPrefix, runId, now);
  const content = `gcs-drive-backup verify canary ${runId}, written ${now.toISOString()}; removed again by verify.\n`;
  const metadata = await runtime.source.call('write the canary', async (storage) => {
    const file = storage.bucket(bucket).file(name);
    await file.save(content, {
      resumable: false,
      contentType: 'text/plain',
      metadata: { metadata: { [CANARY_METADATA_KEY]: runId } },
    });
    return file.metadata;
  });
  const ref = {
    bucket,
    name,
    generation: String(metadata.generation),
    size: String(metadata.size ?? Buffer.byteLength(content)),
    md5Hash: metadata.md5Hash ?? undefined,
    metadata: { [CANARY_METADATA_KEY]: runId },
  };
  const md5Hex = Buffer.from(ref.md5Hash ?? '', 'base64').toString('hex');
  return { ref, md5Hex, runId };
}

function recordKey(runtime: Runtime, canary: Canary): string {
  const { bucket, name, generation } = canary.ref;
  return objectRecordKey(bucket, name, runtime.config.onNewGeneration === 'copy' ? generation : undefined);
}

/** The canary's claim record and, when it names one, its Drive file. */
export async function lookAtCanary(runtime: Runtime, canary: Canary): Promise<CanarySighting> {
  const stored = await runtime.store.read<ObjectRecord>(recordKey(runtime, canary));
  if (stored === undefined) return {};
  const { generation, status, owner, leaseUntil, fileId } = stored.value;
  const record = { generation, status, owner, leaseUntil, fileId };
  const drive = await runtime.drive.call('files.get (canary)', async ({ api }): Promise<CanarySighting['drive']> => {
    try {
      const { data } = await api.files.get({ fileId, fields: 'size,md5Checksum,trashed,appProperties', supportsAllDrives: true });
      return {
        size: data.size === undefined || data.size === null ? undefined : Number(data.size),
        md5Hex: data.md5Checksum ?? undefined,
        generation: data.appProperties?.[APP_PROPERTY.generation] ?? undefined,
        trashed: data.trashed === true,
      };
    } catch (err) {
      if (isNotFound(err)) return 'missing';
      throw err;
    }
  });
  return { record, drive };
}

/** What `removeCanary` removed, and what it could not (with why). */
export interface Removal {
  removed: string[];
  left: string[];
}

/**
 * Removes the canary from the bucket, its Drive file and its claim record. Before it landed, a record
 * still claimed by a running invocation is left to it (the invocation finds the object gone and settles
 * it); once landed, the record is done with (a small upload keeps its lease until it runs out).
 */
export async function removeCanary(runtime: Runtime, canary: Canary, seen: CanarySighting, now = Date.now()): Promise<Removal> {
  const result: Removal = { removed: [], left: [] };
  const attempt = async (what: string, work: () => Promise<void>) => {
    try {
      await work();
      result.removed.push(what);
    } catch (err) {
      result.left.push(`${what} (${err instanceof Error ? err.message : String(err)})`);
    }
  };
  const { bucket, name, generation } = canary.ref;
  await attempt('object', () =>
    runtime.source.call('delete the canary', async (storage) => {
      try {
        await storage.bucket(bucket).file(name, { generation }).delete();
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }),
  );
  const record = seen.record;
  if (record === undefined) return result;
  if (seen.drive !== undefined && seen.drive !== 'missing') {
    await attempt('Drive file', () =>
      runtime.drive.call('files.delete (canary)', async ({ api }) => {
        try {
          await deleteFile(api, record.fileId);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }),
    );
  }
  if (!landed(canary, seen) && record.status === 'uploading' && record.leaseUntil > now) {
    result.left.push(`state record (claimed by ${record.owner} until ${new Date(record.leaseUntil).toISOString()})`);
  } else {
    await attempt('state record', () => runtime.store.remove(recordKey(runtime, canary)));
  }
  return result;
}
