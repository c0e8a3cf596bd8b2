/**
 * Offline static checks of the Terraform deployment in terraform/: formatting, declarations, references,
 * the event trigger, IAM least privilege, secret handling, source archive, entry points and the expected
 * resources. No provider, no network: HCL is parsed with @cdktn/hcl2json (test/terraform/hcl.ts); the only `terraform` commands
 * run (when the binary is on PATH) are `fmt -check` and a provider-less `plan` of the variables alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import { EVENT_ENTRY_POINT, HTTP_ENTRY_POINT } from '../../../src/entry-points';
import {
  type Block,
  type HclBody,
  block,
  blocks,
  collectReferences,
  findResource,
  forbiddenGrantReasons,
  interpolations,
  isIamResource,
  moduleFromDocuments,
  parseHcl,
  referencesInTemplate,
  str,
  unresolvedReferences,
} from './hcl';
import { assertValidations, dependsOn, inputsWorkspace, modules, only, repoRoot, rootModule, terraformAvailable, tfDir, tfEnv } from './module';

// ---------------------------------------------------------------------------------------------------------
// The helpers themselves: each check below must be able to fail.
// ---------------------------------------------------------------------------------------------------------

test('interpolations: finds ${...} code, blanks string literals, skips $${ escapes', () => {
  const cases: [string, string[]][] = [
    ['plain text', []],
    ['${var.a}', ['var.a']],
    ['p-${data.x.y.z}-${local.b}', ['data.x.y.z', 'local.b']],
    ['$${var.literal}', []],
    ['${can(regex("^a.b{2}$", var.x))}', ['can(regex("", var.x))']],
    ['${{ for k, v in var.m : k => v }}', ['{ for k, v in var.m : k => v }']],
    ['${format("%s-${var.inner}", local.o)}', ['var.inner', 'format("", local.o)']],
  ];
  for (const [input, expected] of cases) assert.deepEqual(interpolations(input), expected, input);
});

test('referencesInTemplate: normalizes references and ignores builtins, literals and for-variables', () => {
  const cases: [string, string[]][] = [
    ['${var.project_id}', ['var.project_id']],
    ['${local.env.KEY}', ['local.env']],
    ['${data.google_storage_bucket.source[0].location}', ['data.google_storage_bucket.source']],
    ['${google_cloudfunctions2_function.http.service_config[0].uri}/reconcile', ['google_cloudfunctions2_function.http']],
    ['${module.backup.uri}', ['module.backup']],
    ['${each.value} ${count.index} ${path.module} ${terraform.workspace} ${self.id}', []],
    ['${"google_x.not_a_ref"}', []],
    ['${[for s in var.list : s.name]}', ['var.list']],
    ['${{ for k, v in var.m : k => v.x if v.enabled }}', ['var.m']],
    ['${lower(var.a).b} ${var.l[0].name} ${1.5}', ['var.a', 'var.l']],
    ['${google_x.y[*].id}', ['google_x.y']],
    ['${data.only_type}', ['data.only_type']],
  ];
  for (const [input, expected] of cases) assert.deepEqual(referencesInTemplate(input), expected, input);
});

test('collectReferences: a dynamic block binds its label (or iterator) inside content only', () => {
  const body: HclBody = {
    dynamic: {
      replicas: [{ for_each: '${var.locations}', content: [{ location: '${replicas.value}' }] }],
      other: [{ for_each: '${var.x}', iterator: '${it}', content: [{ a: '${it.value}', b: '${other.value}' }] }],
    },
  };
  assert.deepEqual(
    collectReferences(body, 'r').map((r) => r.ref),
    ['var.locations', 'var.x', 'other.value'],
  );
});

test('unresolvedReferences: reports references to undeclared objects in a bad snippet', async () => {
  const bad = await parseHcl(
    'bad.tf',
    `
variable "declared" {
  type        = string
  description = "d"
}
locals {
  ok = var.declared
}
resource "google_service_account" "sa" {
  account_id = "\${local.ok}-\${var.missing}"
}
resource "google_project_iam_member" "m" {
  project = local.nope
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:\${google_service_account.sa.email}"
  depends_on = [google_service_account.typo, data.google_project.p]
}
`,
  );
  const refs = unresolvedReferences(moduleFromDocuments('bad', [{ file: 'bad.tf', json: bad }])).map((r) => r.ref);
  assert.deepEqual(refs.sort(), ['data.google_project.p', 'google_service_account.typo', 'local.nope', 'var.missing']);
});

test('forbiddenGrantReasons: accepts scoped grants, rejects basic roles, public members and authoritative bindings', () => {
  const good: [string, HclBody][] = [
    ['google_project_iam_member', { role: 'roles/logging.logWriter', member: 'serviceAccount:${google_service_account.a.email}' }],
    ['google_storage_bucket_iam_member', { role: 'roles/storage.objectViewer', member: 'serviceAccount:x@y.iam.gserviceaccount.com' }],
    ['google_storage_bucket_iam_member', { role: 'roles/viewer', member: 'user:a@example.com' }],
    ['google_service_account', { account_id: 'roles/owner' }],
    // A custom role the module declares is as auditable as a literal: its permissions are listed in it.
    ['google_cloud_tasks_queue_iam_member', { role: '${google_project_iam_custom_role.queue_pauser[0].id}', member: 'serviceAccount:x@y.iam.gserviceaccount.com' }],
  ];
  const bad: [string, HclBody, RegExp][] = [
    ['google_project_iam_member', { role: 'roles/owner', member: 'user:a@example.com' }, /basic role roles\/owner/],
    ['google_storage_bucket_iam_member', { role: 'roles/editor', member: 'user:a@example.com' }, /basic role/],
    ['google_project_iam_member', { role: 'roles/viewer', member: 'user:a@example.com' }, /project-wide/],
    ['google_cloud_run_v2_service_iam_member', { role: 'roles/run.invoker', member: 'allUsers' }, /allUsers/],
    ['google_storage_bucket_iam_binding', { role: 'roles/storage.objectViewer', members: ['allAuthenticatedUsers'] }, /allAuthenticatedUsers/],
    ['google_project_iam_binding', { role: 'roles/logging.logWriter', members: ['user:a@example.com'] }, /authoritative/],
    ['google_project_iam_member', { role: '${var.role}', member: 'user:a@example.com' }, /not a literal/],
    ['google_cloud_tasks_queue_iam_member', { role: '${google_project_iam_custom_role.x.id}-extra', member: 'user:a@example.com' }, /not a literal/],
  ];
  for (const [type, body] of good) assert.deepEqual(forbiddenGrantReasons(type, body), [], `${type} ${JSON.stringify(body)}`);
  for (const [type, body, reason] of bad) {
    const reasons = forbiddenGrantReasons(type, body);
    assert.ok(reasons.some((r) => reason.test(r)), `${type} ${JSON.stringify(body)} → ${JSON.stringify(reasons)}`);
  }
});

// ---------------------------------------------------------------------------------------------------------
// Formatting and declarations
// ---------------------------------------------------------------------------------------------------------

test('terraform fmt -check -recursive terraform', (t) => {
  if (!terraformAvailable()) {
    t.skip('terraform is not on PATH');
    return;
  }
  const result = spawnSync('terraform', ['fmt', '-check', '-recursive', '-diff', 'terraform'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: tfEnv(),
  });
  assert.equal(result.status, 0, `terraform fmt found unformatted files:\n${result.stdout}`);
});

test('every variable in every module has a type and a description', async () => {
  const mods = await modules();
  assert.ok(mods.length >= 2, 'expected the root module and at least one example');
  for (const mod of mods) {
    for (const v of mod.variables) {
      const where = `${relative(repoRoot, mod.dir)}/${v.file}: variable "${v.name}"`;
      assert.ok(typeof v.body['type'] === 'string' && v.body['type'] !== '', `${where} has no type`);
      assert.ok((str(v.body, 'description') ?? '').trim().length > 10, `${where} has no useful description`);
    }
  }
});

test('every output in every module has a description', async () => {
  for (const mod of await modules()) {
    for (const o of mod.outputs) {
      assert.ok((str(o.body, 'description') ?? '').trim() !== '', `${relative(repoRoot, mod.dir)}: output "${o.name}"`);
    }
  }
});

test('every reference (var., local., data., module., resources) resolves to a declaration', async () => {
  for (const mod of await modules()) {
    const unresolved = unresolvedReferences(mod).map((r) => `${r.ref} (${r.where})`);
    assert.deepEqual(unresolved, [], `in ${relative(repoRoot, mod.dir) || '.'}`);
  }
});

test('validation conditions only reference their own variable (Terraform < 1.9 compatibility)', async () => {
  const root = await rootModule();
  for (const v of root.variables) {
    for (const validation of blocks(v.body, 'validation')) {
      const refs = collectReferences(validation['condition'] ?? '', v.name).map((r) => r.ref);
      assert.ok(refs.length > 0, `variable "${v.name}": validation does not look at the value`);
      assert.deepEqual([...new Set(refs)], [`var.${v.name}`], `variable "${v.name}"`);
      assert.ok((str(validation, 'error_message') ?? '').length > 10, `variable "${v.name}": error_message`);
    }
  }
});

test('the knowable inputs are validated', async () => {
  const root = await rootModule();
  const validated = new Set(root.variables.filter((v) => blocks(v.body, 'validation').length > 0).map((v) => v.name));
  for (const name of [
    'project_id', 'region', 'reconcile_schedule', 'event_memory', 'http_memory', 'event_timeout_seconds',
    'http_timeout_seconds', 'event_max_instances', 'http_max_instances', 'event_concurrency', 'http_concurrency',
    'token_secret_id', 'on_new_generation', 'delete_mode', 'upload_chunk_mib', 'multipart_max_mib',
    'drive_folder_id', 'http_invoker_members',
  ]) {
    assert.ok(validated.has(name), `variable "${name}" has no validation`);
  }
});

test('variable validations accept the example and reject bad values (provider-less terraform plan)', async (t) => {
  if (!terraformAvailable()) {
    t.skip('terraform is not on PATH');
    return;
  }
  const ws = await inputsWorkspace();
  t.after(() => ws.dispose());
  const example = await ws.plan([`-var-file=${join(tfDir, 'examples', 'basic.tfvars')}`]);
  assert.ok(example.ok, `examples/basic.tfvars is rejected:\n${example.output}`);

  const good = [
    'region=europe-west10', 'event_memory=2Gi', 'http_timeout_seconds=3600', 'reconcile_schedule=0 */6 * * 1-5',
    'event_cpu=0.583', 'upload_chunk_mib=0.25', 'multipart_max_mib=5',
  ];
  const bad = [
    'project_id=123456789', 'region=us-central', 'region=europe-west1-b', 'event_memory=64Mi', 'http_memory=64Gi',
    'event_timeout_seconds=541', 'http_timeout_seconds=3601', 'event_max_instances=0', 'event_concurrency=1001',
    'reconcile_schedule=0 3 * *', 'token_secret_id=projects/p/secrets/s', 'on_new_generation=overwrite',
    'delete_mode=delete', 'upload_chunk_mib=0', 'upload_chunk_mib=0.3', 'multipart_max_mib=0', 'multipart_max_mib=6',
    'http_invoker_members=["allUsers"]', 'extra_environment_variables={FUNCTION_TIMEOUT_SEC="9"}',
  ];
  await assertValidations(ws, good, bad);
});

