/**
 * The sandbox's one page, rendered server-side by a pure function: the Drive tree under the backup root
 * (folders, files, sizes, MD5, revisions, download links) next to the watched bucket's listing and the
 * recent per-object outcomes from the functions' logs; with `--dispatch tasks`, the backup queue above them
 * (depth, dispatch rate, paused or not and until when). Every name is escaped (names may hold quotes, `<`,
 * `&`, any Unicode) and isolated in a `<bdi>` (a right-to-left override in one name cannot reorder what
 * follows it). No inline script or style: both are files the page server serves (sandbox/page-assets.ts),
 * so its Content-Security-Policy can allow only those.
 */
import type { DriveNode } from './drive-tree.js';
import type { Outcome } from './outcomes.js';
import { PAGE_CSS_PATH, PAGE_SCRIPT_PATH, REFRESH_MS } from './page-assets.js';
import type { QueuePanel } from './queue.js';

export interface BucketObject {
  name: string;
  size: number;
  generation: string;
  md5Hash?: string;
  updated: string;
}

export interface PageModel {
  generatedAt: string;
  rootFolder: { id: string; name: string };
  drive: DriveNode[];
  bucket: { name: string; objects: BucketObject[]; truncated: boolean; error?: string };
  outcomes: Outcome[];
  /** A command that uploads a file into the bucket. */
  uploadCommand: string;
  /** `--dispatch tasks` or `auto`: the backup queue (and auto's back-pressure). */
  queue?: QueuePanel;
  /** The event bridge: `stopped` delivers no change (POST /bridge/start). */
  bridge?: 'running' | 'stopped';
}

/** Text and attribute values (double- or single-quoted) alike. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A name (object, file, folder, bucket): escaped, and isolated from the text around it. */
export function nameHtml(value: string): string {
  return `<bdi>${escapeHtml(value)}</bdi>`;
}

/** The page server's download route for a Drive file. */
export function downloadHref(fileId: string): string {
  return `/files/${encodeURIComponent(fileId)}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function renderPage(model: PageModel): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>gcs-drive-backup sandbox</title>
<noscript><meta http-equiv="refresh" content="${REFRESH_MS / 1000}"></noscript>
<link rel="stylesheet" href="${PAGE_CSS_PATH}">
</head>
<body>
<main id="content">
${renderContent(model)}
</main>
<script src="${PAGE_SCRIPT_PATH}" defer></script>
</body>
</html>
`;
}

function renderContent(m: PageModel): string {
  const h = escapeHtml;
  const stopped =
    m.bridge === 'stopped'
      ? '<p class="bad" id="bridge">the event bridge is stopped: uploads are not delivered to the function (<code>POST /bridge/start</code>)</p>'
      : '';
  return `<header><h1>gcs-drive-backup sandbox</h1><p class="muted">updated ${h(m.generatedAt)} · upload: <code>${h(m.uploadCommand)}</code></p>${stopped}</header>
${m.queue !== undefined ? renderQueue(m.queue) : ''}<div class="columns">
<section id="drive"><h2>Drive: ${nameHtml(m.rootFolder.name)} <span class="muted">(${h(m.rootFolder.id)})</span></h2>
${m.drive.length === 0 ? '<p class="muted">empty: upload a file to the bucket</p>' : renderTree(m.drive)}
</section>
<section id="bucket"><h2>Bucket gs://${nameHtml(m.bucket.name)}</h2>
${renderBucket(m.bucket)}
</section>
</div>
<section id="outcomes"><h2>Recent outcomes</h2>
${renderOutcomes(m.outcomes)}
</section>`;
}

