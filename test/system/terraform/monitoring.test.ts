/**
 * Static checks of the monitoring part of the module: each log-based metric, each alert policy
 * with its runbook, the notification channels, the on/off switch, the reconcile alert's timing, and the
 * dashboard. Inputs-only expressions (alert-settings.tf) are evaluated with a provider-less
 * `terraform console`; the templates (runbooks/, dashboard.json.tftpl) are rendered here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Block, type HclBody, block, blocks, findResource, isIamResource, str } from './hcl';
import { REQUIRED_VARS, dependsOn, inputsWorkspace, only, rootModule, terraformAvailable, tfDir } from './module';

const METRICS = ['backups', 'bytes', 'events_received', 'operator_errors', 'reconcile_runs', 'restore_drills'];

function metric(root: Awaited<ReturnType<typeof rootModule>>, name: string): Block {
  return only(findResource(root, 'google_logging_metric', name), `google_logging_metric.${name}`);
}

function labelKeys(m: Block): string[] {
  return blocks(block(m.body, 'metric_descriptor'), 'labels')
    .map((l) => String(l['key']))
    .sort();
}

test('one log-based metric per signal, on the functions\' logs, with labels matching their extractors', async () => {
  const root = await rootModule();
  assert.deepEqual(findResource(root, 'google_logging_metric').map((m) => m.name).sort(), METRICS);
  const expected: Record<string, { labels: string[]; valueType: string }> = {
    backups: { labels: ['failure_class', 'function', 'outcome', 'service'], valueType: 'INT64' },
    bytes: { labels: ['function', 'outcome'], valueType: 'DISTRIBUTION' },
    operator_errors: { labels: ['event', 'failure_class', 'function', 'problem_code'], valueType: 'INT64' },
    events_received: { labels: ['event_type', 'function'], valueType: 'INT64' },
    reconcile_runs: { labels: ['done', 'function', 'severity'], valueType: 'INT64' },
    restore_drills: { labels: ['function', 'passed'], valueType: 'INT64' },
  };
  for (const name of METRICS) {
    const m = metric(root, name);
    assert.equal(m.body['count'], '${var.monitoring_enabled ? 1 : 0}', name);
    assert.equal(m.body['name'], `\${var.name}/${name}`, name);
    assert.equal(m.body['filter'], `\${local.log_filters.${name}}`, name);
    const descriptor = block(m.body, 'metric_descriptor');
    assert.equal(descriptor['metric_kind'], 'DELTA', name);
    assert.equal(descriptor['value_type'], expected[name]!.valueType, name);
    assert.deepEqual(labelKeys(m), expected[name]!.labels, `${name}: descriptor labels`);
    const extractors = m.body['label_extractors'] as Record<string, string>;
    assert.deepEqual(Object.keys(extractors).sort(), expected[name]!.labels, `${name}: every label has an extractor`);
    assert.equal(extractors['function'], 'EXTRACT(resource.labels.service_name)', name);
  }
  const bytes = metric(root, 'bytes');
  assert.equal(bytes.body['value_extractor'], 'EXTRACT(jsonPayload.bytes)');
  assert.equal(block(bytes.body, 'metric_descriptor')['unit'], 'By');
  assert.equal(blocks(block(bytes.body, 'bucket_options'), 'exponential_buckets').length, 1);
  for (const name of METRICS.filter((n) => n !== 'bytes')) assert.equal(metric(root, name).body['value_extractor'], undefined, name);
  // Every filter starts from the functions' Cloud Run revisions.
  assert.match(String(root.locals.get('functions_log_filter')), /^resource\.type = "cloud_run_revision" AND \(resource\.labels\.service_name = "\$\{local\.event_function_name\}" OR resource\.labels\.service_name = "\$\{local\.http_function_name\}"\)$/);
  // PromQL names of the same metrics (https://cloud.google.com/monitoring/promql/promql-mapping).
  assert.equal(String(root.locals.get('promql_metric')), '${{ for k in keys(local.log_filters) : k => "logging_googleapis_com:user_${replace(var.name, "-", "_")}_${k}" }}');
});

test('monitoring reads and alerts only: no IAM anywhere in metrics, alerts or dashboard', async () => {
  const root = await rootModule();
  const files = ['metrics.tf', 'alerts.tf', 'dashboard.tf', 'alert-settings.tf'];
  const inThem = root.resources.filter((r) => files.includes(r.file));
  assert.ok(inThem.length >= 9);
  for (const r of inThem) {
    assert.ok(!isIamResource(r.type), `${r.type}.${r.name} grants something`);
    assert.match(r.type, /^google_(logging_metric|monitoring_(alert_policy|notification_channel|dashboard))$/, r.type);
  }
});

function policy(root: Awaited<ReturnType<typeof rootModule>>, name: string): Block {
  return only(findResource(root, 'google_monitoring_alert_policy', name), `alert policy ${name}`);
}

test('four alert policies, switched by local.alerting, sent to the module-made and the given channels', async () => {
  const root = await rootModule();
  assert.deepEqual(findResource(root, 'google_monitoring_alert_policy').map((p) => p.name).sort(), ['backlog', 'operator_error', 'reconcile', 'restore_drill']);
  for (const p of findResource(root, 'google_monitoring_alert_policy')) {
    assert.match(String(p.body['count']), /^\$\{local\.alerting( && var\.reconcile_enabled| && var\.restore_drill_schedule != null)? \? 1 : 0\}$/, p.name);
    assert.equal(p.body['notification_channels'], '${local.alert_channels}', p.name);
    const doc = block(p.body, 'documentation');
    assert.equal(doc['mime_type'], 'text/markdown', p.name);
    assert.match(String(doc['content']), new RegExp(`templatefile\\("\\$\\{path\\.module\\}/runbooks/[a-z-]+\\.md\\.tftpl", merge\\(local\\.runbook, `), p.name);
  }
  assert.equal(String(root.locals.get('alert_channels')), '${concat([for c in google_monitoring_notification_channel.email : c.name], var.alert_notification_channels)}');
  const email = only(findResource(root, 'google_monitoring_notification_channel', 'email'), 'email channels');
  assert.equal(email.body['type'], 'email');
  assert.deepEqual(email.body['labels'], { email_address: '${each.value}' });
  assert.equal(email.body['for_each'], '${local.alerting ? toset(var.alert_emails) : toset([])}');
});

test('operator errors: a log-match condition with a notification rate limit', async () => {
  const p = policy(await rootModule(), 'operator_error');
  const condition = block(block(p.body, 'conditions'), 'condition_matched_log');
  assert.equal(condition['filter'], '${local.log_filters.operator_errors}');
  const strategy = block(p.body, 'alert_strategy');
  assert.equal(block(strategy, 'notification_rate_limit')['period'], '${var.operator_alert_notify_every_minutes * 60}s');
  assert.equal(p.body['severity'], 'ERROR');
});

test('backups falling behind: finalize events minus handled objects above a threshold for a window (PromQL)', async () => {
  const root = await rootModule();
  const condition = block(block(policy(root, 'backlog').body, 'conditions'), 'condition_prometheus_query_language');
  const window = '${var.backlog_alert_window_minutes}m';
  assert.equal(
    condition['query'],
    `(sum(increase(\${local.promql_metric.events_received}{event_type="finalized"}[${window}])) or vector(0)) - ` +
      `(sum(increase(\${local.promql_metric.backups}{outcome!="failed"}[${window}])) or vector(0)) > \${var.backlog_alert_threshold}`,
  );
  assert.equal(condition['duration'], '${var.backlog_alert_window_minutes * 60}s');
  assert.ok(dependsOn(policy(root, 'backlog')).includes('${google_logging_metric.events_received}'));
});

test('reconcile: no clean run within twice the interval, whether it fails or does not run', async () => {
  const root = await rootModule();
  const p = policy(root, 'reconcile');
  const condition = block(block(p.body, 'conditions'), 'condition_prometheus_query_language');
  assert.equal(condition['query'], '(sum(increase(${local.promql_metric.reconcile_runs}{severity="INFO"}[${local.reconcile_alert_window_minutes}m])) or vector(0)) < 1');
  assert.equal(condition['duration'], '${local.reconcile_alert_duration_minutes * 60}s');
  const preconditions = blocks(block(p.body, 'lifecycle'), 'precondition').map((c) => String(c['condition']));
  assert.ok(preconditions.includes('${local.reconcile_interval_minutes != null}'));
  assert.ok(preconditions.includes('${var.monitoring_enabled}'));
});

test('alert switch and reconcile timing, evaluated from the inputs (terraform console)', async (t) => {
  if (!terraformAvailable()) {
    t.skip('terraform is not on PATH');
    return;
  }
  const ws = await inputsWorkspace(['alert-settings.tf']);
  t.after(() => ws.dispose());
  const evaluate = async (expression: string, vars: string[]): Promise<string> => {
    const out = await ws.evaluate(expression, [...REQUIRED_VARS, ...vars.flatMap((v) => ['-var', v])]);
    assert.ok(out.ok, `${expression} ${vars.join(' ')}:\n${out.output}`);
    return out.output;
  };
  const switches: [string[], string][] = [
    [[], 'false'],
    [['alert_emails=["oncall@example.com"]'], 'true'],
    [['alert_notification_channels=["projects/p/notificationChannels/123"]'], 'true'],
    [['alert_emails=["oncall@example.com"]', 'alerting_enabled=false'], 'false'],
    [['alerting_enabled=true'], 'true'],
  ];
  const timings: [string, string][] = [
    // schedule → [interval, window, duration] in minutes; window + duration = 2 × interval
    ['17 3 * * *', '[1440,1440,1440]'],
    ['5 * * * *', '[60,60,60]'],
    ['0 */6 * * *', '[360,360,360]'],
    ['*/15 * * * *', '[15,15,15]'],
    ['0 4 * * 1', '[10080,18720,1440]'],
    ['0 4 1 * *', '[null,1440,1440]'],
  ];
  // One at a time: terraform console holds the workspace's state lock.
  const results: [string, string, string][] = [];
  for (const [vars, want] of switches) results.push([vars.join(' '), await evaluate('local.alerting', vars), want]);
  const timing = 'jsonencode([local.reconcile_interval_minutes, local.reconcile_alert_window_minutes, local.reconcile_alert_duration_minutes])';
  for (const [schedule, want] of timings) results.push([schedule, await evaluate(timing, [`reconcile_schedule=${schedule}`]), JSON.stringify(want)]);
  results.push(['explicit interval', await evaluate('local.reconcile_interval_minutes', ['reconcile_schedule=0 4 1 * *', 'reconcile_interval_minutes=44640']), '44640']);
  for (const [what, got, want] of results) assert.equal(got, want, what);
});