// ---------------------------------------------------------------------------------------------------------
// What the deployment must contain
// ---------------------------------------------------------------------------------------------------------

test('the event function has the finalized trigger with retries and a bucket filter', async () => {
  const root = await rootModule();
  const fn = only(findResource(root, 'google_cloudfunctions2_function', 'event'), 'event function');
  const trigger = block(fn.body, 'event_trigger');
  assert.equal(trigger['event_type'], 'google.cloud.storage.object.v1.finalized');
  assert.equal(trigger['retry_policy'], 'RETRY_POLICY_RETRY');
  assert.match(str(trigger, 'service_account_email') ?? '', /google_service_account\.trigger\.email/);
  assert.match(str(trigger, 'trigger_region') ?? '', /local\.source_bucket_location/);
  const filters = blocks(trigger, 'event_filters');
  const bucket = filters.find((f) => f['attribute'] === 'bucket');
  assert.ok(bucket, 'no event_filters { attribute = "bucket" }');
  assert.match(str(bucket, 'value') ?? '', /source_bucket/);
  assert.equal(block(fn.body, 'service_config')['timeout_seconds'], '${var.event_timeout_seconds}');
  const timeout = root.variables.find((v) => v.name === 'event_timeout_seconds');
  assert.equal(timeout?.body['default'], 540);
});

