/**
 * `npm run bench [-- NAME...]`: runs the benchmarks of the product's measurable goals (all of them, or
 * those named, always in the order below: `peer` first, since `memory` and `throughput` compare with its
 * figures), prints each one's figures and verdicts as it finishes, then one table of everything and a
 * "ratios" line with every goal's verdict, and writes the same as JSON to bench/results/latest.json.
 * Exit code: 0 when every benchmark ran (goals missed or not), 1 when one failed, 2 for a bad argument.
 */
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { burstBenchmark } from './burst.js';
import { calmBenchmark } from './calm.js';
import { coldstartBenchmark } from './coldstart.js';
import { distanceBenchmark } from './distance.js';
import { concurrencyBenchmark } from './concurrency.js';
import { costBenchmark } from './cost.js';
import { memoryBenchmark } from './memory.js';
import { parseBenchOptions } from './options.js';
import { peerBenchmark } from './peer.js';
import { reconcileScaleBenchmark } from './reconcile-scale.js';
import { renderTable, writeResults, type Benchmark, type BenchmarkResult, type RunContext } from './report.js';
import { requestsBenchmark } from './requests.js';
import { restoreBenchmark } from './restore.js';
import { throughputBenchmark } from './throughput.js';

const BENCHMARKS: readonly Benchmark[] = [
  peerBenchmark,
  memoryBenchmark,
  throughputBenchmark,
  distanceBenchmark,
  concurrencyBenchmark,
  reconcileScaleBenchmark,
  coldstartBenchmark,
  requestsBenchmark,
  burstBenchmark,
  calmBenchmark,
  costBenchmark,
  restoreBenchmark,
];
/** Run only when named: `burst` runs the calm row already. */
const NAMED_ONLY: readonly Benchmark[] = [calmBenchmark];
const RESULTS_FILE = join(__dirname, 'results', 'latest.json');

function usage(): string {
  const lines = BENCHMARKS.map((b) => `  ${b.name.padEnd(15)} ${b.description}`);
  return `usage: npm run bench [-- NAME...]\n\nbenchmarks (default: all but calm, in this order):\n${lines.join('\n')}\n`;
}

/** The benchmarks `args` name, in the default order; a string when an argument names none. */
function selectBenchmarks(args: readonly string[]): readonly Benchmark[] | string {
  const unknown = args.filter((a) => !BENCHMARKS.some((b) => b.name === a));
  if (unknown.length > 0) return `unknown benchmark ${unknown.join(', ')}\n\n${usage()}`;
  return args.length === 0 ? BENCHMARKS.filter((b) => !NAMED_ONLY.includes(b)) : BENCHMARKS.filter((b) => args.includes(b.name));
}

async function main(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage());
    return 0;
  }
  const selected = selectBenchmarks(args);
  if (typeof selected === 'string') {
    console.error(selected);
    return 2;
  }
  const options = parseBenchOptions(process.env);
  const results: BenchmarkResult[] = [];
  const context: RunContext = {};
  let failed = false;
  for (const benchmark of selected) {
    console.log(`\n== ${benchmark.name}: ${benchmark.description}`);
    const started = performance.now();
    try {
      const result = await benchmark.run(options, (line) => console.log(`   ${line}`), context);
      results.push(result);
      console.log(renderTable([result]).trimEnd());
    } catch (err) {
      failed = true;
      console.error(`${benchmark.name} failed: ${(err as Error).stack ?? String(err)}`);
    }
    console.log(`   (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  if (results.length > 0) {
    console.log(`\n== results\n${renderTable(results)}`);
    const cpu = cpus();
    writeResults(RESULTS_FILE, results, {
      node: process.version,
      cpus: cpu.length,
      cpuModel: cpu[0]?.model,
      totalMemMiB: Math.round(totalmem() / 1024 / 1024),
      options,
    });
    console.log(`written to ${RESULTS_FILE}`);
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
