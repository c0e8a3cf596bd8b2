/**
 * `gcs-drive-backup restore --remote URL`: the restore runs in the deployed HTTP function (`POST /restore`,
 * src/http/restore-route.ts), not on this machine. Posts the request with an ID token for the function's
 * URL (google-auth-library's IdTokenClient: Cloud Run IAM lets in callers with roles/run.invoker), then
 * follows it until done: while the function still walks the catalog and nothing else continues it (no
 * queue) it posts `{"id"}` again (each call works within the function's budget); once every object went
 * to a task, or the function continues by itself, it reads the progress from the state bucket itself
 * (src/restore/progress.ts). Without `--at` the function takes its own now, so the same command again
 * continues an unfinished restore rather than starting another. One progress line per change, problem lines at the end,
 * the same exit codes as a local restore. A loopback URL (the sandbox, the tests) gets no token: the
 * sandbox's functions take none.
 */
import { escapeForTerminal } from '../core/terminal-text.js';
import { lazyRequire } from '../core/lazy-require.js';
import { RestoreRecords, type RestoreProgress } from '../restore/progress.js';
import { restoreBody, type RestoreSpec } from '../restore/request.js';
import type { Runtime } from '../tasks/dispatch.js';
import { UsageError, type CliIO } from './io.js';
import type { RestoreOptions } from './restore-options.js';

type Reply = { status: number; body: Record<string, unknown> };
type Post = (body: unknown) => Promise<Reply>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** Between two reads of the progress from the state bucket, while tasks run. */
const POLL_MS = 2000;

/** The function's `/restore` URL for `--remote URL` (the function's base URL, or its `/restore`). */
export function restoreUrl(remote: string): URL {
  let url: URL;
  try {
    url = new URL(remote);
  } catch {
    throw new UsageError(`--remote must be the HTTP function's URL (https://…run.app), got "${remote}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    throw new UsageError(`--remote must be an https:// URL (http:// only on this machine), got "${remote}"`);
  if (!url.pathname.endsWith('/restore')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/restore`;
  return url;
}

/** POSTs JSON to `url`, with an ID token for its origin unless it is on this machine. */
function poster(url: URL): Post {
  if (LOOPBACK.has(url.hostname)) {
    return async (body) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
    };
  }
  const { GoogleAuth } = lazyRequire<typeof import('google-auth-library')>('google-auth-library');
  const client = new GoogleAuth().getIdTokenClient(url.origin);
  return async (body) => {
    const res = await (
      await client
    ).request<Record<string, unknown>>({ url: url.toString(), method: 'POST', data: body, validateStatus: () => true });
    return { status: res.status, body: res.data ?? {} };
  };
}

/** One line for a progress: the counts so far, and what is left. */
export function progressLine(p: Pick<RestoreProgress, 'counts' | 'remaining' | 'listed' | 'done'> & { waiting?: number }): string {
  const counts = Object.entries(p.counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const waiting = (p.waiting ?? 0) > 0 ? ` (${p.waiting} waiting for Drive to lift a download limit)` : '';
  const left = p.done
    ? 'done'
    : p.listed
      ? `${p.remaining} in tasks${waiting}`
      : `listing the backup${p.remaining > 0 ? `, ${p.remaining} in tasks${waiting}` : ''}`;
  return `progress: ${counts || 'nothing yet'}; ${left}`;
}

export async function remoteRestore(io: CliIO, options: RestoreOptions, remote: string, runtime: () => Promise<Runtime>): Promise<number> {
  if (options.target.kind !== 'bucket')
    throw new UsageError('--remote restores into a bucket: give --to gs://BUCKET[/PREFIX], not --to-dir');
  if (options.fromDrive) throw new UsageError('--remote restores from the state bucket; --from-drive runs on this machine only');
  const url = restoreUrl(remote);
  const spec: RestoreSpec = {
    to: { bucket: options.target.bucket, prefix: options.target.prefix },
    prefix: options.prefix,
    include: options.include,
    exclude: options.exclude,
    // No time given: the function takes its now, and the same command again continues its unfinished restore.
    ...(options.generation !== undefined ? { generation: options.generation } : options.atMs !== undefined ? { atMs: options.atMs } : {}),
    dryRun: options.dryRun,
    overwrite: options.overwrite,
    acknowledgeAbuse: options.acknowledgeAbuse,
    customTime: options.customTime,
  };
  const post = poster(url);
  const fail = (reply: Reply): number => {
    io.stderr(
      `restore --remote: ${url.origin} answered ${reply.status}: ${escapeForTerminal(typeof reply.body.error === 'string' ? reply.body.error : JSON.stringify(reply.body))}\n`,
    );
    return 1;
  };
  let reply = await post(restoreBody(spec));
  if (reply.status !== 200) return fail(reply);
  const id = String(reply.body.id);
  io.stdout(
    `restore ${id} of the backup into ${escapeForTerminal(String(reply.body.to))} runs in ${url.origin} (${String(reply.body.mode)})\n`,
  );
  let progress = reply.body as unknown as RestoreProgress;
  let last = '';
  const show = () => {
    const line = progressLine(progress);
    if (line !== last) io.stdout(`${escapeForTerminal(line)}\n`);
    last = line;
  };
  show();
  let records: RestoreRecords | undefined;
  // The function continues by itself (a queue's task): following needs only the state bucket.
  let continues = reply.body.continues === true;
  while (!progress.done) {
    if (!progress.listed && !continues) {
      reply = await post({ id });
      if (reply.status !== 200 && reply.status !== 503) return fail(reply);
      if (reply.status === 200) {
        progress = reply.body as unknown as RestoreProgress;
        continues = reply.body.continues === true;
      } else await new Promise((r) => setTimeout(r, POLL_MS));
    } else {
      await new Promise((r) => setTimeout(r, POLL_MS));
      records ??= new RestoreRecords((await runtime()).store);
      progress = (await records.progress(id)) ?? progress;
    }
    show();
  }
  for (const line of progress.problems) io.stderr(`${line}\n`);
  const more = progress.problemCount - progress.problems.length;
  if (more > 0) io.stderr(`… and ${more} more problem(s): see the function's restoreTask log lines\n`);
  io.stdout(`restore ${id}: ${progress.handled} object(s) handled, ${progress.problemCount} problem(s)\n`);
  return progress.problemCount > 0 ? 1 : 0;
}
