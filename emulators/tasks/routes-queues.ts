/**
 * The queue methods of Cloud Tasks v2 and v2beta3 over REST
 * (https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues): list (with `state`
 * filters), create, get, patch (UpdateQueue, which creates a missing queue), delete, pause, resume and
 * purge; on v2beta3 also `read_mask`, through which `stats` is read. Route names: `tasks.queues.{list,
 * create,get,update,delete,pause,resume,purge}`.
 */
import { drain, readJson, sendJson, type RequestContext, type Route } from '../harness/http.js';
import { checkRequest, listPage, type TasksContext } from './context.js';
import { isLocationName, parseQueueName, paths, snakeToCamel, type ApiVersion } from './names.js';
import { configForCreate, configForUpdate, maskedConfigKeys, readConfigInput } from './queue-config.js';
import { queueJson, queueStats } from './resources.js';
import { rpcError } from './rpc.js';
import { DEFAULT_TASK_TOMBSTONE_MS, DEFAULT_TASK_TTL_MS, type QueueExtras, type QueueRecord } from './store.js';
import { Message, wantsIntEnums } from './wire.js';

const V2_FIELDS = ['name', 'appEngineRoutingOverride', 'rateLimits', 'retryConfig', 'state', 'purgeTime', 'stackdriverLoggingConfig'];
const V2BETA3_FIELDS = [...V2_FIELDS, 'appEngineHttpQueue', 'httpTarget', 'taskTtl', 'tombstoneTtl', 'type', 'stats'];
const MAX_QUEUES_PAGE = 9800;
const DAY_MS = 24 * 3600 * 1000;

const queueFields = (version: ApiVersion) => (version === 'v2beta3' ? V2BETA3_FIELDS : V2_FIELDS);
const queueNameMessage = 'Queue name must be formatted: "projects/<PROJECT_ID>/locations/<LOCATION_ID>/queues/<QUEUE_ID>".';

/** The `extras` (non-pacing settings) of a queue body; `base` supplies what the body leaves out. */
function readExtras(queue: Message, version: ApiVersion, base: QueueExtras): QueueExtras {
  if (queue.has('httpTarget') || queue.has('appEngineHttpQueue')) {
    throw rpcError('UNIMPLEMENTED', 'The Cloud Tasks emulator does not emulate queue-level target overrides.');
  }
  const type = queue.enum('type', 'Type');
  if (type === 'PULL') throw rpcError('UNIMPLEMENTED', 'The Cloud Tasks emulator emulates push queues only.');
  const extras: QueueExtras = { ...base };
  const routing = queue.message('appEngineRoutingOverride', ['service', 'version', 'instance', 'host']);
  if (routing) extras.appEngineRoutingOverride = queue.get('appEngineRoutingOverride');
  const logging = queue.message('stackdriverLoggingConfig', ['samplingRatio']);
  if (logging) {
    const ratio = logging.double('samplingRatio') ?? 0;
    if (ratio < 0 || ratio > 1) throw rpcError('INVALID_ARGUMENT', 'StackdriverLoggingConfig.sampling_ratio must be between 0.0 and 1.0.');
    extras.stackdriverLoggingConfig = { samplingRatio: ratio };
  }
  if (version === 'v2beta3') {
    const ttl = queue.duration('taskTtl');
    if (ttl !== undefined && ttl !== 0) {
      if (ttl < 10 * DAY_MS || ttl > 3650 * DAY_MS)
        throw rpcError('INVALID_ARGUMENT', 'Queue.task_ttl must be between 10 days and 10 years.');
      extras.taskTtlMs = ttl;
    }
    const tombstone = queue.duration('tombstoneTtl');
    if (tombstone !== undefined && tombstone !== 0) {
      if (tombstone < 3600_000 || tombstone > 9 * DAY_MS)
        throw rpcError('INVALID_ARGUMENT', 'Queue.tombstone_ttl must be between 1 hour and 9 days.');
      extras.tombstoneTtlMs = tombstone;
    }
  }
  return extras;
}

const DEFAULT_EXTRAS: QueueExtras = { taskTtlMs: DEFAULT_TASK_TTL_MS, tombstoneTtlMs: DEFAULT_TASK_TOMBSTONE_MS };

/** `read_mask` (v2beta3) as a set of top-level camelCase fields. */
function readMask(query: URLSearchParams): Set<string> | undefined {
  const raw = query.get('readMask') ?? query.get('read_mask');
  if (raw === null) return undefined;
  const fields = new Set(
    raw
      .split(',')
      .map((p) => snakeToCamel(p.trim()))
      .filter(Boolean),
  );
  for (const f of fields) {
    if (!V2BETA3_FIELDS.includes(f.split('.')[0] ?? ''))
      throw rpcError('INVALID_ARGUMENT', `Invalid read_mask path "${f}": the Queue has no such field.`);
  }
  return new Set([...fields].map((f) => f.split('.')[0] ?? f));
}

