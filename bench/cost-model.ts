/**
 * The `cost` benchmark's arithmetic, pure (no clock, no IO), so a table of cases can check it: billable
 * instance time from measured request intervals (Cloud Run's request-based billing), Cloud Tasks billable
 * operations, the deployment's sizes read from Terraform's variable defaults, the list prices with the
 * pages they come from, and the scaling from what was measured to per 1,000 objects, per GiB and to a burst.
 */

/** One request a function instance served: when it arrived and when it was answered. */
export interface Interval {
  startMs: number;
  endMs: number;
}

export interface BillableTime {
  /** Instances the requests needed at the deployment's concurrency. */
  instances: number;
  /** Time with at least one request in progress, summed over instances. */
  busyMs: number;
  /** The same, each busy period of each instance rounded up to `roundMs`. */
  billableMs: number;
}

/**
 * Request-based billing (https://cloud.google.com/run/pricing): an instance is billed while it serves at
 * least one request, concurrent requests sharing it, rounded up to the nearest 100 ms. The requests are
 * placed on instances of `concurrency` slots as they arrive (each on the first instance with a free slot,
 * a new one when none has), then each instance's overlapping requests are merged into busy periods. Cold
 * starts and idle instances are not billed under request-based billing and are not counted.
 */
export function billableTime(requests: readonly Interval[], concurrency: number, roundMs = 100): BillableTime {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  const sorted = [...requests].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const instances: { active: number[]; served: Interval[] }[] = [];
  for (const r of sorted) {
    for (const i of instances) i.active = i.active.filter((end) => end > r.startMs);
    let instance = instances.find((i) => i.active.length < concurrency);
    if (!instance) instances.push((instance = { active: [], served: [] }));
    instance.active.push(r.endMs);
    instance.served.push(r);
  }
  let busyMs = 0;
  let billableMs = 0;
  for (const { served } of instances) {
    for (const period of busyPeriods(served)) {
      const ms = period.endMs - period.startMs;
      busyMs += ms;
      billableMs += Math.ceil(ms / roundMs - 1e-9) * roundMs;
    }
  }
  return { instances: instances.length, busyMs, billableMs };
}

/** Sorted intervals merged where they overlap or touch. */
export function busyPeriods(intervals: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const r of [...intervals].sort((a, b) => a.startMs - b.startMs)) {
    const last = out.at(-1);
    if (last && r.startMs <= last.endMs) last.endMs = Math.max(last.endMs, r.endMs);
    else out.push({ startMs: r.startMs, endMs: r.endMs });
  }
  return out;
}

/** One Cloud Tasks API call or push delivery attempt, with its payload sizes. */
export interface TasksCall {
  requestBytes: number;
  responseBytes: number;
  /** Tasks a call that works on several returned (a list). */
  tasks?: number;
}

export const TASKS_CHUNK_BYTES = 32 * 1024;

/**
 * Cloud Tasks billable operations (https://cloud.google.com/tasks/pricing): every API call and push delivery
 * attempt is at least one; its size (the larger of request and response) counts in 32 KB chunks; a call
 * that works on several tasks counts one per task.
 */
export function tasksOperations(calls: readonly TasksCall[]): number {
  let ops = 0;
  for (const c of calls) ops += Math.max(1, Math.ceil(Math.max(c.requestBytes, c.responseBytes) / TASKS_CHUNK_BYTES), c.tasks ?? 0);
  return ops;
}

/** A function as deployed: its memory and vCPUs (both billed per second of billable instance time) and concurrency. */
export interface FunctionSize {
  memoryGiB: number;
  vcpu: number;
  concurrency: number;
  maxInstances: number;
}

/** Cloud Run's memory quantity: `Mi`/`Gi` binary, `M`/`G` decimal (Kubernetes' units), in GiB. */
export function memoryGiB(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(Mi|Gi|M|G)$/.exec(quantity.trim());
  if (!m) throw new Error(`not a memory size: "${quantity}"`);
  const bytes = { Mi: 2 ** 20, Gi: 2 ** 30, M: 1e6, G: 1e9 }[m[2] as 'Mi' | 'Gi' | 'M' | 'G'];
  return (Number(m[1]) * bytes) / 2 ** 30;
}

/** The `default` of `variable "NAME"` in Terraform source; undefined when absent or null. */
export function terraformDefault(source: string, name: string): string | undefined {
  const block = new RegExp(`variable\\s+"${name}"\\s*\\{([\\s\\S]*?)\\n\\}`).exec(source)?.[1];
  const value = block && /^\s*default\s*=\s*(.+?)\s*$/m.exec(block)?.[1];
  if (value === undefined || value === 'null') return undefined;
  return value.replace(/^"(.*)"$/, '$1');
}

/** The function's size from Terraform's defaults (`PREFIX_memory`, `_cpu`, `_concurrency`, `_max_instances`). */
export function functionSizeOf(variablesTf: string, prefix: 'event' | 'http'): FunctionSize {
  const get = (name: string): string => {
    const value = terraformDefault(variablesTf, `${prefix}_${name}`);
    if (value === undefined) throw new Error(`terraform: no default for ${prefix}_${name}`);
    return value;
  };
  return {
    memoryGiB: memoryGiB(get('memory')),
    vcpu: Number(get('cpu')),
    concurrency: Number(get('concurrency')),
    maxInstances: Number(get('max_instances')),
  };
}

