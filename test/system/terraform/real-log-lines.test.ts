/**
 * The log-based metrics and the operator-error alert against REAL log lines: both
 * functions run as Cloud Run would run them (functions-framework child processes, src/index.ts) against the
 * emulators, and every line they write is captured with the service that wrote it. The scenarios make each
 * kind of line the alerting depends on: an upload, a skip (a redelivered event), a deleted event, a
 * transient failure, a permanent failure, an operator error (Drive full), a reconcile run and a dry run,
 * and a revoked authorization. Then:
 * - the lines hold the fields the log contract (BRIEF "Log contract") promises;
 * - each filter of terraform/ (local.log_filters, test/system/terraform/log-filters.ts evaluates them) counts
 *   exactly the lines the contract says it should, from these two services only;
 * - every label and value extractor of every metric, and the alert's, finds its field on the lines counted,
 *   and the label values the alert queries select on (`outcome`, `event_type`, `severity`) occur.
 * So a renamed field breaks this test, not an alert.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionTarget } from '../../../harness/function-world.js';
import { deliverStorageEvent } from '../../../harness/deliver.js';
import { createWorld, type World } from '../../support/world.js';
import { blocks, findResource, str } from './hcl';
import { countedBy, extract, logEntryFromLine, moduleLogFilters, resolveTemplate, type ModuleFilter } from './log-filters';
import { only, rootModule } from './module';

interface Captured {
  service: string;
  line: Record<string, unknown>;
}

let world: World;
let services: { event: string; http: string };
let filters: Map<string, ModuleFilter>;
const captured: Captured[] = [];

const OPERATOR_EVENTS = new Set(['operatorActionRequired', 'reauthorizeRequired', 'permanentFailure']);
const SERVICES = new Set(['drive', 'gcs-source', 'state', 'secret-manager', 'oauth']);

/** What each metric counts, in the words of the log contract (not of the filters under test). */
const CONTRACT: Record<string, (l: Record<string, unknown>) => boolean> = {
  // One line per object attempt: objectOutcome, or the operator, reauthorize or permanent line in its place.
  backups: (l) => l.event === 'objectOutcome' || OPERATOR_EVENTS.has(String(l.event)),
  bytes: (l) => l.event === 'objectOutcome' && (l.outcome === 'uploaded' || l.outcome === 'revised'),
  operator_errors: (l) => OPERATOR_EVENTS.has(String(l.event)),
  events_received: (l) => l.event === 'eventReceived',
  reconcile_runs: (l) => l.event === 'reconcileFinished' && l.dryRun === false,
  restore_drills: (l) => l.event === 'restoreDrill',
};

/**
 * Metrics over lines the product does not write yet: the restore drill's line comes with the restore
 * feature. Once the log contract (src/core/logs*.ts) has its logger method, a real line is required here too.
 */
const CORE = join(__dirname, '..', '..', '..', 'src', 'core');
const NOT_YET_WRITTEN = new Set(
  readdirSync(CORE)
    .filter((f) => /^logs.*\.ts$/.test(f))
    .some((f) => readFileSync(join(CORE, f), 'utf8').includes('restoreDrill'))
    ? []
    : ['restore_drills'],
);

/** A function instance in its own process, its lines captured under the Cloud Run service name. */
async function start(target: FunctionTarget, service: string) {
  const fn = await world.startFunction(target);
  fn.logs.onEntry((line) => captured.push({ service, line }));
  return fn;
}

async function write(name: string, content: string) {
  const file = world.storage.bucket(world.sourceBucket).file(name);
  await file.save(content, { resumable: false });
  const [metadata] = await file.getMetadata();
  return metadata as { bucket: string; name: string; generation: string };
}

const linesOf = (predicate: (l: Record<string, unknown>) => boolean) => captured.filter((c) => predicate(c.line));

