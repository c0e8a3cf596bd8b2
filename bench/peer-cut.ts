/**
 * The second part of `peer`: one copy with the Drive connection cut once, at 50% of the object's bytes,
 * through the emulators' fault rule `reset` (direction `request`). The peer's single request is cut after
 * half the size; our chunked upload is cut in the PUT that carries byte size/2, at that byte, the chunks
 * before it having gone through. We measure the time to a complete, verified Drive file (one file, the
 * object's MD5) and the request body bytes the Drive emulator received (ControlHub.bodyBytes).
 */
import type { FunctionWorld as World } from '../harness/function-world.js';
import type { EventInstance } from './child-instance.js';
import { deleteDriveCopy, driveCopyOf, md5HexOf, type SourceObject } from './objects.js';
import type { PeerInstance } from './peer-instance.js';

export interface CutCopy {
  ms: number;
  /** Request body bytes Drive received during the copy. */
  bytesSent: number;
  /** Peer: requests started from byte 0. Ours: event deliveries (1 = resumed in the same invocation). */
  tries: number;
  driveRequests: Record<string, number>;
}

/** How many invocations ours gets before the benchmark gives up (Eventarc would go on retrying). */
const MAX_DELIVERIES = 4;

/** Runs `copy` with `rule` in place; checks it fired exactly once; returns the copy and Drive's counters. */
async function withCut<T>(world: World, rule: object, copy: () => Promise<T>) {
  const { hub } = world.emulators;
  hub.resetCounters();
  const id = hub.faults.add(rule as Parameters<typeof hub.faults.add>[0]);
  try {
    const result = await copy();
    const fired = hub.faults.list().find((f) => f.id === id)?.fired ?? 0;
    if (fired !== 1) throw new Error(`the cut fired ${fired} times, not once: ${JSON.stringify(rule)}`);
    const bytesSent = Object.entries(hub.bodyBytes())
      .filter(([route]) => route.startsWith('drive.'))
      .reduce((sum, [, bytes]) => sum + bytes, 0);
    const driveRequests = Object.fromEntries(Object.entries(hub.counters()).filter(([route]) => route.startsWith('drive.')));
    return { result, bytesSent, driveRequests };
  } finally {
    hub.faults.remove(id);
  }
}

/** The peer's Drive file `fileName` under the root: exactly one, with the object's MD5. */
export function peerCopyOf(world: World, fileName: string, object: SourceObject): string {
  const copies = world.emulators.drive.listAll().filter((f) => f.name === fileName && f.parents.includes(world.rootFolderId) && !f.trashed);
  if (copies.length !== 1) throw new Error(`expected one peer copy ${fileName}, found ${copies.length}`);
  if (copies[0]!.md5Checksum !== md5HexOf(object)) throw new Error(`the peer copy ${fileName} has MD5 ${copies[0]!.md5Checksum}`);
  return copies[0]!.id;
}

export async function peerWithCut(world: World, peer: PeerInstance, object: SourceObject, fileName: string): Promise<CutCopy> {
  const size = Number(object.size);
  const rule = {
    service: 'drive',
    route: 'drive.upload.create',
    method: 'POST',
    action: { kind: 'reset', direction: 'request', afterBytes: Math.floor(size / 2) },
  };
  const cut = await withCut(world, rule, async () => {
    const started = performance.now();
    const result = await peer.copy({ ...object, parentId: world.rootFolderId, fileName, maxAttempts: 3 });
    if (!result.ok) throw new Error(`the peer failed ${result.attempts} times: ${result.errors.join('; ')}`);
    return { ms: performance.now() - started, tries: result.attempts };
  });
  await deleteDriveCopy(world, peerCopyOf(world, fileName, object));
  return { ...cut.result, bytesSent: cut.bytesSent, driveRequests: cut.driveRequests };
}

export async function oursWithCut(world: World, instance: EventInstance, object: SourceObject, chunkBytes: number): Promise<CutCopy> {
  const half = Math.floor(Number(object.size) / 2);
  const chunksBefore = Math.floor(half / chunkBytes);
  const rule = {
    service: 'drive',
    route: 'drive.upload.session',
    method: 'PUT',
    nth: chunksBefore + 1,
    action: { kind: 'reset', direction: 'request', afterBytes: half - chunksBefore * chunkBytes },
  };
  const cut = await withCut(world, rule, async () => {
    let ms = 0;
    for (let tries = 1; tries <= MAX_DELIVERIES; tries++) {
      const delivery = await instance.deliverOnce(object);
      ms += delivery.ms;
      if (delivery.status >= 200 && delivery.status < 300) return { ms, tries };
    }
    throw new Error(`${object.name} was not backed up in ${MAX_DELIVERIES} deliveries; last log lines:\n${instance.logTail()}`);
  });
  await deleteDriveCopy(world, driveCopyOf(world, object).id);
  return { ...cut.result, bytesSent: cut.bytesSent, driveRequests: cut.driveRequests };
}