/** What a number of objects used: the figures the benchmark measures, in one unit. */
export interface Usage {
  invocations: number;
  /** CPU the function processes used (user + system, children included), measured. */
  cpuSeconds: number;
  /** Billable instance time × allocated vCPUs. */
  vcpuSeconds: number;
  /** Billable instance time × allocated memory. */
  gibSeconds: number;
  tasksOperations: number;
  driveCalls: number;
}

export const ZERO_USAGE: Usage = { invocations: 0, cpuSeconds: 0, vcpuSeconds: 0, gibSeconds: 0, tasksOperations: 0, driveCalls: 0 };

/** Billed resources of `billableMs` on a function of `size`. */
export function billedResources(billableMs: number, size: FunctionSize): Pick<Usage, 'vcpuSeconds' | 'gibSeconds'> {
  return { vcpuSeconds: (billableMs / 1000) * size.vcpu, gibSeconds: (billableMs / 1000) * size.memoryGiB };
}

export function addUsage(a: Usage, b: Partial<Usage>): Usage {
  const out = { ...a };
  for (const key of Object.keys(out) as (keyof Usage)[]) out[key] += b[key] ?? 0;
  return out;
}

/** `usage` measured over `measured` units (objects, bytes) restated per `per` units. */
export function scaleUsage(usage: Usage, measured: number, per: number): Usage {
  if (!(measured > 0)) throw new Error(`cannot scale from ${measured} units`);
  const out = { ...usage };
  for (const key of Object.keys(out) as (keyof Usage)[]) out[key] = (out[key] * per) / measured;
  return out;
}

/** List prices in USD, beyond the free tiers, and where they were read. */
export interface Prices {
  readOn: string;
  vcpuSecond: number;
  gibSecond: number;
  perMillionInvocations: number;
  perMillionTasksOperations: number;
  sources: { name: string; url: string; says: string }[];
}

/**
 * Read on 2026-12-07 through the search tool's stored copies of the pages (it gives no date for its copy, so
 * these are the latest figures it had, not necessarily today's). Tier 1 regions (us-central1, Terraform's
 * default), services with request-based billing. Free tiers (per billing account and month: 180,000
 * vCPU-seconds, 360,000 GiB-seconds, 2 million requests; 1 million Cloud Tasks operations) are left out: the
 * figures are what one more object costs once they are used up.
 */
export const LIST_PRICES: Prices = {
  readOn: '2026-12-07',
  vcpuSecond: 0.000024,
  gibSecond: 0.0000025,
  perMillionInvocations: 0.4,
  perMillionTasksOperations: 0.4,
  sources: [
    {
      name: 'Cloud Run functions',
      url: 'https://cloud.google.com/functions/pricing-1stgen',
      says: 'Cloud Run functions (formerly 2nd gen) are priced as Cloud Run',
    },
    {
      name: 'Cloud Run',
      url: 'https://cloud.google.com/run/pricing',
      says: 'request-based billing, Tier 1: $0.00002400 per vCPU-second, $0.00000250 per GiB-second, $0.40 per million requests; rounded up to the nearest 100 ms; concurrent requests share an instance',
    },
    {
      name: 'Cloud Tasks',
      url: 'https://cloud.google.com/tasks/pricing',
      says: '$0.40 per million billable operations (first million a month free); an operation is an API call or push delivery attempt, in 32 KB chunks',
    },
  ],
};

export interface Price {
  invocations: number;
  vcpu: number;
  memory: number;
  tasks: number;
  /** Drive API calls: no charge. */
  drive: 0;
  total: number;
}

export function priceOf(usage: Usage, prices: Prices = LIST_PRICES): Price {
  const invocations = (usage.invocations * prices.perMillionInvocations) / 1e6;
  const vcpu = usage.vcpuSeconds * prices.vcpuSecond;
  const memory = usage.gibSeconds * prices.gibSecond;
  const tasks = (usage.tasksOperations * prices.perMillionTasksOperations) / 1e6;
  return { invocations, vcpu, memory, tasks, drive: 0, total: invocations + vcpu + memory + tasks };
}

/** A count with thousands separators; a fraction to 3 significant digits. */
export function formatCount(value: number): string {
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}

/** Dollars: cents above $1, 2 significant digits below. */
export function formatUsd(value: number): string {
  if (value === 0) return '$0';
  if (Math.abs(value) >= 1) return `$${value.toFixed(2)}`;
  return `$${Number(value.toPrecision(2)).toString()}`;
}

/** The Markdown table of what `objects` small objects cost in each mode (`usage` already for that many). */
export function burstTable(rows: readonly { mode: string; usage: Usage }[], objects: number): string {
  const head =
    `| mode (${formatCount(objects)} objects) | invocations | CPU-s measured | vCPU-s billed | GiB-s billed | ` +
    'Cloud Tasks operations | Drive calls | functions | Cloud Tasks | total |';
  const lines = [head, '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const { mode, usage: u } of rows) {
    const p = priceOf(u);
    const cells = [u.invocations, u.cpuSeconds, u.vcpuSeconds, u.gibSeconds, u.tasksOperations, u.driveCalls].map(formatCount);
    const prices = [p.invocations + p.vcpu + p.memory, p.tasks, p.total].map(formatUsd);
    lines.push(`| \`${mode}\` | ${[...cells, ...prices].join(' | ')} |`);
  }
  return lines.join('\n');
}