before(async () => {
  const root = await rootModule();
  filters = moduleLogFilters(root);
  services = { event: resolveTemplate('${local.event_function_name}', root), http: resolveTemplate('${local.http_function_name}', root) };
  world = await createWorld();
  const event = await start('event', services.event);
  const http = await start('http', services.http);
  const { drive, hub, oauth, seed } = world.emulators;

  // An upload, then its event again (a skip), then a deleted event (the object still live: an overwrite, nothing recorded).
  const uploaded = await write('real/uploaded.txt', 'uploaded');
  assert.equal(await deliverStorageEvent(event.url, uploaded), 204);
  assert.equal(await deliverStorageEvent(event.url, uploaded), 204);
  assert.equal(await deliverStorageEvent(event.url, uploaded, { type: 'google.cloud.storage.object.v1.deleted' }), 204);

  // A transient failure: every download of the object answers 503 until the gateway gives up.
  const transient = await write('real/transient.txt', 'transient');
  const download503 = hub.faults.add({
    route: 'gcs.objects.download',
    path: 'real%2Ftransient',
    times: 0,
    action: { kind: 'status', status: 503, body: { error: { code: 503, message: 'Service Unavailable' } } },
  });
  assert.equal(await deliverStorageEvent(event.url, transient), 500);
  hub.faults.remove(download503);

  // A permanent failure: Drive refuses the upload as invalid (400), which no retry can change.
  const permanent = await write('real/permanent.txt', 'permanent');
  const bad = { error: { code: 400, message: 'Bad Request', errors: [{ domain: 'global', reason: 'badRequest', message: 'Bad Request' }] } };
  const upload400 = hub.faults.add({ route: 'drive.upload.create', action: { kind: 'status', status: 400, body: bad } });
  assert.equal(await deliverStorageEvent(event.url, permanent), 204, 'acknowledged');
  hub.faults.remove(upload400);

  // An operator error: the user's Drive is full.
  const full = await write('real/full.txt', 'full');
  drive.setStorageQuota(1);
  assert.equal(await deliverStorageEvent(event.url, full), 500);
  drive.setStorageQuota(undefined);

  // The scheduled reconcile, clean (it backs up what failed above), and a dry run (not a scheduled run).
  const reconcile = async (body: unknown) =>
    (await fetch(`${http.url}/reconcile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status;
  assert.equal(await reconcile({}), 200);
  assert.equal(await reconcile({ dryRun: true }), 200);
  // The weekly restore drill: one restoreDrill line, whatever it finds.
  const drill = await fetch(`${http.url}/restore-drill`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(drill.status, 200, await drill.clone().text());
  await drill.arrayBuffer();

  // Last, as it revokes the seeded authorization: the user must re-authorize.
  oauth.revokeRefreshToken(seed.refreshToken);
  oauth.expireAccessTokens();
  assert.equal(await deliverStorageEvent(event.url, await write('real/revoked.txt', 'revoked')), 500);
});

after(() => world?.stop());

describe('real log lines of the functions under the emulators', () => {
  test('every kind of line the alerting reads was written', () => {
    const seen = (event: string, fields: Record<string, unknown> = {}) =>
      linesOf((l) => l.event === event && Object.entries(fields).every(([k, v]) => l[k] === v)).length > 0;
    const wanted: [string, Record<string, unknown>][] = [
      ['eventReceived', { eventType: 'finalized' }],
      ['eventReceived', { eventType: 'deleted' }],
      ['objectOutcome', { outcome: 'uploaded' }],
      ['objectOutcome', { outcome: 'skipped' }],
      ['objectOutcome', { outcome: 'failed', failureClass: 'transient', service: 'gcs-source' }],
      ['permanentFailure', { problemCode: 'drive-request-rejected' }],
      ['operatorActionRequired', { problemCode: 'drive-storage-full' }],
      ['reauthorizeRequired', { problemCode: 'reauthorize' }],
      ['reconcileFinished', { dryRun: false, severity: 'INFO' }],
      ['reconcileFinished', { dryRun: true }],
    ];
    for (const [event, fields] of wanted) assert.ok(seen(event, fields), `${event} ${JSON.stringify(fields)}`);
    assert.ok(
      captured.some((c) => c.service === services.http && c.line.event === 'objectOutcome'),
      'reconcile wrote outcome lines too',
    );
  });

  test('the lines hold the fields the log contract promises', () => {
    for (const { line: l } of captured) {
      const what = JSON.stringify(l).slice(0, 300);
      assert.equal(typeof l.severity, 'string', what);
      assert.equal(typeof l.message, 'string', what);
      assert.equal(typeof l.event, 'string', `every line names its event: ${what}`);
      if (l.event === 'eventReceived') {
        for (const f of ['bucket', 'name', 'generation', 'eventId']) assert.equal(typeof l[f], 'string', `${f}: ${what}`);
        assert.ok(l.eventType === 'finalized' || l.eventType === 'deleted', what);
        assert.equal(l.severity, 'INFO', what);
      }
      if (l.event === 'objectOutcome') {
        assert.ok(['uploaded', 'revised', 'skipped', 'failed'].includes(String(l.outcome)), what);
        assert.equal(typeof l.durationMs, 'number', what);
        assert.equal(typeof l.attempts, 'number', what);
        if (l.outcome === 'uploaded' || l.outcome === 'revised') assert.equal(typeof l.bytes, 'number', what);
        if (l.outcome === 'failed') {
          assert.equal(typeof l.failureClass, 'string', what);
          assert.ok(SERVICES.has(String(l.service)), what);
        }
      }
      if (OPERATOR_EVENTS.has(String(l.event))) {
        assert.equal(l.severity, 'ERROR', what);
        for (const f of ['problem', 'action', 'failureClass']) assert.equal(typeof l[f], 'string', `${f}: ${what}`);
        assert.match(String(l.problemCode), /^[a-z]+(-[a-z]+)*$/, what);
        assert.equal(l.outcome, 'failed', what);
        assert.ok(SERVICES.has(String(l.service)), what);
      }
      if (l.event === 'reconcileFinished') {
        assert.equal(typeof l.dryRun, 'boolean', what);
        assert.equal(typeof l.done, 'boolean', what);
        for (const f of ['scanned', 'uploaded', 'revised', 'skipped', 'failed', 'durationMs']) assert.equal(typeof l[f], 'number', `${f}: ${what}`);
      }
    }
  });

  test('each filter counts exactly the lines the contract says, and only from the two functions', () => {
    for (const { service, line } of captured) {
      const expected = Object.keys(CONTRACT)
        .filter((metric) => CONTRACT[metric]!(line))
        .sort();
      assert.deepEqual(countedBy(filters, line, service).sort(), expected, JSON.stringify(line).slice(0, 300));
      assert.deepEqual(countedBy(filters, line, 'someone-else'), [], 'another Cloud Run service is not counted');
    }
    for (const metric of filters.keys()) {
      assert.ok(metric in CONTRACT, `the contract says what ${metric} counts`);
      if (!NOT_YET_WRITTEN.has(metric)) assert.ok(linesOf(CONTRACT[metric]!).length > 0, `a real line for ${metric}`);
    }
  });

  test("every metric's extractors find their fields on the real lines it counts; the alerts' label values occur", async () => {
    const root = await rootModule();
    const labelValues = new Map<string, Set<string>>();
    for (const metric of findResource(root, 'google_logging_metric')) {
      const key = /^\$\{local\.log_filters\.(\w+)\}$/.exec(str(metric.body, 'filter') ?? '')?.[1] ?? '';
      const counted = captured.filter((c) => countedBy(filters, c.line, c.service).includes(key));
      assert.ok(counted.length > 0 || NOT_YET_WRITTEN.has(key), metric.name);
      const extractors = { ...(metric.body['label_extractors'] as Record<string, string>) };
      for (const { service, line } of counted) {
        const entry = logEntryFromLine(line, service);
        const failed = line.outcome === 'failed';
        for (const [label, extractor] of Object.entries(extractors)) {
          const value = extract(extractor, entry);
          // failure_class and service belong to failed attempts; every other label to every counted line.
          if ((label === 'failure_class' || label === 'service') && !failed) continue;
          assert.ok(value !== undefined, `${metric.name}.${label} (${extractor}) on ${JSON.stringify(line).slice(0, 200)}`);
          const values = labelValues.get(`${metric.name}.${label}`) ?? new Set<string>();
          labelValues.set(`${metric.name}.${label}`, values.add(value));
        }
        const valueExtractor = str(metric.body, 'value_extractor');
        if (valueExtractor !== undefined) assert.ok(Number(extract(valueExtractor, entry)) > 0, `${metric.name} value`);
      }
    }
    // The label values the backlog, reconcile and dashboard queries select on (alerts.tf, dashboard.json.tftpl).
    const has = (label: string, value: string) => assert.ok(labelValues.get(label)?.has(value), `${label} = ${value}`);
    has('backups.outcome', 'uploaded');
    has('backups.outcome', 'skipped');
    has('backups.outcome', 'failed');
    has('events_received.event_type', 'finalized');
    has('reconcile_runs.severity', 'INFO');
    has('reconcile_runs.done', 'true');
    has('backups.function', services.event);
    has('backups.function', services.http);
  });

  test('the operator-error alert matches every real operator line and shows its problem, action and code', async () => {
    const root = await rootModule();
    const policy = only(findResource(root, 'google_monitoring_alert_policy', 'operator_error'), 'operator_error policy');
    const condition = blocks(blocks(policy.body, 'conditions')[0]!, 'condition_matched_log')[0]!;
    const filter = /^\$\{local\.log_filters\.(\w+)\}$/.exec(String(condition['filter']))?.[1] ?? '';
    const extractors = condition['label_extractors'] as Record<string, string>;
    const operatorLines = linesOf((l) => OPERATOR_EVENTS.has(String(l.event)));
    assert.equal(new Set(operatorLines.map((c) => c.line.event)).size, 3, 'all three operator events');
    for (const { service, line } of captured) {
      const matched = countedBy(filters, line, service).includes(filter);
      assert.equal(matched, OPERATOR_EVENTS.has(String(line.event)), JSON.stringify(line).slice(0, 200));
      if (!matched) continue;
      const entry = logEntryFromLine(line, service);
      for (const [label, extractor] of Object.entries(extractors)) assert.ok(extract(extractor, entry), `${label} on ${String(line.event)}`);
    }
  });
});
