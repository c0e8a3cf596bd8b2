/**
 * Static checks of the backup queue, deployed in every dispatch mode ("auto", the default, "direct" and
 * "tasks"): the queue and its pacing inputs, the dispatcher account and its one grant, the runtime account's
 * queue-scoped enqueuer and pause/resume roles and actAs on the dispatcher, the Cloud Tasks API, the
 * environment the functions get (every mode), and the queue's tick (every mode but "direct").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type HclBody, block, blocks, findResource, isIamResource, str } from './hcl';
import { assertValidations, inputsWorkspace, only, rootModule, terraformAvailable } from './module';

const RUNTIME = 'serviceAccount:${google_service_account.runtime.email}';
const DISPATCHER = 'serviceAccount:${google_service_account.dispatcher.email}';

test('dispatch: "auto" (default), "direct" or "tasks"; the queue and its accounts exist in every mode, the tick unless direct', async () => {
  const root = await rootModule();
  const dispatch = only(
    root.variables.filter((v) => v.name === 'dispatch'),
    'variable dispatch',
  );
  assert.equal(dispatch.body['default'], 'auto');
  assert.equal(block(dispatch.body, 'validation')['condition'], '${contains(["auto", "direct", "tasks"], var.dispatch)}');
  assert.equal(String(root.locals.get('tasks')), '${var.dispatch != "direct"}');
  const inTasksFile = root.resources.filter((r) => r.file === 'tasks.tf');
  assert.ok(inTasksFile.length >= 8);
  for (const r of inTasksFile) {
    const count = r.type === 'google_cloud_scheduler_job' ? '${local.tasks ? 1 : 0}' : undefined;
    assert.equal(r.body['count'], count, `${r.type}.${r.name}`);
  }
});

test('the queue lives in the functions\' region, paced and retried from variables, under Drive\'s ~2 creates/s by default', async () => {
  const root = await rootModule();
  const queue = only(findResource(root, 'google_cloud_tasks_queue', 'backup'), 'queue');
  assert.equal(queue.body['location'], '${var.region}');
  assert.equal(queue.body['name'], '${local.tasks_queue_name}');
  assert.deepEqual(block(queue.body, 'rate_limits'), {
    max_dispatches_per_second: '${var.tasks_max_dispatches_per_second}',
    max_concurrent_dispatches: '${var.tasks_max_concurrent_dispatches}',
  });
  assert.deepEqual(block(queue.body, 'retry_config'), {
    max_attempts: '${var.tasks_max_attempts}',
    max_retry_duration: '${var.tasks_max_retry_seconds}s',
    min_backoff: '${var.tasks_min_backoff_seconds}s',
    max_backoff: '${var.tasks_max_backoff_seconds}s',
    max_doublings: '${var.tasks_max_doublings}',
  });
  const defaults = Object.fromEntries(root.variables.filter((v) => v.name.startsWith('tasks_')).map((v) => [v.name, v.body['default']]));
  // rclone: Drive limits one user to about 2 file creates per second (https://rclone.org/drive/#limitations).
  assert.ok(typeof defaults['tasks_max_dispatches_per_second'] === 'number' && defaults['tasks_max_dispatches_per_second'] < 2);
  // In-flight tasks fit the HTTP function's capacity (instances × concurrency), so none is refused with 429.
  const http = (n: string): number => Number(root.variables.find((v) => v.name === n)!.body['default']);
  assert.ok(Number(defaults['tasks_max_concurrent_dispatches']) <= http('http_max_instances') * http('http_concurrency'));
  assert.match(String(root.locals.get('tasks_queue_name')), /"\$\{var\.name\}-backup"/);
});

test('the dispatcher account may invoke the HTTP function and nothing else', async () => {
  const root = await rootModule();
  const grants = root.resources.filter((r) => isIamResource(r.type) && r.body['member'] === DISPATCHER);
  assert.equal(grants.length, 1);
  const [invoker] = grants;
  assert.equal(invoker!.type, 'google_cloud_run_v2_service_iam_member');
  assert.equal(invoker!.body['role'], 'roles/run.invoker');
  assert.equal(invoker!.body['name'], '${google_cloudfunctions2_function.http.service_config[0].service}');
});

test('the runtime account enqueues into and pauses/resumes this queue only, and may act as the dispatcher', async () => {
  const root = await rootModule();
  const onQueue = findResource(root, 'google_cloud_tasks_queue_iam_member').filter((r) => r.body['member'] === RUNTIME);
  const byRole = Object.fromEntries(onQueue.map((r) => [String(r.body['role']), r.body]));
  assert.deepEqual(Object.keys(byRole).sort(), ['${google_project_iam_custom_role.queue_pauser.id}', 'roles/cloudtasks.enqueuer']);
  for (const body of Object.values(byRole)) {
    assert.equal((body as HclBody)['name'], '${google_cloud_tasks_queue.backup.name}');
    assert.equal((body as HclBody)['location'], '${var.region}');
  }
  // Not project-wide: no Cloud Tasks role is granted on the project, and no predefined queue-admin role at all.
  for (const r of root.resources.filter((x) => isIamResource(x.type))) {
    const role = String(r.body['role']);
    if (r.type === 'google_project_iam_member') assert.ok(!role.startsWith('roles/cloudtasks.'), `${r.name}: ${role} project-wide`);
    assert.ok(!['roles/cloudtasks.queueAdmin', 'roles/cloudtasks.admin', 'roles/cloudtasks.editor'].includes(role), `${r.name}: ${role}`);
  }
  const pauser = only(findResource(root, 'google_project_iam_custom_role', 'queue_pauser'), 'custom role');
  assert.deepEqual(pauser.body['permissions'], ['cloudtasks.queues.get', 'cloudtasks.queues.pause', 'cloudtasks.queues.resume']);
  assert.match(String(pauser.body['role_id']), /^\$\{replace\(var\.name, "-", "_"\)\}_queuePauser$/);
  const actAs = only(findResource(root, 'google_service_account_iam_member', 'runtime_acts_as_dispatcher'), 'actAs');
  assert.equal(actAs.body['service_account_id'], '${google_service_account.dispatcher.name}');
  assert.equal(actAs.body['role'], 'roles/iam.serviceAccountUser');
  assert.equal(actAs.body['member'], RUNTIME);
  // Cloud Tasks' own agent mints the dispatcher's tokens, on that account only.
  const agent = only(findResource(root, 'google_service_account_iam_member', 'tasks_agent_mints_dispatcher_tokens'), 'tasks agent');
  assert.equal(agent.body['service_account_id'], '${google_service_account.dispatcher.name}');
  assert.equal(agent.body['role'], 'roles/iam.serviceAccountTokenCreator');
});

test('every mode enables the Cloud Tasks API and passes DISPATCH and the three queue variables to both functions', async () => {
  const root = await rootModule();
  assert.ok((root.locals.get('required_apis') as string[]).includes('cloudtasks.googleapis.com'));
  assert.equal(root.locals.get('apis'), '${local.required_apis}');
  // A plain object, not `local.tasks ? {...} : {}`: every mode gets the four variables.
  assert.deepEqual(root.locals.get('tasks_environment'), {
    DISPATCH: '${var.dispatch}',
    TASKS_QUEUE: 'projects/${var.project_id}/locations/${var.region}/queues/${google_cloud_tasks_queue.backup.name}',
    TASKS_TARGET_URL: '${local.http_function_url}/backup',
    TASKS_SERVICE_ACCOUNT: '${google_service_account.dispatcher.email}',
  });
  // The HTTP function's deterministic run.app URL: known before the function exists, so the HTTP function
  // can be given its own URL without a cycle, and it names the same service as the function resource.
  assert.equal(root.locals.get('http_function_url'), 'https://${local.http_function_name}-${data.google_project.this.number}.${var.region}.run.app');
  const http = only(findResource(root, 'google_cloudfunctions2_function', 'http'), 'http function');
  assert.equal(http.body['name'], '${local.http_function_name}');
  assert.equal(http.body['location'], '${var.region}');
  // Both functions: merged into local.environment, which both per-function environments extend.
  assert.match(String(root.locals.get('environment')), /local\.tasks_environment/);
  for (const fn of ['event', 'http']) assert.match(String(root.locals.get(`${fn}_environment`)), /local\.environment/);
  const outputs = root.outputs.map((o) => o.name);
  for (const o of ['tasks_queue', 'tasks_target_url', 'dispatcher_service_account_email']) assert.ok(outputs.includes(o), o);
  assert.equal(str(only(root.outputs.filter((o) => o.name === 'tasks_target_url'), 'output').body, 'value'), '${local.tasks_environment.TASKS_TARGET_URL}');
});

test("auto and tasks modes: a queue tick every 10 minutes, POST /reconcile {\"queueOnly\": true} as the scheduler's account", async () => {
  const root = await rootModule();
  const tick = only(findResource(root, 'google_cloud_scheduler_job', 'queue_tick'), 'queue tick job');
  assert.equal(tick.file, 'tasks.tf');
  assert.equal(tick.body['schedule'], '${var.tasks_tick_schedule}');
  const target = block(tick.body, 'http_target');
  assert.equal(target['http_method'], 'POST');
  assert.equal(target['uri'], '${google_cloudfunctions2_function.http.service_config[0].uri}/reconcile');
  assert.equal(target['body'], '${base64encode("{\\"queueOnly\\":true}")}');
  const oidc = block(target, 'oidc_token');
  assert.equal(oidc['service_account_email'], '${google_service_account.scheduler.email}');
  assert.equal(oidc['audience'], '${google_cloudfunctions2_function.http.service_config[0].uri}');
  const schedule = only(
    root.variables.filter((v) => v.name === 'tasks_tick_schedule'),
    'variable tasks_tick_schedule',
  );
  assert.equal(schedule.body['default'], '*/10 * * * *');
});