/** `${name}` placeholders of a template (escaped `$${…}` excluded), and its `%{ if x … }` conditions' names. */
function templateVariables(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/(?<!\$)\$\{([^}]*)\}|%\{\s*if\s+([^}]*)\}/g)) {
    for (const id of (m[1] ?? m[2] ?? '').matchAll(/\b([A-Za-z_]\w*)\b/g)) if (!['if', 'endif', 'else'].includes(id[1]!)) names.add(id[1]!);
  }
  return names;
}

/** The keys a policy passes to its runbook template: local.runbook's plus the merged extras. */
function runbookArguments(root: Awaited<ReturnType<typeof rootModule>>, p: Block): { file: string; keys: Set<string> } {
  const content = String(block(p.body, 'documentation')['content']);
  const file = /runbooks\/([a-z-]+\.md\.tftpl)/.exec(content)![1]!;
  const extras = /merge\(local\.runbook, \{(.*)\}\)\)\}$/.exec(content)![1]!;
  const runbook = root.locals.get('runbook') as HclBody;
  return { file, keys: new Set([...Object.keys(runbook), ...[...extras.matchAll(/(\w+)\s*=/g)].map((m) => m[1]!)]) };
}

test('each runbook says what it means, where to look (a logs query) and what to run, with only values it is given', async () => {
  const root = await rootModule();
  for (const p of findResource(root, 'google_monitoring_alert_policy')) {
    const { file, keys } = runbookArguments(root, p);
    const text = readFileSync(join(tfDir, 'runbooks', file), 'utf8');
    for (const name of templateVariables(text)) assert.ok(keys.has(name), `${file}: \${${name}} is not passed by ${p.name}`);
    for (const heading of ['### What it means', '### Where to look', '### What to run']) assert.ok(text.includes(heading), `${file}: ${heading}`);
    assert.ok(text.includes('[Logs Explorer](${logs_url})') && text.includes('${filter}'), `${file}: the logs query`);
    assert.match(text, /npx --no gcs-drive-backup check --secret \$\{token_secret\} --folder-id \$\{drive_folder_id\}/, file);
    assert.match(text, /\$\{cli_env\} npx --no gcs-drive-backup verify/, file);
    assert.match(text, /gcloud scheduler jobs run \$\{(scheduler_job|drill_job)\} --location \$\{region\}/, file);
    assert.ok(Buffer.byteLength(text) < 8000, `${file}: documentation content stays well under Cloud Monitoring's limit`);
  }
  const operator = readFileSync(join(tfDir, 'runbooks', 'operator-error.md.tftpl'), 'utf8');
  assert.match(operator, /npx --no gcs-drive-backup authorize --client-secrets credentials\.json --secret \$\{token_secret\}/);
  for (const code of ['reauthorize', 'drive-storage-full', 'drive-daily-limit', 'folder-item-cap', 'secret-permission']) assert.ok(operator.includes(`\`${code}\``), code);
  // The notification shows what the log line says to do, through the condition's extracted labels.
  const extractors = block(block(policy(root, 'operator_error').body, 'conditions'), 'condition_matched_log')['label_extractors'] as Record<string, string>;
  for (const m of operator.matchAll(/\$\$\{log\.extracted_label\.(\w+)\}/g)) assert.ok(m[1]! in extractors, `extracted label ${m[1]}`);
  assert.ok(operator.includes('$${log.extracted_label.action}'));
  const runbook = root.locals.get('runbook') as HclBody;
  assert.match(String(runbook['cli_env']), /^SOURCE_BUCKET=.* STATE_BUCKET=.* STATE_PREFIX=.* TOKEN_SECRET=.* DRIVE_FOLDER_ID=/);
});

