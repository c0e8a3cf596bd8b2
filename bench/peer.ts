/**
 * `peer`: our function against the naive copy a user would otherwise deploy (peer-process.ts: a GCS read
 * stream piped into one googleapis `files.create` media upload), both in processes of their own between
 * the same emulators, on the same large object (1 GiB by default), each warmed with a tiny object first.
 * Part 1, repeated: each copies the object (order alternating), time and peak RSS growth watched; these
 * peer figures are what `memory` and `throughput` compare with. Part 2, repeated: each copies it with the
 * Drive connection cut once at 50% (peer-cut.ts); ours must resume in the same invocation, the peer starts
 * again from byte 0. Goal: with the cut, our time to a verified file ≤ 0.7× the peer's (medians),
 * our bytes sent to Drive ≤ object size + one chunk (max), and one invocation each time.
 */
import { startFunctionWorld } from '../harness/function-world.js';
import { startEventInstance, type EventInstance } from './child-instance.js';
import { cloneObject } from './emulator-seed.js';
import { deleteDriveCopy, driveCopyOf, KiB, MiB, putObject, seedObject, type SourceObject } from './objects.js';
import { oursWithCut, peerCopyOf, peerWithCut } from './peer-cut.js';
import { startPeer, type PeerInstance } from './peer-instance.js';
import { watchPeak } from './process-memory.js';
import { figure, statFigure, type Benchmark, type BenchmarkResult } from './report.js';
import { bothInTurn, repeat, summarize } from './stats.js';

const GOAL_CUT_TIME_RATIO = 0.7;
const PEER_FILE = 'peer-copy.bin';
const toMiB = (bytes: number): number => bytes / MiB;