test('the functions are built from the hashed archive with the entry points the code registers', async () => {
  const root = await rootModule();
  const expected: Record<string, string> = { event: EVENT_ENTRY_POINT, http: HTTP_ENTRY_POINT };
  const functions = findResource(root, 'google_cloudfunctions2_function');
  assert.deepEqual(functions.map((f) => f.name).sort(), ['event', 'http']);
  for (const fn of functions) {
    const build = block(fn.body, 'build_config');
    assert.equal(build['entry_point'], expected[fn.name], `${fn.name}: entry_point`);
    assert.equal(build['runtime'], '${var.runtime}');
    assert.equal(build['service_account'], '${google_service_account.build.id}', `${fn.name}: built as the module's build account`);
    const storage = block(block(build, 'source'), 'storage_source');
    assert.equal(storage['object'], '${google_storage_bucket_object.source.name}');
    const service = block(fn.body, 'service_config');
    assert.equal(service['service_account_email'], '${google_service_account.runtime.email}');
    assert.equal(service['environment_variables'], `\${local.${fn.name}_environment}`, `${fn.name}: environment`);
    assert.notEqual(service['ingress_settings'], undefined, `${fn.name}: ingress_settings is explicit`);
  }
  assert.equal(block(only(findResource(root, 'google_cloudfunctions2_function', 'event'), 'event').body, 'service_config')['ingress_settings'], 'ALLOW_INTERNAL_ONLY');
  assert.equal(findResource(root, 'google_cloudfunctions2_function', 'http')[0]!.body['event_trigger'], undefined);
});

