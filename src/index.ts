/**
 * The deployed entry module: registers the two function targets with functions-framework and nothing
 * else. Config and clients are built on the first invocation (see src/runtime/runtime.ts), not at import.
 * The event handler first leaves functions-framework's per-request domain (src/runtime/framework-domain.ts).
 */
import * as functions from '@google-cloud/functions-framework';
import { EVENT_ENTRY_POINT, HTTP_ENTRY_POINT } from './entry-points.js';
import { lazyRuntime } from './runtime/runtime.js';
import { handleStorageEvent } from './event/handle-event.js';
import { handleHttp } from './http/handler.js';
import { leaveFrameworkDomain } from './runtime/framework-domain.js';

const runtime = lazyRuntime();

functions.cloudEvent<unknown>(EVENT_ENTRY_POINT, (event: functions.CloudEvent<unknown>) => {
  leaveFrameworkDomain();
  return handleStorageEvent(runtime, event);
});
functions.http(HTTP_ENTRY_POINT, (req, res) => handleHttp(runtime, req, res));