export const peerBenchmark: Benchmark = {
  name: 'peer',
  description: 'ours vs the naive single-request copy (googleapis files.create): MiB/s, RSS growth; then a cut at 50%',
  async run(options, progress, context): Promise<BenchmarkResult> {
    const chunkBytes = options.chunkMib * MiB;
    if (options.largeBytes <= chunkBytes)
      throw new Error('the large object must be bigger than one chunk (BENCH_LARGE_MIB > BENCH_CHUNK_MIB)');
    const world = await startFunctionWorld({ env: { UPLOAD_CHUNK_MIB: String(options.chunkMib) } });
    let instance: EventInstance | undefined;
    let peer: PeerInstance | undefined;
    try {
      instance = await startEventInstance(world.env);
      peer = await startPeer(world);
      const warmUp = await putObject(world, 'bench-peer/warm-up.txt', KiB);
      await instance.backUp(warmUp);
      const warmPeer = await peer.copy({ ...warmUp, parentId: world.rootFolderId, fileName: 'peer-warm-up.txt', maxAttempts: 1 });
      if (!warmPeer.ok) throw new Error(`the peer's warm-up failed: ${warmPeer.errors.join('; ')}`);
      progress(`putting the ${toMiB(options.largeBytes)} MiB object in the GCS emulator`);
      const large = seedObject(world, 'bench-peer/large.bin', options.largeBytes);
      const next = (label: string, rep: number): SourceObject =>
        cloneObject(world.emulators, world.sourceBucket, large.name, `bench-peer/${label}-${rep}.bin`);

      const peerCopy = async () => {
        progress(`peer: ${large.name} in process ${peer!.pid}`);
        const watched = await watchPeak(peer!.pid, async () => {
          const started = performance.now();
          const result = await peer!.copy({ ...large, parentId: world.rootFolderId, fileName: PEER_FILE, maxAttempts: 1 });
          if (!result.ok) throw new Error(`the peer's copy failed: ${result.errors.join('; ')}`);
          return performance.now() - started;
        });
        await deleteDriveCopy(world, peerCopyOf(world, PEER_FILE, large));
        return watched;
      };
      const ourCopy = async (object: SourceObject) => {
        progress(`function: ${object.name} in process ${instance!.pid}`);
        const watched = await watchPeak(instance!.pid, () => instance!.backUp(object));
        await deleteDriveCopy(world, driveCopyOf(world, object).id);
        return watched;
      };
      const plain = await repeat(options.repetitions, async (rep) => {
        const object = next('plain', rep);
        const [ours, peer] = await bothInTurn(rep, () => ourCopy(object), peerCopy);
        return { ours, peer };
      });
      const cut = await repeat(options.repetitions, async (rep) => {
        const object = next('cut', rep);
        progress(`cut at 50%: ${rep % 2 === 0 ? 'peer, then function' : 'function, then peer'}`);
        const [ours, theirs] = await bothInTurn(
          rep,
          () => oursWithCut(world, instance!, object, chunkBytes),
          () => peerWithCut(world, peer!, large, PEER_FILE),
        );
        return { ours, peer: theirs };
      });

      const sizeMib = toMiB(options.largeBytes);
      const mibps = (ms: number) => sizeMib / (ms / 1000);
      const peerSpeed = summarize(plain.map((r) => mibps(r.peer.result)));
      const ourSpeed = summarize(plain.map((r) => mibps(r.ours.result)));
      const peerGrowth = summarize(plain.map((r) => toMiB(r.peer.growthBytes)));
      const ourGrowth = summarize(plain.map((r) => toMiB(r.ours.growthBytes)));
      context.peer = { growthMiB: peerGrowth, throughputMiBps: peerSpeed };
      const peerCutSeconds = summarize(cut.map((r) => r.peer.ms / 1000));
      const ourCutSeconds = summarize(cut.map((r) => r.ours.ms / 1000));
      const ourBytes = summarize(cut.map((r) => toMiB(r.ours.bytesSent)));
      const allowedMib = sizeMib + options.chunkMib;

      return {
        benchmark: 'peer',
        figures: [
          figure('object size', sizeMib, 'MiB'),
          statFigure('peer: throughput', peerSpeed, 'MiB/s'),
          statFigure('function: throughput', ourSpeed, 'MiB/s'),
          figure('function / peer throughput (medians)', ourSpeed.median / peerSpeed.median, '×'),
          statFigure('peer: peak RSS growth', peerGrowth, 'MiB'),
          statFigure('function: peak RSS growth', ourGrowth, 'MiB'),
          figure('function / peer RSS growth (max)', ourGrowth.max / peerGrowth.max, '×'),
          statFigure('cut at 50%: peer time to a verified file', peerCutSeconds, 's'),
          statFigure('cut at 50%: function time to a verified file', ourCutSeconds, 's'),
          figure('cut at 50%: function / peer time (medians)', ourCutSeconds.median / peerCutSeconds.median, '×'),
          statFigure('cut at 50%: peer bytes sent to Drive', summarize(cut.map((r) => toMiB(r.peer.bytesSent))), 'MiB'),
          statFigure('cut at 50%: function bytes sent to Drive', ourBytes, 'MiB'),
          statFigure('cut at 50%: peer requests from byte 0', summarize(cut.map((r) => r.peer.tries)), ''),
          statFigure('cut at 50%: function invocations', summarize(cut.map((r) => r.ours.tries)), ''),
        ],
        goal: [
          {
            label: 'cut at 50%: function / peer time to a verified file (medians)',
            value: ourCutSeconds.median / peerCutSeconds.median,
            unit: '×',
            limit: GOAL_CUT_TIME_RATIO,
            comparison: 'atMost',
          },
          {
            label: 'cut at 50%: function bytes sent to Drive, max',
            value: ourBytes.max,
            unit: 'MiB',
            limit: allowedMib,
            comparison: 'atMost',
          },
          {
            label: 'cut at 50%: function invocations per copy, max',
            value: Math.max(...cut.map((r) => r.ours.tries)),
            unit: '',
            limit: 1,
            comparison: 'atMost',
          },
        ],
        details: {
          sizeBytes: options.largeBytes,
          chunkMib: options.chunkMib,
          peerNodeOptions: 'none (defaults)',
          plain: plain.map((r) => ({
            peer: { ms: r.peer.result, before: r.peer.before, peakBytes: r.peer.peakBytes, peakSource: r.peer.peakSource },
            ours: { ms: r.ours.result, before: r.ours.before, peakBytes: r.ours.peakBytes, peakSource: r.ours.peakSource },
          })),
          cut,
        },
      };
    } finally {
      await peer?.stop();
      await instance?.stop();
      await world.stop();
    }
  },
};