test('both functions receive every runtime environment variable', async () => {
  const root = await rootModule();
  const env = root.locals.get('managed_environment');
  assert.ok(env !== null && typeof env === 'object' && !Array.isArray(env), 'local.managed_environment is a map');
  assert.deepEqual(Object.keys(env).sort(), [
    'DELETE_MODE', 'DRIVE_FOLDER_ID', 'EXCLUDE_GLOBS', 'INCLUDE_PREFIXES', 'KEEP_REVISIONS_FOREVER', 'MULTIPART_MAX_MIB', 'NODE_ENV', 'NODE_OPTIONS',
    'ON_NEW_GENERATION', 'SOURCE_BUCKET', 'STATE_BUCKET', 'STATE_PREFIX', 'TOKEN_SECRET', 'UPLOAD_CHUNK_MIB',
  ]);
  assert.equal(env['TOKEN_SECRET'], '${google_secret_manager_secret.token.id}');
  assert.match(String(root.locals.get('environment')), /local\.managed_environment/);
  // The code sizes its time budget from FUNCTION_TIMEOUT_SEC: each function must get its own timeout.
  for (const fn of ['event', 'http']) {
    const merged = String(root.locals.get(`${fn}_environment`));
    assert.match(merged, /local\.environment/, `${fn}_environment`);
    assert.match(merged, new RegExp(`FUNCTION_TIMEOUT_SEC = tostring\\(var\\.${fn}_timeout_seconds\\)`), `${fn}_environment`);
  }
});

test('the source archive ships only package files and src/, under a name that carries its hash', async () => {
  const root = await rootModule();
  const archive = only(root.data.filter((d) => d.type === 'archive_file'), 'archive_file');
  assert.equal(archive.body['source_dir'], undefined, 'use an allow-list, not source_dir');
  assert.equal(archive.body['source_file'], undefined);
  const dynamicSource = blocks(archive.body, 'dynamic').flatMap((d) => blocks(d, 'source'));
  assert.equal(dynamicSource.length, 1, 'archive_file uses a dynamic "source" block');
  assert.equal(dynamicSource[0]!['for_each'], '${local.source_files}');
  const files = String(root.locals.get('source_files'));
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src/**/*.ts']) {
    assert.ok(files.includes(`"${f}"`), `source_files lacks ${f}`);
  }
  for (const never of ['test', 'emulators', 'bench', 'scripts', 'sandbox', 'terraform', 'node_modules', 'dist']) {
    assert.ok(!new RegExp(`"${never}[/"*]`).test(files), `source_files would ship ${never}/`);
  }
  const object = only(findResource(root, 'google_storage_bucket_object', 'source'), 'source archive object');
  assert.match(str(object.body, 'name') ?? '', /\$\{data\.archive_file\.source\.output_(md5|sha256|base64sha256)\}/);
  assert.equal(object.body['source'], '${data.archive_file.source.output_path}');
});

test('no IAM resource grants basic roles, public access or authoritative project bindings', async () => {
  for (const mod of await modules()) {
    const iam = mod.resources.filter((r) => isIamResource(r.type));
    for (const r of iam) assert.deepEqual(forbiddenGrantReasons(r.type, r.body), [], `${r.type}.${r.name}`);
  }
});

