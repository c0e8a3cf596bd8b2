/**
 * `requests`: HTTP requests the function makes per small new object on a warm instance. The function
 * runs in this process (harness/function-world.ts); one object in the folder warms it (runtime built, token
 * fresh, folder known), the new objects are uploaded, the emulators' counters are reset, and then each
 * object's event is delivered in turn. Counters per route ÷ objects give the breakdown.
 * Goal: ≤ 3 requests per object, all services together.
 */
import { deliverUntilAcked } from '../harness/deliver.js';
import { startFunctionWorld } from '../harness/function-world.js';
import { driveCopyOf, KiB, putObject, type SourceObject } from './objects.js';
import { figure, type Benchmark, type BenchmarkResult } from './report.js';

const GOAL_PER_OBJECT = 3;
const FOLDER = 'bench-requests/2024/05';

export const requestsBenchmark: Benchmark = {
  name: 'requests',
  description: 'HTTP requests per small new object on a warm in-process instance, per route',
  async run(options, progress): Promise<BenchmarkResult> {
    // The function's JSON lines are captured, off this process's stdout, which shows the benchmark's table.
    const world = await startFunctionWorld({ targets: ['event'] });
    try {
      const backUp = async (object: SourceObject) => {
        const statuses = await deliverUntilAcked(world.url('event'), object, 3);
        if (statuses.at(-1) !== 204) throw new Error(`backing up ${object.name} answered ${statuses.join(', ')}`);
      };
      await backUp(await putObject(world, `${FOLDER}/warm-up.txt`, KiB));
      const objects: SourceObject[] = [];
      for (let i = 0; i < options.smallObjects; i++) objects.push(await putObject(world, `${FOLDER}/object-${i}.txt`, KiB + i));

      progress(`backing up ${objects.length} new ${KiB} B objects in ${FOLDER}/`);
      const { hub } = world.emulators;
      hub.resetCounters();
      for (const object of objects) await backUp(object);
      const counters = hub.counters();
      for (const object of objects) driveCopyOf(world, object);

      const n = objects.length;
      const total = Object.values(counters).reduce((sum, count) => sum + count, 0);
      const services = [...new Set(Object.keys(counters).map((route) => route.split('.')[0]!))];
      return {
        benchmark: 'requests',
        figures: [
          figure('objects backed up', n, ''),
          ...services.map((service) => figure(`${service} requests per object`, hub.total(`${service}.`) / n, '')),
          ...Object.entries(counters).map(([route, count]) => figure(`  ${route} per object`, count / n, '')),
          figure('all requests per object', total / n, ''),
        ],
        goal: [{ label: 'requests per small new object', value: total / n, unit: '', limit: GOAL_PER_OBJECT, comparison: 'atMost' }],
        details: { objects: n, counters },
      };
    } finally {
      await world.stop();
    }
  },
};