export function queueRoutes(c: TasksContext): Route[] {
  const render = (ctx: RequestContext, version: ApiVersion, queue: QueueRecord, mask?: Set<string>) =>
    queueJson(queue, {
      version,
      intEnums: wantsIntEnums(ctx.query),
      readMask: mask,
      stats: mask?.has('stats') ? queueStats(queue, c.clock.now(), c.dispatcher.rateOf(queue)) : undefined,
    });
  const maskFields = (version: ApiVersion) => (version === 'v2beta3' ? ['readMask'] : []);

  const verb = (name: 'pause' | 'resume' | 'purge', apply: (queue: QueueRecord) => void): Route => ({
    method: 'POST',
    path: paths.queueVerb(name),
    name: `tasks.queues.${name}`,
    async handle(ctx) {
      const body = await readJson(ctx.body);
      const version = checkRequest(ctx, []);
      Message.of(body, '', ['name']);
      const queue = c.store.queue(ctx.params.queue ?? '');
      apply(queue);
      c.dispatcher.pump();
      sendJson(ctx.res, 200, render(ctx, version, queue));
    },
  });

  return [
    {
      method: 'GET',
      path: paths.queues,
      name: 'tasks.queues.list',
      async handle(ctx) {
        await drain(ctx.body);
        const version = checkRequest(ctx, ['filter', 'pageSize', 'pageToken', ...maskFields(version0(ctx))]);
        const parent = ctx.params.parent ?? '';
        if (!isLocationName(parent)) throw rpcError('INVALID_ARGUMENT', `Invalid resource field value in the request: parent "${parent}".`);
        const filter = (ctx.query.get('filter') ?? '').trim();
        const state = /^state\s*[:=]\s*"?(RUNNING|PAUSED|DISABLED)"?$/.exec(filter)?.[1];
        if (filter && !state)
          throw rpcError('INVALID_ARGUMENT', 'The Cloud Tasks emulator supports only "state: RUNNING|PAUSED|DISABLED" filters.');
        const queues = c.store.listQueues(parent).filter((q) => !state || q.state === state);
        sendJson(
          ctx.res,
          200,
          listPage(ctx.query, queues, MAX_QUEUES_PAGE, 'queues', () => {
            const mask = readMask(ctx.query);
            return (q) => render(ctx, version, q, mask);
          }),
        );
      },
    },
    {
      method: 'POST',
      path: paths.queues,
      name: 'tasks.queues.create',
      async handle(ctx) {
        const body = await readJson(ctx.body);
        const version = checkRequest(ctx, []);
        const parent = ctx.params.parent ?? '';
        const queue = Message.of(body, 'queue', queueFields(version));
        const name = queue.string('name') ?? '';
        const parsed = parseQueueName(name);
        if (!parsed) throw rpcError('INVALID_ARGUMENT', queueNameMessage);
        if (parsed.parent !== parent) {
          throw rpcError('INVALID_ARGUMENT', `The queue name "${name}" is not under the parent of the request ("${parent}").`);
        }
        const config = configForCreate(readConfigInput(queue, version === 'v2beta3'));
        const record = c.store.createQueue(name, config, readExtras(queue, version, DEFAULT_EXTRAS));
        sendJson(ctx.res, 200, render(ctx, version, record));
      },
    },
    {
      method: 'GET',
      path: paths.queue,
      name: 'tasks.queues.get',
      async handle(ctx) {
        await drain(ctx.body);
        const version = checkRequest(ctx, maskFields(version0(ctx)));
        sendJson(ctx.res, 200, render(ctx, version, c.store.queue(ctx.params.queue ?? ''), readMask(ctx.query)));
      },
    },
    {
      method: 'PATCH',
      path: paths.queue,
      name: 'tasks.queues.update',
      async handle(ctx) {
        const body = await readJson(ctx.body);
        const version = checkRequest(ctx, ['updateMask', 'queue']);
        const name = ctx.params.queue ?? '';
        if (!parseQueueName(name)) throw rpcError('INVALID_ARGUMENT', queueNameMessage);
        const queue = Message.of(body, 'queue', queueFields(version));
        const rawMask = ctx.query.get('updateMask') ?? ctx.query.get('update_mask');
        const mask = rawMask ? rawMask.split(',').map((p) => p.trim()) : undefined;
        const keys = maskedConfigKeys(mask, queueFields(version));
        const input = readConfigInput(queue, version === 'v2beta3');
        const existing = c.store.queues.get(name);
        if (!existing) {
          const created = c.store.createQueue(name, configForCreate(input), readExtras(queue, version, DEFAULT_EXTRAS));
          return sendJson(ctx.res, 200, render(ctx, version, created));
        }
        // No mask: "all fields will be updated" (absent ones back to their defaults); else the masked ones.
        const masked = (field: string) => !mask || mask.some((p) => snakeToCamel(p.split('.')[0] ?? '') === field);
        const fresh = readExtras(queue, version, DEFAULT_EXTRAS);
        const extras = existing.extras;
        if (masked('appEngineRoutingOverride')) extras.appEngineRoutingOverride = fresh.appEngineRoutingOverride;
        if (masked('stackdriverLoggingConfig')) extras.stackdriverLoggingConfig = fresh.stackdriverLoggingConfig;
        if (version === 'v2beta3' && masked('taskTtl')) extras.taskTtlMs = fresh.taskTtlMs;
        if (version === 'v2beta3' && masked('tombstoneTtl')) extras.tombstoneTtlMs = fresh.tombstoneTtlMs;
        existing.config = configForUpdate(existing.config, input, keys);
        existing.effectiveRate = existing.config.maxDispatchesPerSecond;
        c.dispatcher.pump();
        sendJson(ctx.res, 200, render(ctx, version, existing));
      },
    },
    {
      method: 'DELETE',
      path: paths.queue,
      name: 'tasks.queues.delete',
      async handle(ctx) {
        await drain(ctx.body);
        checkRequest(ctx, []);
        c.store.deleteQueue(ctx.params.queue ?? '');
        c.dispatcher.pump();
        sendJson(ctx.res, 200, {});
      },
    },
    verb('pause', (q) => (q.state = 'PAUSED')),
    verb('resume', (q) => (q.state = 'RUNNING')),
    verb('purge', (q) => {
      for (const task of [...q.tasks.values()]) c.store.removeTask(q, task);
      q.purgeTimeMs = c.clock.now();
    }),
  ];
}

/** The API version of a request's path, before the full check. */
function version0(ctx: RequestContext): ApiVersion {
  return ctx.params.version === 'v2beta3' ? 'v2beta3' : 'v2';
}