test('project-level grants are exactly the ones the design needs', async () => {
  const root = await rootModule();
  const grants = findResource(root, 'google_project_iam_member').map(
    (r) => `${r.body['role']} -> ${r.body['member']}${blocks(r.body, 'condition').length > 0 ? ' (conditional)' : ''}`,
  );
  assert.deepEqual(grants.sort(), [
    'roles/eventarc.eventReceiver -> serviceAccount:${google_service_account.trigger.email}',
    'roles/eventarc.serviceAgent -> serviceAccount:${local.eventarc_agent}',
    'roles/logging.logWriter -> serviceAccount:${google_service_account.build.email}',
    'roles/logging.logWriter -> serviceAccount:${google_service_account.runtime.email}',
    'roles/monitoring.metricWriter -> serviceAccount:${google_service_account.runtime.email}',
    'roles/pubsub.publisher -> serviceAccount:${data.google_storage_project_service_account.gcs.email_address}',
    'roles/storage.objectViewer -> serviceAccount:${google_service_account.build.email} (conditional)',
  ]);
  assert.equal(root.data.filter((d) => d.type === 'google_storage_project_service_account').length, 1);
});

test('the runtime service account is scoped to the secret, the source bucket, the state bucket and the restore buckets', async () => {
  const root = await rootModule();
  const runtime = 'serviceAccount:${google_service_account.runtime.email}';
  const secret = only(findResource(root, 'google_secret_manager_secret_iam_member'), 'secret grant');
  assert.equal(secret.body['role'], 'roles/secretmanager.secretAccessor');
  assert.equal(secret.body['member'], runtime);
  assert.equal(secret.body['secret_id'], '${google_secret_manager_secret.token.secret_id}');
  const buckets = findResource(root, 'google_storage_bucket_iam_member')
    .filter((r) => r.body['member'] === runtime)
    .map((r) => `${r.body['bucket']} ${r.body['role']}`);
  assert.deepEqual(buckets.sort(), [
    '${each.value} roles/storage.objectCreator',
    '${local.source_bucket_name} roles/storage.objectViewer',
    '${local.state_bucket_name} roles/storage.objectUser',
  ]);
  // Everything else the runtime account holds: project-level log and metric writing, and this queue's
  // enqueuer and pauser roles and actAs on the dispatcher account, nothing more.
  const held = root.resources
    .filter((r) => isIamResource(r.type) && r.body['member'] === runtime)
    .map((r) => `${r.type} ${r.body['role']}`)
    .sort();
  assert.deepEqual(held, [
    'google_cloud_tasks_queue_iam_member ${google_project_iam_custom_role.queue_pauser.id}',
    'google_cloud_tasks_queue_iam_member roles/cloudtasks.enqueuer',
    'google_project_iam_member roles/logging.logWriter',
    'google_project_iam_member roles/monitoring.metricWriter',
    'google_secret_manager_secret_iam_member roles/secretmanager.secretAccessor',
    'google_service_account_iam_member roles/iam.serviceAccountUser',
    'google_storage_bucket_iam_member roles/storage.objectCreator',
    'google_storage_bucket_iam_member roles/storage.objectUser',
    'google_storage_bucket_iam_member roles/storage.objectViewer',
  ]);
  assert.equal(findResource(root, 'google_storage_bucket_iam_binding').length, 0);
});

test('roles/run.invoker is granted on Cloud Run services only, never project-wide', async () => {
  const root = await rootModule();
  const invokers = root.resources.filter((r) => r.body['role'] === 'roles/run.invoker');
  assert.ok(invokers.length >= 2);
  for (const r of invokers) {
    assert.match(r.type, /^google_cloud_run(_v2)?_service_iam_member$/, `${r.type}.${r.name}`);
    assert.match(String(r.body['name'] ?? r.body['service']), /google_cloudfunctions2_function\.(event|http)\.service_config\[0\]\.service/);
  }
  const byTarget = (fn: string, member: string): Block | undefined =>
    invokers.find((r) => String(r.body['name'] ?? r.body['service']).includes(`function.${fn}.`) && r.body['member'] === member);
  assert.ok(byTarget('event', 'serviceAccount:${google_service_account.trigger.email}'), 'trigger SA invokes the event function');
  assert.ok(byTarget('http', 'serviceAccount:${google_service_account.scheduler.email}'), 'scheduler SA invokes the HTTP function');
});

