/**
 * Static checks of restore in the module: restore_buckets (the only places the functions may restore
 * into, objectCreator and nothing more, passed as RESTORE_BUCKETS), the weekly restore drill job, the
 * restore_drills metric and the alert that fires when a drill failed or none passed in two intervals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { block, blocks, findResource, isIamResource } from './hcl';
import { REQUIRED_VARS, assertValidations, dependsOn, inputsWorkspace, only, rootModule, terraformAvailable, tfDir } from './module';

const RUNTIME = 'serviceAccount:${google_service_account.runtime.email}';
const NO_TERRAFORM = !terraformAvailable() && 'terraform is not on PATH';

test('restore_buckets: default none; objectCreator for the runtime account on exactly those, nothing broader', async () => {
  const root = await rootModule();
  const variable = only(
    root.variables.filter((v) => v.name === 'restore_buckets'),
    'variable restore_buckets',
  );
  assert.deepEqual(variable.body['default'], []);
  const grant = only(findResource(root, 'google_storage_bucket_iam_member', 'runtime_restore_writer'), 'restore grant');
  assert.equal(grant.body['for_each'], '${toset(var.restore_buckets)}');
  assert.equal(grant.body['bucket'], '${each.value}');
  assert.equal(grant.body['member'], RUNTIME);
  // Create only: no read (objectViewer), no overwrite or delete (objectUser, objectAdmin).
  assert.equal(grant.body['role'], 'roles/storage.objectCreator');
  const onRestoreBuckets = root.resources.filter((r) => isIamResource(r.type) && String(r.body['bucket'] ?? '').includes('each.value'));
  assert.deepEqual(
    onRestoreBuckets.map((r) => `${r.type}.${r.name}`),
    ['google_storage_bucket_iam_member.runtime_restore_writer'],
  );
});

test('RESTORE_BUCKETS reaches both functions, comma-separated, and only when some are named', async () => {
  const root = await rootModule();
  assert.deepEqual(root.locals.get('restore_environment'), { RESTORE_BUCKETS: '${join(",", var.restore_buckets)}' });
  // Merged with the managed variables, whose empty values are left out; both functions extend local.environment.
  assert.match(String(root.locals.get('environment')), /merge\(local\.managed_environment, local\.restore_environment\) : k => v if v != ""/);
  for (const fn of ['event', 'http']) assert.match(String(root.locals.get(`${fn}_environment`)), /^\$\{merge\(local\.environment, /);
});

test('restore_buckets and the drill inputs are validated (terraform plan)', { skip: NO_TERRAFORM }, async () => {
  const ws = await inputsWorkspace();
  try {
    await assertValidations(
      ws,
      ['restore_buckets=["restored","my.restore-bucket_2"]', 'restore_drill_schedule=30 2 * * 0', 'restore_drill_interval_minutes=1440'],
      ['restore_buckets=["Bad_Bucket"]', 'restore_drill_schedule=weekly', 'restore_drill_interval_minutes=10'],
    );
    const env = await ws.evaluate('jsonencode([var.restore_buckets, var.restore_drill_schedule, var.restore_drill_interval_minutes])', REQUIRED_VARS);
    assert.equal(env.output, '"[[],\\"0 4 * * 1\\",10080]"', 'defaults: no restore bucket, weekly on Monday 04:00');
  } finally {
    ws.dispose();
  }
});

test('the restore drill: weekly POST /restore-drill on the HTTP function, as the scheduler account', async () => {
  const root = await rootModule();
  const job = only(findResource(root, 'google_cloud_scheduler_job', 'restore_drill'), 'drill job');
  assert.equal(job.body['count'], '${var.restore_drill_schedule != null ? 1 : 0}');
  assert.equal(job.body['schedule'], '${var.restore_drill_schedule}');
  assert.equal(job.body['name'], '${var.name}-restore-drill');
  const target = block(job.body, 'http_target');
  assert.equal(target['http_method'], 'POST');
  assert.equal(target['uri'], '${google_cloudfunctions2_function.http.service_config[0].uri}/restore-drill');
  assert.equal(target['body'], '${base64encode("{}")}');
  assert.deepEqual(target['headers'], { 'Content-Type': 'application/json' });
  const oidc = block(target, 'oidc_token');
  assert.equal(oidc['service_account_email'], '${google_service_account.scheduler.email}');
  assert.equal(oidc['audience'], '${google_cloudfunctions2_function.http.service_config[0].uri}');
  assert.ok(dependsOn(job).includes('${google_cloud_run_v2_service_iam_member.scheduler_invokes_http_function}'));
});

test('the drill metric counts restoreDrill lines by passed; the alert fires on a failed drill or none passed in two intervals', async () => {
  const root = await rootModule();
  assert.equal(
    (root.locals.get('log_filters') as Record<string, string>)['restore_drills'],
    '${local.functions_log_filter} AND jsonPayload.event = "restoreDrill"',
  );
  const metric = only(findResource(root, 'google_logging_metric', 'restore_drills'), 'restore_drills metric');
  assert.equal((metric.body['label_extractors'] as Record<string, string>)['passed'], 'EXTRACT(jsonPayload.passed)');

  const policy = only(findResource(root, 'google_monitoring_alert_policy', 'restore_drill'), 'restore drill alert');
  assert.equal(policy.body['count'], '${local.alerting && var.restore_drill_schedule != null ? 1 : 0}');
  assert.equal(policy.body['combiner'], 'OR');
  const queries = blocks(policy.body, 'conditions').map((c) => block(c, 'condition_prometheus_query_language'));
  assert.deepEqual(
    queries.map((q) => [q['query'], q['duration']]),
    [
      ['sum(increase(${local.promql_metric.restore_drills}{passed="false"}[${local.restore_drill_alert_duration_minutes}m])) > 0', '0s'],
      [
        '(sum(increase(${local.promql_metric.restore_drills}{passed="true"}[${local.restore_drill_alert_window_minutes}m])) or vector(0)) < 1',
        '${local.restore_drill_alert_duration_minutes * 60}s',
      ],
    ],
  );
  assert.ok(dependsOn(policy).includes('${google_logging_metric.restore_drills}'));
  const content = String(block(policy.body, 'documentation')['content']);
  assert.match(content, /runbooks\/restore-drill\.md\.tftpl/);
  const runbook = readFileSync(join(tfDir, 'runbooks', 'restore-drill.md.tftpl'), 'utf8');
  assert.match(runbook, /gcloud scheduler jobs run \$\{drill_job\}/);
  assert.match(runbook, /npx --no gcs-drive-backup verify --restore/);
});

test('the drill alert waits twice the drill interval after the last passed drill (terraform console)', { skip: NO_TERRAFORM }, async () => {
  const ws = await inputsWorkspace(['alert-settings.tf']);
  try {
    const timing = 'jsonencode([local.restore_drill_alert_window_minutes, local.restore_drill_alert_duration_minutes])';
    // [window, duration]: window + duration = 2 × interval, the duration at most a day.
    for (const [interval, want] of [
      ['10080', '[18720,1440]'],
      ['1440', '[1440,1440]'],
      ['60', '[60,60]'],
    ] as const) {
      const out = await ws.evaluate(timing, [...REQUIRED_VARS, '-var', `restore_drill_interval_minutes=${interval}`]);
      assert.equal(out.output, JSON.stringify(want), `interval ${interval}`);
    }
  } finally {
    ws.dispose();
  }
});
