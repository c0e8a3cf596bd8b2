/**
 * `POST /restore-drill {"count"?}` (Cloud Scheduler posts `{}`, weekly): the restore drill of SOURCE_BUCKET
 * (src/restore/drill.ts): `count` backed-up objects (default 3: the newest and two at random) restored into
 * memory and compared with the source. Every drill, even one that could not run, writes exactly one
 * `restoreDrill` line with `passed`, which the drill's metric and alert read, and answers 200 with the result:
 * a failed drill is the alert's to report, not a reason for Scheduler to retry.
 */
import { classifyFailure } from '../core/classify.js';
import { badRequest, type HttpReply } from '../core/failure-status.js';
import { runDrill, type DrillResult } from '../restore/drill.js';
import { openProductCatalog } from '../restore/open-catalog.js';
import type { Runtime } from '../tasks/dispatch.js';

export const DRILL_DEFAULT_COUNT = 3;
const MAX_COUNT = 100;

function parseDrillBody(body: unknown): { ok: true; count: number } | { ok: false; problems: string[] } {
  if (body === undefined || body === null) return { ok: true, count: DRILL_DEFAULT_COUNT };
  if (typeof body !== 'object' || Array.isArray(body))
    return { ok: false, problems: ['the body must be a JSON object, like {} or {"count": 3}'] };
  const { count, ...rest } = body as Record<string, unknown>;
  const problems = Object.keys(rest).map((key) => `unknown field ${JSON.stringify(key)} (known: count)`);
  if (count !== undefined && !(Number.isInteger(count) && (count as number) >= 1 && (count as number) <= MAX_COUNT))
    problems.push(`count must be a whole number from 1 to ${MAX_COUNT}, got ${JSON.stringify(count)}`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, count: (count as number | undefined) ?? DRILL_DEFAULT_COUNT };
}

export async function restoreDrillRoute(runtime: Runtime, body: unknown): Promise<HttpReply> {
  const parsed = parseDrillBody(body);
  if (!parsed.ok) return badRequest(parsed.problems);
  const bucket = runtime.config.sourceBucket;
  if (bucket === undefined) return badRequest(['SOURCE_BUCKET is not set: the drill restores from the backup of that bucket']);
  let result: DrillResult;
  try {
    const catalog = await openProductCatalog(runtime, { bucket, fromDrive: false, olderGenerations: false });
    result = await runDrill(
      { catalog, gcs: runtime.source, drive: runtime.drive, idleMs: runtime.config.ioIdleTimeoutMs },
      bucket,
      parsed.count,
    );
  } catch (err) {
    const reason =
      err instanceof Error && !('failure' in err) && classifyFailure(err, 'state').kind === 'transient'
        ? err.message
        : classifyFailure(err, 'state').reason;
    result = { bucket, passed: false, checked: 0, failures: [], summary: `FAILED: the drill could not run: ${reason}` };
  }
  runtime.logger.restoreDrill(result);
  return { status: 200, body: { ...result } };
}
