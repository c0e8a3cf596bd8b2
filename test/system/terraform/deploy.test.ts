/**
 * Static checks of what a fresh project needs to deploy in one apply: the runtime variable, the
 * module-made build account and its documented roles, the deployers' actAs, the service agents with the
 * bounded IAM wait, the same-project check on the source bucket, the Cloud Storage location codes, the
 * reserved environment names, the provider range and the source archive's replacement.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type HclBody, block, blocks, findResource, isIamResource, str } from './hcl';
import { assertValidations, dependsOn, inputsWorkspace, modules, only, rootModule, terraformAvailable, tfDir } from './module';

const BUILD = 'serviceAccount:${google_service_account.build.email}';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}

test('runtime: a validated variable of the supported Node runtimes, nodejs24 by default; nodejs20 appears nowhere', async () => {
  const root = await rootModule();
  const runtime = only(
    root.variables.filter((v) => v.name === 'runtime'),
    'variable runtime',
  );
  assert.equal(runtime.body['default'], 'nodejs24');
  assert.equal(block(runtime.body, 'validation')['condition'], '${contains(["nodejs22", "nodejs24"], var.runtime)}');
  for (const fn of findResource(root, 'google_cloudfunctions2_function')) assert.equal(block(fn.body, 'build_config')['runtime'], '${var.runtime}');
  const stale = walk(tfDir).filter((f) => !f.includes(`${join('terraform', '.terraform')}`) && readFileSync(f, 'latin1').includes('nodejs20'));
  assert.deepEqual(stale, [], 'grep -R nodejs20 terraform/');
});

test('the build account gets exactly the documented build roles, the source read scoped to the source buckets', async () => {
  const root = await rootModule();
  const build = only(findResource(root, 'google_service_account', 'build'), 'build account');
  assert.equal(build.body['account_id'], '${var.name}-build');
  const grants = root.resources
    .filter((r) => isIamResource(r.type) && r.body['member'] === BUILD)
    .map((r) => `${r.type} ${r.body['role']} ${str(r.body, 'repository') ?? str(r.body, 'bucket') ?? str(r.body, 'project')}`)
    .sort();
  assert.deepEqual(grants, [
    'google_artifact_registry_repository_iam_member roles/artifactregistry.writer ${google_artifact_registry_repository.functions.name}',
    'google_project_iam_member roles/logging.logWriter ${var.project_id}',
    'google_project_iam_member roles/storage.objectViewer ${var.project_id}',
    'google_storage_bucket_iam_member roles/storage.objectViewer ${local.source_archive_bucket_name}',
  ]);
  // The project-level read is conditional: Cloud Functions' gcf-v2-sources-* buckets only.
  const sources = only(findResource(root, 'google_project_iam_member', 'build_function_sources_reader'), 'gcf-v2-sources read');
  assert.equal(block(sources.body, 'condition')['expression'], 'resource.name.startsWith("projects/_/buckets/gcf-v2-sources-")');
  for (const fn of findResource(root, 'google_cloudfunctions2_function')) {
    assert.equal(block(fn.body, 'build_config')['service_account'], '${google_service_account.build.id}', fn.name);
    // The images go to the module's own repository, the only one the build account may write to.
    assert.equal(block(fn.body, 'build_config')['docker_repository'], '${google_artifact_registry_repository.functions.id}', fn.name);
  }
  const repo = only(findResource(root, 'google_artifact_registry_repository', 'functions'), 'the functions\' repository');
  assert.deepEqual([repo.body['project'], repo.body['location'], repo.body['format']], ['${var.project_id}', '${var.region}', 'DOCKER']);
  const writer = only(findResource(root, 'google_artifact_registry_repository_iam_member', 'build_artifact_writer'), 'writer grant');
  assert.equal(writer.body['location'], '${google_artifact_registry_repository.functions.location}');
  // No Artifact Registry role anywhere above one repository (project, folder or organization).
  for (const r of root.resources.filter((x) => /^google_(project|folder|organization)_iam_/.test(x.type)))
    assert.ok(!String(r.body['role']).startsWith('roles/artifactregistry.'), `${r.type}.${r.name}: ${String(r.body['role'])}`);
  assert.equal(
    root.variables.find((v) => v.name === 'build_service_account_email'),
    undefined,
    'one build account: the module-made one',
  );
});

test("deployers get roles/iam.serviceAccountUser on exactly the module's service accounts", async () => {
  const root = await rootModule();
  const grant = only(findResource(root, 'google_service_account_iam_member', 'deployers'), 'deployer grant');
  assert.equal(grant.body['role'], 'roles/iam.serviceAccountUser');
  assert.equal(grant.body['member'], '${each.value.member}');
  assert.equal(grant.body['service_account_id'], '${local.module_service_accounts[each.value.account]}');
  assert.match(String(grant.body['for_each']), /setproduct\(local\.module_service_account_keys, var\.deployers\)/);
  // The keys (known at plan) and the accounts they name cover every service account the module creates.
  const accounts = findResource(root, 'google_service_account').map((a) => a.name);
  const keys = String(root.locals.get('module_service_account_keys'));
  const named = String(root.locals.get('module_service_accounts'));
  for (const a of accounts) {
    assert.ok(keys.includes(`"${a}"`), `module_service_account_keys lacks ${a}`);
    assert.match(named, new RegExp(`${a}\\s*=\\s*google_service_account\\.${a}(\\[0\\])?\\.name`), `module_service_accounts lacks ${a}`);
  }
  assert.equal([...keys.matchAll(/(?<!== )"(\w+)"/g)].length, accounts.length, 'no key names an account the module does not create');
  // Each grant is in place before the functions are created.
  assert.ok(dependsOn(only(findResource(root, 'time_sleep', 'iam_propagation'), 'time_sleep')).includes('${google_service_account_iam_member.deployers}'));
});

test('service agents exist and are granted before a bounded wait that the functions and the delete trigger follow', async () => {
  const root = await rootModule();
  const identities = findResource(root, 'google_project_service_identity');
  assert.deepEqual(identities.map((i) => i.body['service']).sort(), ['cloudtasks.googleapis.com', 'eventarc.googleapis.com', 'pubsub.googleapis.com']);
  for (const i of identities) assert.equal(i.body['provider'], '${google-beta}', i.name);
  assert.equal(only(findResource(root, 'google_project_service_identity', 'cloudtasks'), 'tasks agent').body['count'], undefined, 'the queue exists in every dispatch mode');
  const agents = root.locals;
  for (const [local, service] of [
    ['eventarc_agent', 'eventarc'],
    ['pubsub_agent', 'pubsub'],
    ['tasks_agent', 'cloudtasks'],
  ]) {
    assert.equal(agents.get(local!), `service-\${data.google_project.this.number}@gcp-sa-${service}.iam.gserviceaccount.com`, local);
  }
  const eventarc = only(findResource(root, 'google_project_iam_member', 'eventarc_agent'), 'Eventarc agent role');
  assert.equal(eventarc.body['role'], 'roles/eventarc.serviceAgent');
  const pubsub = only(findResource(root, 'google_service_account_iam_member', 'pubsub_agent_mints_trigger_tokens'), 'Pub/Sub agent token creator');
  assert.equal(pubsub.body['role'], 'roles/iam.serviceAccountTokenCreator');
  assert.equal(pubsub.body['service_account_id'], '${google_service_account.trigger.name}', 'on the trigger account only');
  assert.equal(pubsub.body['member'], 'serviceAccount:${local.pubsub_agent}');

  const sleep = only(findResource(root, 'time_sleep', 'iam_propagation'), 'time_sleep.iam_propagation');
  assert.equal(sleep.body['create_duration'], '${var.iam_propagation_wait_seconds}s');
  const waitedFor = dependsOn(sleep);
  for (const r of [
    'google_project_iam_member.gcs_agent_pubsub_publisher',
    'google_project_iam_member.eventarc_agent',
    'google_service_account_iam_member.pubsub_agent_mints_trigger_tokens',
    'google_project_iam_member.trigger_event_receiver',
    'google_project_iam_member.build_log_writer',
    'google_artifact_registry_repository_iam_member.build_artifact_writer',
    'google_storage_bucket_iam_member.build_source_reader',
    'google_project_iam_member.build_function_sources_reader',
  ]) {
    assert.ok(waitedFor.includes(`\${${r}}`), `time_sleep waits for ${r}`);
  }
  for (const r of [...findResource(root, 'google_cloudfunctions2_function'), ...findResource(root, 'google_eventarc_trigger')]) {
    assert.ok(dependsOn(r).includes('${time_sleep.iam_propagation}'), `${r.type}.${r.name} follows the wait`);
  }
  const wait = root.variables.find((v) => v.name === 'iam_propagation_wait_seconds')!;
  assert.ok(typeof wait.body['default'] === 'number' && wait.body['default'] > 0 && wait.body['default'] <= 600);
});

test('an existing source bucket must belong to project_id, or the plan stops saying what to do', async () => {
  const root = await rootModule();
  assert.equal(findResource(root, 'google_storage_bucket').length + root.data.filter((d) => d.type === 'google_storage_bucket').length, 3, 'no single-bucket lookup: it cannot tell the project');
  const lookup = only(
    root.data.filter((d) => d.type === 'google_storage_buckets'),
    'google_storage_buckets',
  );
  assert.equal(lookup.body['project'], '${var.project_id}');
  assert.equal(lookup.body['prefix'], '${var.source_bucket}');
  assert.equal(lookup.body['count'], '${var.create_source_bucket ? 0 : 1}');
  const [membership, location] = blocks(block(lookup.body, 'lifecycle'), 'postcondition') as [HclBody, HclBody];
  assert.equal(membership['condition'], '${contains([for b in self.buckets : b.name], var.source_bucket)}');
  const message = String(membership['error_message']);
  assert.match(message, /is not in project \$\{var\.project_id\}/);
  assert.match(message, /set project_id to the project that owns the bucket/);
  assert.match(message, /create_source_bucket = true/);
  assert.match(String(location['condition']), /var\.source_bucket_location == null/);
  assert.match(String(root.locals.get('existing_source_bucket')), /data\.google_storage_buckets\.source\[0\]\.buckets : b if b\.name == var\.source_bucket/);
  assert.match(String(root.locals.get('source_bucket_location')), /local\.existing_source_bucket\.location/);
});

test('the provider range admits 5.40 through 7.x, in the module and in the example', async () => {
  for (const mod of await modules()) {
    const providers = mod.documents.flatMap(({ json }) => blocks(json, 'terraform')).flatMap((t) => blocks(t, 'required_providers'));
    if (providers.length === 0) continue;
    const p = providers[0]!;
    for (const name of ['google', 'google-beta']) assert.equal((p[name] as HclBody)['version'], '>= 5.40, < 8', `${mod.dir}: ${name}`);
    assert.equal((p['time'] as HclBody)['source'], 'hashicorp/time', mod.dir);
  }
});

test('a changed source archive replaces the object: new one first, old one deleted after', async () => {
  const root = await rootModule();
  const object = only(findResource(root, 'google_storage_bucket_object', 'source'), 'archive object');
  assert.equal(block(object.body, 'lifecycle')['create_before_destroy'], true);
  assert.match(String(object.body['name']), /output_md5/);
});

test('validations: runtimes, Cloud Storage location codes, deployers, reserved names, the IAM wait (terraform plan)', async (t) => {
  if (!terraformAvailable()) {
    t.skip('terraform is not on PATH');
    return;
  }
  const ws = await inputsWorkspace();
  t.after(() => ws.dispose());
  // Locations: regions, multi-regions and dual-regions (https://cloud.google.com/storage/docs/locations),
  // either case; a configurable dual-region bucket reports its multi-region.
  const locations = ['NAM4', 'EUR4', 'ASIA1', 'US', 'EU', 'us-central1', 'europe-west1', 'nam4', 'ASIA', 'EUR8', 'northamerica-northeast2', 'europe-west10'];
  const badLocations = ['NAM', 'US-CENTRAL', 'us-central1-a', 'europe', 'eur4x', 'nam44', 'moon', 'US+EU', 'us-central1,us-east1', ' eu', ''];
  const good = [
    ...locations.map((l) => `source_bucket_location=${l}`),
    'runtime=nodejs22',
    'runtime=nodejs24',
    'deployers=["user:ops@example.com","serviceAccount:ci@p.iam.gserviceaccount.com","group:ops@example.com"]',
    'iam_propagation_wait_seconds=0',
    'extra_environment_variables={DEADLINE_MARGIN_SEC="30"}',
  ];
  const bad = [
    ...badLocations.map((l) => `source_bucket_location=${l}`),
    'runtime=nodejs20',
    'runtime=nodejs18',
    'runtime=node24',
    'deployers=["allUsers"]',
    'deployers=["ops@example.com"]',
    'deployers=["domain:example.com"]',
    'iam_propagation_wait_seconds=601',
    'iam_propagation_wait_seconds=1.5',
    ...['FUNCTION_TARGET', 'FUNCTION_SIGNATURE_TYPE', 'DISPATCH', 'TASKS_QUEUE', 'TASKS_TARGET_URL', 'TASKS_SERVICE_ACCOUNT', 'K_SERVICE'].map(
      (n) => `extra_environment_variables={${n}="x"}`,
    ),
  ];
  await assertValidations(ws, good, bad);
});
