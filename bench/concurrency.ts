/**
 * `concurrency`: how the event path scales with instance concurrency. One function instance (own process,
 * as deployed) receives the finalize events of small new objects with 20 ms of emulator latency on every
 * request (fault rule `latency` on every route of every service, as a network round trip would add), once
 * with 1 event in flight and once with 16, in alternating order, each pass on its own objects in a folder
 * the instance already knows. Repeated; figures are objects per second and the ratio.
 * Goal (issue 13): the median ratio of 16 in flight to 1 in flight ≥ 8×.
 */
import { createWorld } from '../test/support/world.js';
import { startEventInstance, type EventInstance } from './child-instance.js';
import { driveCopyOf, KiB, putObject, seedObjects, type SourceObject } from './objects.js';
import { figure, statFigure, type Benchmark, type BenchmarkResult } from './report.js';
import { repeat, summarize } from './stats.js';

const LATENCY_MS = 20;
const IN_FLIGHT = 16;
const GOAL_RATIO = 8;
const FOLDER = 'bench-concurrency';

/** Backs up every object with `inFlight` events outstanding at once; the milliseconds the whole pass took. */
async function pass(instance: EventInstance, objects: readonly SourceObject[], inFlight: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < objects.length) await instance.backUp(objects[next++]!);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return performance.now() - started;
}

export const concurrencyBenchmark: Benchmark = {
  name: 'concurrency',
  description: `small objects per second on one instance, ${IN_FLIGHT} events in flight vs 1, ${LATENCY_MS} ms latency per request`,
  async run(options, progress): Promise<BenchmarkResult> {
    const world = await createWorld();
    let instance: EventInstance | undefined;
    const n = options.concurrencyObjects;
    try {
      instance = await startEventInstance(world.env);
      await instance.backUp(await putObject(world, `${FOLDER}/warm-up.txt`, KiB));
      const { hub } = world.emulators;
      const reps = await repeat(options.repetitions, async (rep) => {
        const write = (label: string) =>
          seedObjects(
            world,
            Array.from({ length: n }, (_, i) => ({ name: `${FOLDER}/${rep}-${label}-${i}.txt`, size: KiB + i })),
          );
        const serial = write('serial');
        const parallel = write('parallel');
        const latency = hub.faults.add({ action: { kind: 'latency', ms: LATENCY_MS }, times: 0 });
        const timed = async (objects: SourceObject[], inFlight: number) => {
          progress(`${n} objects, ${inFlight} in flight`);
          return pass(instance!, objects, inFlight);
        };
        let serialMs: number;
        let parallelMs: number;
        try {
          if (rep % 2 === 0) {
            serialMs = await timed(serial, 1);
            parallelMs = await timed(parallel, IN_FLIGHT);
          } else {
            parallelMs = await timed(parallel, IN_FLIGHT);
            serialMs = await timed(serial, 1);
          }
        } finally {
          hub.faults.remove(latency);
        }
        for (const object of [...serial, ...parallel]) driveCopyOf(world, object);
        return { serialMs, parallelMs };
      });

      const perSecond = (ms: number) => n / (ms / 1000);
      const serial = summarize(reps.map((r) => perSecond(r.serialMs)));
      const parallel = summarize(reps.map((r) => perSecond(r.parallelMs)));
      const ratio = summarize(reps.map((r) => r.serialMs / r.parallelMs));
      return {
        benchmark: 'concurrency',
        figures: [
          figure('objects per pass', n, ''),
          figure('emulator latency per request', LATENCY_MS, 'ms'),
          statFigure('1 in flight: objects per second', serial, '/s'),
          statFigure(`${IN_FLIGHT} in flight: objects per second`, parallel, '/s'),
          statFigure(`${IN_FLIGHT} in flight / 1 in flight`, ratio, '×'),
        ],
        goal: [
          {
            label: `${IN_FLIGHT} in flight / 1 in flight, median`,
            value: ratio.median,
            unit: '×',
            limit: GOAL_RATIO,
            comparison: 'atLeast',
          },
        ],
        details: { objects: n, latencyMs: LATENCY_MS, inFlight: IN_FLIGHT, repetitions: reps },
      };
    } finally {
      await instance?.stop();
      await world.stop();
    }
  },
};