test('the service accounts are runtime, trigger, scheduler, build and dispatcher (every dispatch mode)', async () => {
  const root = await rootModule();
  assert.deepEqual(findResource(root, 'google_service_account').map((r) => r.name).sort(), ['build', 'dispatcher', 'runtime', 'scheduler', 'trigger']);
  assert.equal(only(findResource(root, 'google_service_account', 'dispatcher'), 'dispatcher').body['count'], undefined);
});

test('only the secret container is managed: no secret version, token never in state', async () => {
  for (const mod of await modules()) {
    assert.equal(findResource(mod, 'google_secret_manager_secret_version').length, 0, relative(repoRoot, mod.dir));
    assert.equal(mod.data.filter((d) => d.type.startsWith('google_secret_manager_secret_version')).length, 0);
  }
  const root = await rootModule();
  const secret = only(findResource(root, 'google_secret_manager_secret', 'token'), 'token secret');
  const replication = block(secret.body, 'replication');
  const dynamics = blocks(replication, 'dynamic');
  assert.ok(dynamics.some((d) => 'auto' in d), 'automatic replication is available');
});

test('the reconcile job POSTs {} to /reconcile with an OIDC token for the HTTP function', async () => {
  const root = await rootModule();
  const job = only(findResource(root, 'google_cloud_scheduler_job', 'reconcile'), 'scheduler job');
  const target = block(job.body, 'http_target');
  assert.equal(target['http_method'], 'POST');
  assert.equal(target['uri'], '${google_cloudfunctions2_function.http.service_config[0].uri}/reconcile');
  assert.equal(target['body'], '${base64encode("{}")}');
  assert.deepEqual(target['headers'], { 'Content-Type': 'application/json' });
  const oidc = block(target, 'oidc_token');
  assert.equal(oidc['service_account_email'], '${google_service_account.scheduler.email}');
  assert.equal(oidc['audience'], '${google_cloudfunctions2_function.http.service_config[0].uri}');
  assert.equal(job.body['schedule'], '${var.reconcile_schedule}');
  assert.equal(job.body['time_zone'], '${var.reconcile_time_zone}');
  assert.equal(job.body['attempt_deadline'], '${local.reconcile_attempt_deadline}');
  assert.match(String(root.locals.get('reconcile_attempt_deadline')), /min\(var\.http_timeout_seconds, 1800\)/);
  assert.equal(blocks(job.body, 'retry_config').length, 1);
});

test('the delete trigger exists in every delete mode (deletions are recorded for restore) and targets the event function', async () => {
  const root = await rootModule();
  const trigger = only(findResource(root, 'google_eventarc_trigger', 'deleted'), 'delete trigger');
  assert.equal(trigger.body['count'], undefined, 'created whatever delete_mode says');
  const criteria = blocks(trigger.body, 'matching_criteria').map((c) => `${c['attribute']}=${c['value']}`);
  assert.ok(criteria.includes('type=google.cloud.storage.object.v1.deleted'), JSON.stringify(criteria));
  assert.ok(criteria.includes('bucket=${local.source_bucket_name}'), JSON.stringify(criteria));
  assert.equal(trigger.body['service_account'], '${google_service_account.trigger.email}');
  const run = block(block(trigger.body, 'destination'), 'cloud_run_service');
  assert.match(str(run, 'service') ?? '', /google_cloudfunctions2_function\.event\.service_config\[0\]\.service/);
});

test('buckets created here enforce uniform access and public access prevention; state is its own bucket', async () => {
  const root = await rootModule();
  const buckets = findResource(root, 'google_storage_bucket');
  assert.deepEqual(buckets.map((b) => b.name).sort(), ['source', 'source_archive', 'state']);
  for (const b of buckets) {
    assert.equal(b.body['uniform_bucket_level_access'], true, b.name);
    assert.equal(b.body['public_access_prevention'], 'enforced', b.name);
  }
  const state = only(findResource(root, 'google_storage_bucket', 'state'), 'state bucket');
  const preconditions = blocks(block(state.body, 'lifecycle'), 'precondition').map((p) => String(p['condition']));
  assert.ok(preconditions.some((c) => c.includes('var.source_bucket') && c.includes('!=')), 'state bucket != source bucket');
  assert.equal(only(findResource(root, 'google_storage_bucket', 'source'), 'source bucket').body['count'], '${var.create_source_bucket ? 1 : 0}');
});

