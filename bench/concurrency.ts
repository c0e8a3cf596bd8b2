/**
 * `concurrency`: how the event path scales with instance concurrency. One function instance (own process,
 * as deployed) receives the finalize events of small new objects with 20 ms of emulator latency on every
 * request (fault rule `latency` on every route of every service, as a network round trip would add), once
 * with 1 event in flight and once with 16, in alternating order, each pass on its own objects in a folder
 * the instance already knows. Repeated; figures are objects per second and the ratio, and the CPU time
 * per object of the function's process and of the emulators' (this process), to tell a limit of the
 * function from a machine with no core to spare.
 * Goal: the median ratio of 16 in flight to 1 in flight ≥ 8×.
 */
import { startFunctionWorld } from '../harness/function-world.js';
import { startEventInstance, type EventInstance } from './child-instance.js';
import { driveCopyOf, KiB, putObject, seedObjects, type SourceObject } from './objects.js';
import { readCpuSeconds } from './process-memory.js';
import { figure, statFigure, type Benchmark, type BenchmarkResult } from './report.js';
import { repeat, summarize } from './stats.js';

const LATENCY_MS = 20;
const IN_FLIGHT = 16;
const GOAL_RATIO = 8;
const FOLDER = 'bench-concurrency';

interface Pass {
  ms: number;
  /** CPU milliseconds per object: the function's process, and this one (the emulators). */
  functionCpuMs: number;
  emulatorsCpuMs: number;
}

/** Backs up every object with `inFlight` events outstanding at once: how long it took, and the CPU it cost. */
async function pass(instance: EventInstance, objects: readonly SourceObject[], inFlight: number): Promise<Pass> {
  let next = 0;
  const worker = async () => {
    while (next < objects.length) await instance.backUp(objects[next++]!);
  };
  const cpuBefore = { fn: readCpuSeconds(instance.pid), emulators: process.cpuUsage() };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const ms = performance.now() - started;
  const emulators = process.cpuUsage(cpuBefore.emulators);
  return {
    ms,
    functionCpuMs: ((readCpuSeconds(instance.pid) - cpuBefore.fn) * 1000) / objects.length,
    emulatorsCpuMs: (emulators.user + emulators.system) / 1000 / objects.length,
  };
}

export const concurrencyBenchmark: Benchmark = {
  name: 'concurrency',
  description: `small objects per second on one instance, ${IN_FLIGHT} events in flight vs 1, ${LATENCY_MS} ms latency per request`,
  async run(options, progress): Promise<BenchmarkResult> {
    const world = await startFunctionWorld();
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
        let one: Pass;
        let many: Pass;
        try {
          if (rep % 2 === 0) {
            one = await timed(serial, 1);
            many = await timed(parallel, IN_FLIGHT);
          } else {
            many = await timed(parallel, IN_FLIGHT);
            one = await timed(serial, 1);
          }
        } finally {
          hub.faults.remove(latency);
        }
        for (const object of [...serial, ...parallel]) driveCopyOf(world, object);
        return { one, many };
      });

      const perSecond = (ms: number) => n / (ms / 1000);
      const serial = summarize(reps.map((r) => perSecond(r.one.ms)));
      const parallel = summarize(reps.map((r) => perSecond(r.many.ms)));
      const ratio = summarize(reps.map((r) => r.one.ms / r.many.ms));
      const cpu = (which: 'one' | 'many', of: 'functionCpuMs' | 'emulatorsCpuMs') => summarize(reps.map((r) => r[which][of]));
      return {
        benchmark: 'concurrency',
        figures: [
          figure('objects per pass', n, ''),
          figure('emulator latency per request', LATENCY_MS, 'ms'),
          statFigure('1 in flight: objects per second', serial, '/s'),
          statFigure(`${IN_FLIGHT} in flight: objects per second`, parallel, '/s'),
          statFigure(`${IN_FLIGHT} in flight / 1 in flight`, ratio, '×'),
          statFigure('1 in flight: function process CPU per object', cpu('one', 'functionCpuMs'), 'ms'),
          statFigure(`${IN_FLIGHT} in flight: function process CPU per object`, cpu('many', 'functionCpuMs'), 'ms'),
          statFigure(`${IN_FLIGHT} in flight: emulators' CPU per object`, cpu('many', 'emulatorsCpuMs'), 'ms'),
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