test('the dashboard charts backups per outcome, bytes, failures by class, operator errors and reconcile runs', async () => {
  const root = await rootModule();
  const dashboard = only(findResource(root, 'google_monitoring_dashboard', 'backup'), 'dashboard');
  assert.equal(dashboard.body['count'], '${var.monitoring_enabled ? 1 : 0}');
  const call = String(dashboard.body['dashboard_json']);
  assert.match(call, /^\$\{templatefile\("\$\{path\.module\}\/dashboard\.json\.tftpl", \{/);
  const passed = new Map([...call.matchAll(/(\w+)\s*=\s*([\w.]+)/g)].map((m) => [m[1]!, m[2]!]));
  const template = readFileSync(join(tfDir, 'dashboard.json.tftpl'), 'utf8');
  for (const name of templateVariables(template)) assert.ok(passed.has(name), `dashboard.json.tftpl: \${${name}} is not passed`);
  // The weekly drill's one line is watched by its alert, not charted.
  for (const m of METRICS.filter((x) => x !== 'restore_drills')) assert.equal(passed.get(m), `local.promql_metric.${m}`, m);
  // Rendered with the PromQL names of the default deployment, it is the dashboard JSON the API takes.
  const rendered = template.replace(/(?<!\$)\$\{(\w+)\}/g, (_, v: string) => (v === 'name' ? 'gcs-drive-backup' : `logging_googleapis_com:user_gcs_drive_backup_${v}`));
  const json = JSON.parse(rendered) as { displayName: string; mosaicLayout: { columns: number; tiles: { xPos: number; width: number; widget: { title: string; xyChart: { dataSets: { timeSeriesQuery: { prometheusQuery: string } }[] } } }[] } };
  assert.equal(json.displayName, 'gcs-drive-backup (gcs-drive-backup)');
  const tiles = json.mosaicLayout.tiles;
  for (const tile of tiles) assert.ok(tile.xPos + tile.width <= json.mosaicLayout.columns, tile.widget.title);
  const chart = (title: RegExp): string[] => {
    const found = tiles.filter((t) => title.test(t.widget.title));
    assert.equal(found.length, 1, String(title));
    return found[0]!.widget.xyChart.dataSets.map((d) => d.timeSeriesQuery.prometheusQuery);
  };
  assert.deepEqual(chart(/^Backups per outcome/), ['sum by (outcome) (increase(logging_googleapis_com:user_gcs_drive_backup_backups[5m]))']);
  assert.deepEqual(chart(/^Bytes/), ['sum by (outcome) (increase(logging_googleapis_com:user_gcs_drive_backup_bytes_sum[5m]))']);
  assert.deepEqual(chart(/^Failures by class/), ['sum by (failure_class, service) (increase(logging_googleapis_com:user_gcs_drive_backup_backups{outcome="failed"}[5m]))']);
  assert.deepEqual(chart(/^Operator errors/), ['sum by (problem_code) (increase(logging_googleapis_com:user_gcs_drive_backup_operator_errors[5m]))']);
  assert.deepEqual(chart(/^Reconcile runs/), ['sum by (severity) (increase(logging_googleapis_com:user_gcs_drive_backup_reconcile_runs[1h]))']);
  assert.equal(chart(/^Events received/).length, 2);
});

test('the metric names the dashboard and the alerts query are the metrics the module creates', async () => {
  const root = await rootModule();
  const filters = root.locals.get('log_filters') as HclBody;
  assert.deepEqual(Object.keys(filters).sort(), METRICS);
  for (const name of METRICS) assert.equal(str(metric(root, name).body, 'name'), `\${var.name}/${name}`);
});