test('the required APIs are enabled and never disabled on destroy', async () => {
  const root = await rootModule();
  const apis = only(findResource(root, 'google_project_service', 'apis'), 'google_project_service.apis');
  assert.equal(apis.body['disable_on_destroy'], false);
  const list = root.locals.get('required_apis');
  assert.ok(Array.isArray(list), 'local.required_apis is a literal list');
  for (const api of ['cloudfunctions', 'run', 'eventarc', 'pubsub', 'cloudbuild', 'artifactregistry', 'secretmanager', 'cloudscheduler', 'cloudtasks', 'storage', 'iam', 'drive']) {
    assert.ok(list.includes(`${api}.googleapis.com`), `${api}.googleapis.com is not enabled`);
  }
  assert.match(String(apis.body['for_each']), /local\.apis/);
  assert.equal(root.locals.get('apis'), '${local.required_apis}', 'the same APIs in every dispatch mode (the queue always exists)');
  for (const api of ['monitoring', 'logging']) assert.ok(list.includes(`${api}.googleapis.com`), `${api}.googleapis.com is not enabled`);
  for (const fn of findResource(root, 'google_cloudfunctions2_function')) {
    const deps = dependsOn(fn);
    assert.ok(deps.includes('${google_project_service.apis}'), `${fn.name} depends on the APIs`);
    assert.ok(deps.includes('${google_storage_bucket_iam_member.runtime_state_user}'), `${fn.name} depends on its IAM`);
    assert.ok(deps.includes('${google_secret_manager_secret_iam_member.runtime_token_accessor}'), `${fn.name} depends on its IAM`);
    assert.ok(deps.includes('${time_sleep.iam_propagation}'), `${fn.name} waits for IAM propagation`);
  }
  const event = only(findResource(root, 'google_cloudfunctions2_function', 'event'), 'event');
  assert.ok(dependsOn(event).includes('${google_project_iam_member.gcs_agent_pubsub_publisher}'));
  assert.ok(dependsOn(event).includes('${google_project_iam_member.trigger_event_receiver}'));
});

test('the root module declares no provider block (usable as a child module)', async () => {
  const root = await rootModule();
  for (const { file, json } of root.documents) assert.equal(json['provider'], undefined, `${file} configures a provider`);
  const terraformBlock = root.documents.flatMap(({ json }) => blocks(json, 'terraform'));
  const providers = terraformBlock.flatMap((t) => blocks(t, 'required_providers'));
  assert.ok(
    providers.some((p) => isRecord(p['google']) && isRecord(p['google-beta']) && isRecord(p['archive']) && isRecord(p['time'])),
    'google, google-beta, archive and time are required',
  );
  assert.ok(terraformBlock.some((t) => t['required_version'] === '>= 1.5'));
});

test('example modules pass only declared inputs, all required inputs, and use declared outputs', async () => {
  const mods = await modules();
  let checked = 0;
  for (const mod of mods) {
    for (const call of mod.modules) {
      const source = str(call.body, 'source') ?? '';
      if (!source.startsWith('.')) continue;
      const target = mods.find((m) => m.dir === resolve(mod.dir, source));
      assert.ok(target, `module "${call.name}" source ${source} is not a module under terraform/`);
      const meta = new Set(['source', 'version', 'providers', 'count', 'for_each', 'depends_on']);
      const inputs = Object.keys(call.body).filter((k) => !meta.has(k));
      const declared = new Set(target.variables.map((v) => v.name));
      for (const input of inputs) assert.ok(declared.has(input), `module "${call.name}" passes unknown input ${input}`);
      for (const v of target.variables) {
        if (!('default' in v.body)) assert.ok(inputs.includes(v.name), `module "${call.name}" misses required input ${v.name}`);
      }
      const outputs = new Set(target.outputs.map((o) => o.name));
      for (const { json } of mod.documents) {
        for (const m of JSON.stringify(json).matchAll(new RegExp(`module\\.${call.name}\\.([A-Za-z_][\\w-]*)`, 'g'))) {
          assert.ok(outputs.has(m[1]!), `module.${call.name}.${m[1]} is not an output of ${source}`);
        }
      }
      checked += 1;
    }
  }
  assert.ok(checked >= 1, 'no example uses the module');
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
