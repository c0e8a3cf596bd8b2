/**
 * The `cost` benchmark's arithmetic (bench/cost-model.ts), as tables: billable instance time under
 * request-based billing, Cloud Tasks operations in 32 KB chunks, Terraform's sizes, scaling and prices.
 * Pure and fast: it starts nothing, but bench/ has no src/ file to mirror, so it lives here.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  billableTime,
  burstTable,
  formatUsd,
  functionSizeOf,
  memoryGiB,
  priceOf,
  scaleUsage,
  tasksOperations,
  terraformDefault,
  ZERO_USAGE,
  type Interval,
  type Prices,
} from '../../../bench/cost-model.js';

const r = (startMs: number, endMs: number): Interval => ({ startMs, endMs });

describe('billable instance time', () => {
  const cases: [string, Interval[], number, { instances: number; busyMs: number; billableMs: number }][] = [
    ['one short request is billed 100 ms', [r(0, 50)], 4, { instances: 1, busyMs: 50, billableMs: 100 }],
    ['exactly 100 ms stays 100 ms', [r(0, 100)], 4, { instances: 1, busyMs: 100, billableMs: 100 }],
    ['overlapping requests share an instance', [r(0, 150), r(100, 250)], 4, { instances: 1, busyMs: 250, billableMs: 300 }],
    ['at concurrency 1 they need two instances', [r(0, 150), r(100, 250)], 1, { instances: 2, busyMs: 300, billableMs: 400 }],
    ['an idle gap is not billed; each busy period rounds up', [r(0, 100), r(500, 620)], 4, { instances: 1, busyMs: 220, billableMs: 300 }],
    [
      'five at once at concurrency 4: a second instance',
      [0, 1, 2, 3, 4].map(() => r(0, 1000)),
      4,
      { instances: 2, busyMs: 2000, billableMs: 2000 },
    ],
    ['a slot freed is reused', [r(0, 100), r(0, 100), r(100, 200)], 2, { instances: 1, busyMs: 200, billableMs: 200 }],
    ['order of the input does not matter', [r(500, 620), r(0, 100)], 4, { instances: 1, busyMs: 220, billableMs: 300 }],
    ['no requests, nothing billed', [], 4, { instances: 0, busyMs: 0, billableMs: 0 }],
  ];
  for (const [name, requests, concurrency, expected] of cases) {
    test(name, () => assert.deepEqual(billableTime(requests, concurrency), expected));
  }
  test('a concurrency below 1 is refused', () => assert.throws(() => billableTime([], 0), /concurrency/));
});

describe('Cloud Tasks operations', () => {
  const cases: [string, Parameters<typeof tasksOperations>[0], number][] = [
    ['a small call is one', [{ requestBytes: 300, responseBytes: 500 }], 1],
    ['32 KiB is still one', [{ requestBytes: 32 * 1024, responseBytes: 10 }], 1],
    ['one byte more is two', [{ requestBytes: 32 * 1024 + 1, responseBytes: 0 }], 2],
    ['the larger of request and answer counts (96 KiB: 3)', [{ requestBytes: 10, responseBytes: 96 * 1024 }], 3],
    ['a list of 25 tasks is 25', [{ requestBytes: 0, responseBytes: 2000, tasks: 25 }], 25],
    ['a list of none is still one', [{ requestBytes: 0, responseBytes: 0, tasks: 0 }], 1],
    [
      'calls add up',
      [
        { requestBytes: 1, responseBytes: 1 },
        { requestBytes: 70_000, responseBytes: 1 },
      ],
      4,
    ],
  ];
  for (const [name, calls, expected] of cases) test(name, () => assert.equal(tasksOperations(calls), expected));
});

describe('the deployment from Terraform', () => {
  const cases: [string, number][] = [
    ['512Mi', 0.5],
    ['1Gi', 1],
    ['2G', 2e9 / 2 ** 30],
    ['512M', 512e6 / 2 ** 30],
  ];
  for (const [quantity, gib] of cases) test(`${quantity} is ${gib} GiB`, () => assert.equal(memoryGiB(quantity), gib));
  test('a size without a unit is refused', () => assert.throws(() => memoryGiB('512'), /not a memory size/));

  const source = [
    'variable "event_memory" {\n  type    = string\n  default = "1Gi"\n}',
    'variable "event_cpu" {\n  default = "2"\n\n  validation {\n    condition = true\n  }\n}',
    'variable "event_concurrency" {\n  default = 8\n}',
    'variable "event_max_instances" {\n  default = 3\n}',
    'variable "unset" {\n  default = null\n}',
  ].join('\n\n');
  test('defaults are read from their own variable block', () => {
    assert.equal(terraformDefault(source, 'event_memory'), '1Gi');
    assert.equal(terraformDefault(source, 'event_concurrency'), '8');
    assert.equal(terraformDefault(source, 'unset'), undefined);
    assert.equal(terraformDefault(source, 'missing'), undefined);
    assert.deepEqual(functionSizeOf(source, 'event'), { memoryGiB: 1, vcpu: 2, concurrency: 8, maxInstances: 3 });
  });
  test("the module's own variables.tf gives both functions a size", () => {
    const tf = readFileSync(join(__dirname, '..', '..', '..', 'terraform', 'variables.tf'), 'utf8');
    for (const prefix of ['event', 'http'] as const) {
      const size = functionSizeOf(tf, prefix);
      const whole = Number.isInteger(size.concurrency) && Number.isInteger(size.maxInstances);
      assert.ok(size.memoryGiB > 0 && size.vcpu > 0 && whole, `${prefix}: ${JSON.stringify(size)}`);
    }
  });
});

describe('scaling and prices', () => {
  const prices: Prices = {
    readOn: 'x',
    vcpuSecond: 0.00002,
    gibSecond: 0.000002,
    perMillionInvocations: 0.4,
    perMillionTasksOperations: 0.5,
    sources: [],
  };
  test('300 objects restated per 1,000', () => {
    const measured = { ...ZERO_USAGE, invocations: 600, vcpuSeconds: 30, driveCalls: 330 };
    assert.deepEqual(scaleUsage(measured, 300, 1000), { ...ZERO_USAGE, invocations: 2000, vcpuSeconds: 100, driveCalls: 1100 });
  });
  test('nothing measured cannot be scaled', () => assert.throws(() => scaleUsage(ZERO_USAGE, 0, 1000)));
  test('each resource at its price, Drive free', () => {
    const usage = { ...ZERO_USAGE, invocations: 2e6, vcpuSeconds: 1000, gibSeconds: 500, tasksOperations: 4e6, driveCalls: 9e9 };
    const p = priceOf(usage, prices);
    assert.deepEqual(
      [p.invocations, p.vcpu, p.memory, p.tasks, p.drive].map((x) => Number(x.toFixed(6))),
      [0.8, 0.02, 0.001, 2, 0],
    );
    assert.equal(Number(p.total.toFixed(6)), 2.821);
  });
  test('dollars: cents from $1, two significant digits below', () => {
    assert.deepEqual([0, 0.0061234, 0.5, 1, 12.345].map(formatUsd), ['$0', '$0.0061', '$0.5', '$1.00', '$12.35']);
  });
  test('the burst table has one row per mode with its figures and prices', () => {
    const usage = {
      invocations: 200_000,
      cpuSeconds: 3800,
      vcpuSeconds: 51_000,
      gibSeconds: 25_500,
      tasksOperations: 300_000,
      driveCalls: 110_000,
    };
    const lines = burstTable([{ mode: 'tasks', usage }], 100_000).split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '| `tasks` | 200,000 | 3,800 | 51,000 | 25,500 | 300,000 | 110,000 | $1.37 | $0.12 | $1.49 |');
  });
});
