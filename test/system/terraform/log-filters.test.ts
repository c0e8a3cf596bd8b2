/**
 * The log filters against log lines: the query-language evaluator on its own, then every
 * filter of the module (local.log_filters, read by the log-based metrics and the operator-error alert)
 * against LogEntries built from lines written after the log contract (BRIEF "Log contract"): which metric
 * counts which line, and whether each metric's label and value extractors find their fields. An operator,
 * reauthorize or permanent line stands for its object attempt (outcome "failed"): backups counts it too.
 * real-log-lines.test.ts feeds lines captured from the running functions to the same `countedBy`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blocks, findResource, str } from './hcl';
import { type LogEntry, countedBy, extract, logEntryFromLine, matches, moduleLogFilters, parseFilter } from './log-filters';
import { only, rootModule } from './module';

const EVENT = 'gcs-drive-backup-on-finalize';
const HTTP = 'gcs-drive-backup-http';

function entry(jsonPayload: Record<string, unknown>, extra: Partial<LogEntry> = {}): LogEntry {
  return { severity: 'INFO', resource: { type: 'cloud_run_revision', labels: { service_name: 'svc' } }, jsonPayload, ...extra };
}

test('evaluator: comparisons, precedence (NOT, OR, AND), implicit AND, missing fields', () => {
  const e = entry({ event: 'objectOutcome', outcome: 'failed', bytes: 2048, dryRun: false, tags: ['a', 'b'], name: 'Photos/IMG.jpg' }, { severity: 'ERROR' });
  const cases: [string, boolean][] = [
    ['jsonPayload.event = "objectOutcome"', true],
    ['jsonPayload.event = "objectoutcome"', false], // = is exact
    ['jsonPayload.event = objectOutcome', true], // bare value
    ['jsonPayload.event != "objectOutcome"', false],
    ['jsonPayload.name : "img"', true], // has: case-insensitive substring
    ['jsonPayload.name =~ "^Photos/"', true],
    ['jsonPayload.name !~ "^Photos/"', false],
    ['jsonPayload.bytes > 1024', true],
    ['jsonPayload.bytes >= 2048 AND jsonPayload.bytes < 2049', true],
    ['jsonPayload.bytes = 2048.0', true], // numbers compare as numbers
    ['jsonPayload.dryRun = false', true],
    ['jsonPayload.dryRun = true', false],
    ['jsonPayload.tags = "b"', true], // an array holds if an element does
    ['jsonPayload.missing = "x"', false],
    ['NOT jsonPayload.missing = "x"', true],
    ['severity >= WARNING', true],
    ['severity = ERROR', true],
    ['severity < ERROR', false],
    ['resource.type = "cloud_run_revision" resource.labels.service_name = "svc"', true], // juxtaposition is AND
    ['resource.type = "cloud_run_revision" resource.labels.service_name = "other"', false],
    // OR binds tighter than AND: (false OR true) AND true, not false OR (true AND true) … and the reverse.
    ['jsonPayload.outcome = "uploaded" OR jsonPayload.outcome = "failed" AND jsonPayload.event = "objectOutcome"', true],
    ['jsonPayload.outcome = "failed" OR jsonPayload.outcome = "uploaded" AND jsonPayload.event = "other"', false],
    ['NOT jsonPayload.outcome = "failed" OR jsonPayload.event = "objectOutcome"', true],
    ['NOT (jsonPayload.outcome = "failed" OR jsonPayload.event = "x")', false],
    ['(jsonPayload.outcome = "uploaded" OR jsonPayload.outcome = "revised") AND jsonPayload.event = "objectOutcome"', false],
  ];
  for (const [filter, expected] of cases) assert.equal(matches(parseFilter(filter), e), expected, filter);
});

test('evaluator: refuses what it does not implement instead of guessing', () => {
  for (const filter of ['"global text"', '-jsonPayload.a = "b"', 'jsonPayload.a = ', 'jsonPayload.a = "b" AND', '(jsonPayload.a = "b"', 'jsonPayload.a = "unterminated', 'sample(insertId, 0.1)']) {
    assert.throws(() => parseFilter(filter), Error, filter);
  }
});

test('logEntryFromLine: severity leaves the payload, message and the fields stay, the resource is the Cloud Run revision', () => {
  const e = logEntryFromLine('{"severity":"ERROR","message":"m","event":"objectOutcome","logging.googleapis.com/trace":"projects/p/traces/t"}', EVENT);
  assert.equal(e.severity, 'ERROR');
  assert.deepEqual(e.jsonPayload, { message: 'm', event: 'objectOutcome' });
  assert.equal(e.resource.type, 'cloud_run_revision');
  assert.equal(e.resource.labels['service_name'], EVENT);
  assert.equal(extract('EXTRACT(resource.labels.service_name)', e), EVENT);
  assert.equal(extract('EXTRACT(jsonPayload.event)', e), 'objectOutcome');
  assert.equal(extract('EXTRACT(jsonPayload.nope)', e), undefined);
});

// Lines as the log contract defines them (one JSON object per line; `severity`, `message`, `event` + fields).
const object = { bucket: 'photos', name: 'a/b.jpg', generation: '1700000000000001' };
const LINES: { what: string; service: string; line: Record<string, unknown>; counted: string[] }[] = [
  {
    what: 'an uploaded object',
    service: EVENT,
    line: { severity: 'INFO', message: 'uploaded gs://photos/a/b.jpg', event: 'objectOutcome', ...object, outcome: 'uploaded', bytes: 1234, durationMs: 80, attempts: 1 },
    counted: ['backups', 'bytes'],
  },
  {
    what: 'a revised object (backed up by the HTTP worker)',
    service: HTTP,
    line: { severity: 'INFO', message: 'revised …', event: 'objectOutcome', ...object, outcome: 'revised', bytes: 99, durationMs: 50, attempts: 2 },
    counted: ['backups', 'bytes'],
  },
  {
    what: 'a skipped object',
    service: EVENT,
    line: { severity: 'INFO', message: 'skipped …', event: 'objectOutcome', ...object, outcome: 'skipped', durationMs: 3, attempts: 1 },
    counted: ['backups'],
  },
  {
    what: 'a failed attempt',
    service: EVENT,
    line: { severity: 'ERROR', message: 'failed …', event: 'objectOutcome', ...object, outcome: 'failed', durationMs: 9, attempts: 3, failureClass: 'transient', service: 'drive' },
    counted: ['backups'],
  },
  {
    what: 'an operator error (Drive full)',
    service: EVENT,
    line: {
      severity: 'ERROR',
      message: 'gs://photos/a/b.jpg: Drive is full; action required: free space',
      event: 'operatorActionRequired',
      ...object,
      problem: 'Drive is full',
      action: 'free space in Drive',
      problemCode: 'drive-storage-full',
      outcome: 'failed',
      failureClass: 'operator',
      service: 'drive',
    },
    counted: ['backups', 'operator_errors'],
  },
  {
    what: 'a revoked authorization',
    service: HTTP,
    line: {
      severity: 'ERROR',
      message: 'The Drive authorization … was revoked',
      event: 'reauthorizeRequired',
      secret: 'projects/p/secrets/s',
      problem: 'authorization revoked',
      action: 're-run authorize',
      problemCode: 'reauthorize',
      outcome: 'failed',
      failureClass: 'auth',
      service: 'oauth',
    },
    counted: ['backups', 'operator_errors'],
  },
  {
    what: 'a permanent failure',
    service: EVENT,
    line: {
      severity: 'ERROR',
      message: 'giving up on …',
      event: 'permanentFailure',
      ...object,
      problem: 'folder is full',
      action: 'move items',
      problemCode: 'folder-item-cap',
      outcome: 'failed',
      failureClass: 'permanent',
      service: 'drive',
    },
    counted: ['backups', 'operator_errors'],
  },
  {
    what: 'a received finalize event',
    service: EVENT,
    line: { severity: 'INFO', message: 'received …', event: 'eventReceived', ...object, eventType: 'finalized', eventId: 'e-1' },
    counted: ['events_received'],
  },
  {
    what: 'a clean scheduled reconcile',
    service: HTTP,
    line: {
      severity: 'INFO',
      message: 'reconcile of gs://photos/: …; done',
      event: 'reconcileFinished',
      bucket: 'photos',
      prefix: '',
      dryRun: false,
      scanned: 10,
      uploaded: 1,
      revised: 0,
      skipped: 9,
      failed: 0,
      done: true,
      durationMs: 900,
    },
    counted: ['reconcile_runs'],
  },
  {
    what: 'a reconcile dry run (not a scheduled run)',
    service: HTTP,
    line: { severity: 'INFO', message: 'dry-run reconcile …', event: 'reconcileFinished', bucket: 'photos', prefix: '', dryRun: true, scanned: 1, uploaded: 0, revised: 0, skipped: 1, failed: 0, done: true, durationMs: 5 },
    counted: [],
  },
  {
    what: 'a restore drill that passed',
    service: HTTP,
    line: { severity: 'INFO', message: 'restore drill passed: 3 objects restored byte-exact', event: 'restoreDrill', passed: true, objects: 3, durationMs: 1200 },
    counted: ['restore_drills'],
  },
  {
    what: 'a restore drill that failed, naming the object and why',
    service: HTTP,
    line: { severity: 'ERROR', message: 'restore drill failed: gs://photos/a/b.jpg …', event: 'restoreDrill', passed: false, ...object, reason: 'md5 differs' },
    counted: ['restore_drills'],
  },
  { what: 'a retry notice', service: EVENT, line: { severity: 'INFO', message: 'retrying …', event: 'retrying', what: 'upload', attempt: 1, delayMs: 100, reason: '503' }, counted: [] },
  { what: 'a line without an event', service: EVENT, line: { severity: 'INFO', message: 'hello' }, counted: [] },
  {
    what: 'an uploaded object logged by another Cloud Run service',
    service: 'someone-else',
    line: { severity: 'INFO', message: 'uploaded …', event: 'objectOutcome', ...object, outcome: 'uploaded', bytes: 1, durationMs: 1, attempts: 1 },
    counted: [],
  },
];

test('each filter counts exactly the contract lines it is meant for', async () => {
  const filters = moduleLogFilters(await rootModule());
  assert.deepEqual([...filters.keys()].sort(), ['backups', 'bytes', 'events_received', 'operator_errors', 'reconcile_runs', 'restore_drills']);
  for (const { what, service, line, counted } of LINES) assert.deepEqual(countedBy(filters, line, service).sort(), counted, what);
  // Every filter counts something and refuses something in the table, so none of these checks is vacuous.
  for (const name of filters.keys()) {
    assert.ok(LINES.some((l) => l.counted.includes(name)) && LINES.some((l) => !l.counted.includes(name)), name);
  }
});

test('the filters follow var.name: another deployment name selects other services', async () => {
  const filters = moduleLogFilters(await rootModule(), { name: 'photos-backup' });
  const uploaded = LINES[0]!.line;
  assert.deepEqual(countedBy(filters, uploaded, 'photos-backup-on-finalize').sort(), ['backups', 'bytes']);
  assert.deepEqual(countedBy(filters, uploaded, EVENT), []);
});

test("every metric's label and value extractors find their field on the lines it counts", async () => {
  const root = await rootModule();
  const filters = moduleLogFilters(root);
  for (const metric of findResource(root, 'google_logging_metric')) {
    const key = /^\$\{local\.log_filters\.(\w+)\}$/.exec(str(metric.body, 'filter') ?? '')?.[1];
    assert.ok(key !== undefined && filters.has(key), `${metric.name}: filter is one of local.log_filters`);
    const entries = LINES.filter((l) => l.counted.includes(key)).map((l) => logEntryFromLine(l.line, l.service));
    const extractors = { ...(metric.body['label_extractors'] as Record<string, string>) };
    const value = str(metric.body, 'value_extractor');
    if (value !== undefined) extractors['(value)'] = value;
    for (const [label, extractor] of Object.entries(extractors)) {
      // failure_class and service exist on failed outcomes only; every other field on every counted line.
      const found = entries.map((e) => extract(extractor, e));
      if (label === 'failure_class' || label === 'service') assert.ok(found.some((v) => v !== undefined), `${metric.name}.${label}`);
      else assert.ok(found.every((v) => v !== undefined), `${metric.name}.${label} (${extractor}) is missing on a counted line`);
    }
    if (value !== undefined) assert.ok(entries.every((e) => Number(extract(value, e)) > 0), `${metric.name}: numeric value`);
  }
});

test('the operator-error alert matches the same lines as the operator_errors metric and extracts what its text shows', async () => {
  const root = await rootModule();
  const policy = only(findResource(root, 'google_monitoring_alert_policy', 'operator_error'), 'operator_error policy');
  const condition = blocks(blocks(policy.body, 'conditions')[0]!, 'condition_matched_log')[0]!;
  assert.equal(condition['filter'], '${local.log_filters.operator_errors}');
  const extractors = condition['label_extractors'] as Record<string, string>;
  const line = LINES.find((l) => l.line['event'] === 'operatorActionRequired')!;
  const e = logEntryFromLine(line.line, line.service);
  assert.equal(extract(extractors['problem_code']!, e), 'drive-storage-full');
  assert.equal(extract(extractors['action']!, e), 'free space in Drive');
  assert.equal(extract(extractors['problem']!, e), 'Drive is full');
});
