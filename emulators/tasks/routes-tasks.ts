/**
 * The task methods of Cloud Tasks v2 and v2beta3 over REST
 * (https://cloud.google.com/tasks/docs/reference/rest/v2/projects.locations.queues.tasks): list, create
 * (with name de-duplication), get, delete and run (RunTask dispatches at once, whatever the rate limits
 * and the queue's state). `responseView` BASIC (default) or FULL. Route names:
 * `tasks.tasks.{list,create,get,delete,run}`.
 */
import { drain, readJson, sendJson, type RequestContext, type Route } from '../harness/http.js';
import { checkRequest, listPage, type TasksContext } from './context.js';
import { paths, splitTaskName } from './names.js';
import { taskJson } from './resources.js';
import type { QueueRecord, TaskRecord } from './store.js';
import { readCreateTask } from './task-input.js';
import { Message, parseEnum, wantsIntEnums } from './wire.js';

const MAX_TASKS_PAGE = 1000;

function fullView(query: URLSearchParams): boolean {
  return parseEnum('View', query.get('responseView') ?? query.get('response_view') ?? undefined, 'response_view') === 'FULL';
}

export function taskRoutes(c: TasksContext): Route[] {
  /** The task named in the path and its queue (NOT_FOUND as Cloud Tasks words it). */
  const locate = (ctx: RequestContext): { queue: QueueRecord; task: TaskRecord } => {
    const name = ctx.params.task ?? '';
    const queue = c.store.queue(splitTaskName(name)?.queue ?? '');
    return { queue, task: c.store.task(queue, name) };
  };
  const render = (ctx: RequestContext, task: TaskRecord, full: boolean) => taskJson(task, full, wantsIntEnums(ctx.query));

  return [
    {
      method: 'GET',
      path: paths.tasks,
      name: 'tasks.tasks.list',
      async handle(ctx) {
        await drain(ctx.body);
        checkRequest(ctx, ['responseView', 'pageSize', 'pageToken']);
        const queue = c.store.queue(ctx.params.queue ?? '');
        const full = () => {
          const view = fullView(ctx.query);
          return (t: TaskRecord) => render(ctx, t, view);
        };
        sendJson(ctx.res, 200, listPage(ctx.query, c.store.listTasks(queue), MAX_TASKS_PAGE, 'tasks', full));
      },
    },
    {
      method: 'POST',
      path: paths.tasks,
      name: 'tasks.tasks.create',
      async handle(ctx) {
        const body = await readJson(ctx.body);
        checkRequest(ctx, []);
        const queue = c.store.queue(ctx.params.queue ?? '');
        const { task, full } = readCreateTask(body, queue.name, c.clock.now(), c.random);
        const record: TaskRecord = { ...task, version: 0 };
        c.store.addTask(queue, record);
        c.dispatcher.pump();
        sendJson(ctx.res, 200, render(ctx, record, full));
      },
    },
    {
      method: 'GET',
      path: paths.task,
      name: 'tasks.tasks.get',
      async handle(ctx) {
        await drain(ctx.body);
        checkRequest(ctx, ['responseView']);
        sendJson(ctx.res, 200, render(ctx, locate(ctx).task, fullView(ctx.query)));
      },
    },
    {
      method: 'DELETE',
      path: paths.task,
      name: 'tasks.tasks.delete',
      async handle(ctx) {
        await drain(ctx.body);
        checkRequest(ctx, []);
        const { queue, task } = locate(ctx);
        c.store.removeTask(queue, task);
        queue.counters.deleted++;
        sendJson(ctx.res, 200, {});
      },
    },
    {
      method: 'POST',
      path: paths.taskRun,
      name: 'tasks.tasks.run',
      async handle(ctx) {
        const body = await readJson(ctx.body);
        checkRequest(ctx, []);
        const request = Message.of(body, '', ['name', 'responseView']);
        const { queue, task } = locate(ctx);
        c.dispatcher.runNow(queue, task);
        sendJson(ctx.res, 200, render(ctx, task, request.enum('responseView', 'View') === 'FULL'));
      },
    },
  ];
}
