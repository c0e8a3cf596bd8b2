/**
 * The restore drill: proof, not hope, that the backup restores. It picks N backed-up objects (the newest
 * and N−1 at random, from one pass over the catalog, holding N of them), restores each into memory (the
 * Drive download hashed as it streams, never written anywhere), and compares the bytes' MD5 (CRC32C for an
 * object that had none) with the source object when its generation is still live, and with what the
 * backup recorded and Drive's own MD5 in every case. The result is one `restoreDrill` log line.
 */
import { isNotFound } from '../core/error-shapes.js';
import type { CallScope } from '../core/gateway.js';
import type { DriveGateway } from '../drive/gateway.js';
import type { StorageGateway } from '../gcs/gateway.js';
import type { BackedUpGeneration, Catalog } from './catalog.js';
import { RestoredContent } from './content.js';
import { downloadRefusalOf } from './drive-download.js';
import { driveFact } from './facts.js';
import { decide, wantedAt } from './plan.js';
import { failedWrite } from './to-bucket.js';
import { verificationProblems } from './verify.js';

export interface DrillFailure {
  readonly name: string;
  readonly generation: string;
  readonly reason: string;
}

export interface DrillResult {
  readonly bucket: string;
  readonly passed: boolean;
  /** Objects restored and compared. */
  readonly checked: number;
  readonly failures: readonly DrillFailure[];
  /** One sentence: passed, or what failed. */
  readonly summary: string;
}

export interface DrillDeps {
  readonly catalog: Catalog;
  readonly gcs: StorageGateway;
  readonly drive: DriveGateway;
  readonly scope?: CallScope;
  readonly idleMs?: number;
  /** In [0, 1); default Math.random. */
  readonly random?: () => number;
  readonly now?: () => number;
}

/**
 * The newest generation (by creation) and up to `count - 1` others picked uniformly at random (a reservoir
 * sample), of the objects live now. One pass; memory holds `count` entries.
 */
export async function pickForDrill(
  catalog: Catalog,
  bucket: string,
  count: number,
  random: () => number,
  atMs: number,
): Promise<BackedUpGeneration[]> {
  const selection = { prefix: '', include: [], exclude: [], atMs, targetPrefix: '' };
  let newest: BackedUpGeneration | undefined;
  const sample: BackedUpGeneration[] = [];
  let seen = 0;
  for await (const group of catalog.entries('')) {
    const wanted = wantedAt(
      group.filter((e) => e.value.bucket === bucket),
      selection,
    );
    if (wanted?.kind !== 'generation') continue;
    const candidate = wanted.source;
    if (newest === undefined || Date.parse(candidate.timeCreated) > Date.parse(newest.timeCreated)) {
      const older = newest;
      newest = candidate;
      if (older === undefined) continue;
      // The former newest becomes one of the others.
      seen++;
      reservoir(sample, older, seen, count - 1, random);
    } else {
      seen++;
      reservoir(sample, candidate, seen, count - 1, random);
    }
  }
  return newest === undefined ? [] : [newest, ...sample];
}

function reservoir<T>(sample: T[], item: T, seen: number, size: number, random: () => number): void {
  if (size <= 0) return;
  if (sample.length < size) sample.push(item);
  else {
    const slot = Math.floor(random() * seen);
    if (slot < size) sample[slot] = item;
  }
}

/** Restores one generation into memory and says what is wrong with it; undefined when it is the object. */
async function drillOne(deps: DrillDeps, source: BackedUpGeneration): Promise<string | undefined> {
  try {
    const drive = await driveFact(deps.drive, source.driveFileId, deps.scope);
    const decision = decide(
      { kind: 'generation', name: source.name, source },
      { target: { exists: false }, drive, overwrite: false, targetPrefix: '' },
    );
    if (decision.kind !== 'restore') return 'detail' in decision ? `${decision.kind}: ${decision.detail}` : decision.kind;
    const content = new RestoredContent(
      deps.drive,
      { fileId: source.driveFileId, revisionId: decision.revisionId, head: decision.head, acknowledgeAbuse: false },
      Number(source.size),
      deps.scope,
      deps.idleMs,
    );
    for await (const piece of content.pieces()) void piece;
    // The source object itself, when the backed-up generation is still the live one.
    const live = await liveSource(deps, source);
    const problems = verificationProblems(
      source,
      decision.driveMd5Hex,
      content.hashes(),
      live?.generation === source.generation ? live : undefined,
    );
    return problems.length > 0 ? problems.join('; ') : undefined;
  } catch (err) {
    const refusal = downloadRefusalOf(err);
    if (refusal) return refusal.reason;
    const failed = failedWrite(err);
    return 'reason' in failed ? failed.reason : failed.kind;
  }
}

/** The live generation of the source object and its hashes; undefined when there is none. */
async function liveSource(
  deps: DrillDeps,
  source: BackedUpGeneration,
): Promise<{ generation: string; md5Hash?: string; crc32c?: string } | undefined> {
  return deps.gcs.call(
    'restore drill: source metadata',
    async (storage) => {
      try {
        const [m] = await storage.bucket(source.bucket).file(source.name).getMetadata();
        return { generation: String(m.generation), md5Hash: m.md5Hash ?? undefined, crc32c: m.crc32c ?? undefined };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    deps.scope,
  );
}

/** Runs the drill over `count` objects of `bucket`. */
export async function runDrill(deps: DrillDeps, bucket: string, count: number): Promise<DrillResult> {
  const picked = await pickForDrill(deps.catalog, bucket, count, deps.random ?? Math.random, (deps.now ?? Date.now)());
  if (picked.length === 0) return { bucket, passed: false, checked: 0, failures: [], summary: 'FAILED: no backed-up object to restore' };
  const failures: DrillFailure[] = [];
  for (const source of picked) {
    const reason = await drillOne(deps, source);
    if (reason !== undefined) failures.push({ name: source.name, generation: source.generation, reason });
  }
  const checked = picked.length;
  if (failures.length === 0)
    return { bucket, passed: true, checked, failures, summary: `passed: ${checked} object(s) restored into memory and compared` };
  const first = failures[0];
  const summary = `FAILED: ${failures.length} of ${checked} object(s) did not restore, first ${first.name}#${first.generation}: ${first.reason}`;
  return { bucket, passed: false, checked, failures, summary };
}
