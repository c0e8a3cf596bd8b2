/**
 * The deployed entry module: registers the two function targets with functions-framework and nothing
 * else. Config and clients are built on the first invocation (see src/runtime/runtime.ts), not at import.
 * The event handler first leaves functions-framework's per-request domain (src/runtime/framework-domain.ts).
 * Every request passes the request guard first (src/runtime/request-guard.ts): bodies over 64 KiB, compressed
 * bodies and body-less CloudEvents are refused before the framework reads them.
 */
import * as functions from '@google-cloud/functions-framework';
import { EVENT_ENTRY_POINT, HTTP_ENTRY_POINT } from './entry-points.js';
import { lazyRuntime } from './runtime/runtime.js';
import { handleStorageEvent } from './event/handle-event.js';
import { handleHttp } from './http/handler.js';
import { leaveFrameworkDomain } from './runtime/framework-domain.js';
import { installRequestGuard } from './runtime/request-guard.js';

const runtime = lazyRuntime();
installRequestGuard(runtime.logger);

functions.cloudEvent<unknown>(EVENT_ENTRY_POINT, (event: functions.CloudEvent<unknown>) => {
  leaveFrameworkDomain();
  return handleStorageEvent(runtime, event);
});
functions.http(HTTP_ENTRY_POINT, (req, res) => handleHttp(runtime, req, res));