test('the backoff bounds are checked against each other before the queue is created', async () => {
  const queue = only(findResource(await rootModule(), 'google_cloud_tasks_queue', 'backup'), 'queue');
  const conditions = blocks(block(queue.body, 'lifecycle'), 'precondition').map((p) => p['condition']);
  assert.deepEqual(conditions, ['${var.tasks_min_backoff_seconds <= var.tasks_max_backoff_seconds}']);
});

test('validations of the dispatch inputs (terraform plan)', async (t) => {
  if (!terraformAvailable()) {
    t.skip('terraform is not on PATH');
    return;
  }
  const ws = await inputsWorkspace();
  t.after(() => ws.dispose());
  const good = [
    'dispatch=auto',
    'dispatch=tasks',
    'dispatch=direct',
    'tasks_queue_name=photos-queue',
    'tasks_max_dispatches_per_second=500',
    'tasks_max_dispatches_per_second=0.5',
    'tasks_max_concurrent_dispatches=1',
    'tasks_max_attempts=-1',
    'tasks_max_attempts=100',
    'tasks_max_retry_seconds=0',
    'tasks_min_backoff_seconds=0.1',
    'tasks_max_backoff_seconds=3600',
    'tasks_max_doublings=0',
    'tasks_tick_schedule=*/5 * * * *',
  ];
  const bad = [
    'dispatch=queue',
    'dispatch=Tasks',
    'dispatch=Auto',
    'tasks_queue_name=has_underscore',
    'tasks_max_dispatches_per_second=0',
    'tasks_max_dispatches_per_second=501',
    'tasks_max_concurrent_dispatches=0',
    'tasks_max_concurrent_dispatches=5001',
    'tasks_max_attempts=0',
    'tasks_max_attempts=-2',
    'tasks_max_retry_seconds=-1',
    'tasks_min_backoff_seconds=0',
    'tasks_max_backoff_seconds=3601',
    'tasks_max_doublings=17',
    'tasks_tick_schedule=every 10 minutes',
  ];
  await assertValidations(ws, good, bad);
});