function renderQueue(q: QueuePanel): string {
  const h = escapeHtml;
  const rate = (n: number) => `${Number(n.toFixed(2))}/s`;
  const state = !q.paused
    ? '<span class="state good">running</span>'
    : q.resumeAt !== undefined
      ? `<span class="state bad">paused</span> until <time class="resume-at">${h(q.resumeAt)}</time>${q.pauseReason !== undefined ? ` <span class="muted">(${h(q.pauseReason)})</span>` : ''}`
      : '<span class="state bad">paused</span> <span class="muted">(by hand: resume it with gcloud tasks queues resume)</span>';
  const oldest = q.depth > 0 ? ` · oldest ${Math.round(q.oldestTaskAgeMs / 1000)} s` : '';
  const pressure =
    q.mode !== 'auto'
      ? ''
      : q.pressureUntil !== undefined
        ? ` · <span class="pressure state bad">back-pressure</span> until <time class="pressure-until">${h(q.pressureUntil)}</time>${q.pressureReason !== undefined ? ` <span class="muted">(${h(q.pressureReason)})</span>` : ''}: events are enqueued`
        : ' · <span class="pressure state good">no back-pressure</span>: events go direct';
  return `<section id="queue"><h2>Queue ${h(q.name)}</h2>
<p>mode <span class="mode">${h(q.mode)}</span>${pressure}</p>
<p>${state} · <span class="depth">${q.depth}</span> task${q.depth === 1 ? '' : 's'} (${q.inFlight} in flight${oldest}) · dispatch rate <span class="rate">${rate(q.effectiveRate)}</span> of ${rate(q.maxRate)} · ${q.executedLastMinute} executed in the last minute</p>
</section>
`;
}

function renderTree(nodes: readonly DriveNode[]): string {
  const items = nodes.map((n) => {
    const h = escapeHtml;
    const trashed = n.trashed ? ' <span class="bad">trashed</span>' : '';
    if (n.folder)
      return `<li class="folder"><span class="name">${nameHtml(n.name)}/</span>${trashed}${n.children.length ? renderTree(n.children) : ''}</li>`;
    const facts = [
      n.size !== undefined ? `<span class="size" title="${n.size} bytes">${h(formatBytes(n.size))}</span>` : '',
      n.md5Checksum !== undefined ? `<code class="md5">${h(n.md5Checksum)}</code>` : '',
      `<span class="revisions">${n.revisions} revision${n.revisions === 1 ? '' : 's'}</span>`,
    ].filter(Boolean);
    return `<li class="file" data-id="${h(n.id)}"><a class="name" href="${h(downloadHref(n.id))}" download>${nameHtml(n.name)}</a>${trashed} ${facts.join(' ')}</li>`;
  });
  return `<ul class="tree">${items.join('')}</ul>`;
}

function renderBucket(b: PageModel['bucket']): string {
  const h = escapeHtml;
  if (b.error !== undefined) return `<p class="bad">${h(b.error)}</p>`;
  if (b.objects.length === 0) return '<p class="muted">no objects yet</p>';
  const rows = b.objects.map(
    (o) =>
      `<tr><td class="name">${nameHtml(o.name)}</td><td title="${o.size} bytes">${h(formatBytes(o.size))}</td><td><code>${h(o.generation)}</code></td><td>${h(o.updated)}</td></tr>`,
  );
  const more = b.truncated ? '<p class="muted">(first objects only)</p>' : '';
  return `<table><thead><tr><th>name</th><th>size</th><th>generation</th><th>updated</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}`;
}

function renderOutcomes(outcomes: readonly Outcome[]): string {
  const h = escapeHtml;
  if (outcomes.length === 0) return '<p class="muted">none yet</p>';
  const rows = outcomes.map((o) => {
    const css = o.outcome === 'failed' ? 'bad' : o.outcome === 'skipped' ? 'muted' : 'good';
    const details = [
      o.reason,
      o.bytes !== undefined ? formatBytes(o.bytes) : undefined,
      o.durationMs !== undefined ? `${o.durationMs} ms` : undefined,
    ]
      .filter((d): d is string => d !== undefined)
      .join(' · ');
    return `<tr><td>${h(o.at)}</td><td>${h(o.source)}</td><td class="${css}">${h(o.outcome)}</td><td class="name">${nameHtml(o.name)}</td><td><code>${h(o.generation)}</code></td><td>${h(details)}</td></tr>`;
  });
  return `<table><thead><tr><th>at</th><th>function</th><th>outcome</th><th>object</th><th>generation</th><th>details</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
