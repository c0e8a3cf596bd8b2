/**
 * The page: table tests of the pure rendering (escaping of hostile names, sizes, the tree), then the
 * browser test — the sandbox started in-process, three objects uploaded, headless Chromium finds them in
 * the Drive tree and saves a screenshot to test-results/sandbox-page.png. Skipped without /usr/bin/chromium.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Storage } from '@google-cloud/storage';
import { createSandboxLog } from '../../../sandbox/logs.js';
import { parseSandboxOptions } from '../../../sandbox/options.js';
import { downloadHref, escapeHtml, formatBytes, renderPage, type PageModel } from '../../../sandbox/page.js';
import { startPageServer } from '../../../sandbox/page-server.js';
import { startSandbox } from '../../../sandbox/sandbox.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(__dirname, '..', '..', '..', 'test-results', 'sandbox-page.png');

const HOSTILE = `"><script>alert('x')</script> & café ✓`;

const queue = {
  name: 'backup',
  depth: 0,
  inFlight: 0,
  maxRate: 1.5,
  effectiveRate: 1.5,
  executedLastMinute: 0,
  oldestTaskAgeMs: 0,
  paused: false,
  mode: 'tasks' as const,
};

function model(overrides: Partial<PageModel> = {}): PageModel {
  return {
    generatedAt: '2026-01-01T00:00:00.000Z',
    rootFolder: { id: 'root-id', name: 'GCS backup' },
    drive: [],
    bucket: { name: 'b', objects: [], truncated: false },
    outcomes: [],
    uploadCommand: `curl 'http://x/o?a=1&b=2'`,
    ...overrides,
  };
}

describe('escapeHtml', () => {
  const cases: [string, string][] = [
    ['plain', 'plain'],
    ['a<b>c', 'a&#60;b&#62;c'],
    ['"quoted"', '&#34;quoted&#34;'],
    ["it's", 'it&#39;s'],
    ['a&b', 'a&#38;b'],
    ['&#60;', '&#38;#60;'],
    ['café ✓ 日本', 'café ✓ 日本'],
  ];
  for (const [input, expected] of cases) test(JSON.stringify(input), () => assert.equal(escapeHtml(input), expected));
});

describe('formatBytes', () => {
  const cases: [number, string][] = [
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [20 * 1024 * 1024, '20 MiB'],
    [1.5 * 1024 ** 3, '1.5 GiB'],
  ];
  for (const [bytes, expected] of cases) test(`${bytes}`, () => assert.equal(formatBytes(bytes), expected));
});

describe('renderPage', () => {
  const file = {
    id: 'id"<1>',
    name: HOSTILE,
    folder: false,
    trashed: false,
    size: 2048,
    md5Checksum: 'abc',
    revisions: 2,
    modifiedTime: 't',
    children: [],
  };
  const cases: { name: string; model: PageModel; contains: string[] }[] = [
    {
      name: 'a file name in the tree',
      model: model({ drive: [{ ...file, id: 'dir', name: `dir <"1">`, folder: true, revisions: 0, children: [file] }] }),
      contains: [
        `<bdi>${escapeHtml(HOSTILE)}</bdi>`,
        `<bdi>dir &#60;&#34;1&#34;&#62;</bdi>/`,
        'href="/files/id%22%3C1%3E"',
        '2.0 KiB',
        '2 revisions',
        'abc',
      ],
    },
    {
      name: 'a bucket object',
      model: model({ bucket: { name: `b<`, objects: [{ name: HOSTILE, size: 5, generation: '1', updated: 'u' }], truncated: false } }),
      contains: [`<td class="name"><bdi>${escapeHtml(HOSTILE)}</bdi></td>`, 'gs://<bdi>b&#60;</bdi>', '5 B'],
    },
    {
      name: 'an outcome',
      model: model({
        outcomes: [{ at: 'now', source: 'event', outcome: 'failed', bucket: 'b', name: HOSTILE, generation: '7', reason: `<why>` }],
      }),
      contains: [`<td class="name"><bdi>${escapeHtml(HOSTILE)}</bdi></td>`, '&#60;why&#62;', 'class="bad">failed'],
    },
    {
      name: 'a bucket listing error',
      model: model({ bucket: { name: 'b', objects: [], truncated: false, error: '<oops>' } }),
      contains: ['&#60;oops&#62;'],
    },
    { name: 'the upload command', model: model(), contains: ['curl &#39;http://x/o?a=1&#38;b=2&#39;'] },
    {
      name: 'a running queue: depth, in flight, the dispatch rate',
      model: model({ queue: { ...queue, depth: 12, inFlight: 3, effectiveRate: 0.75, executedLastMinute: 40, oldestTaskAgeMs: 61_000 } }),
      contains: [
        'id="queue"',
        'Queue backup',
        'class="state good">running',
        '>12</span> tasks (3 in flight · oldest 61 s)',
        '0.75/s</span> of 1.5/s',
        '40 executed',
      ],
    },
    {
      name: 'a queue paused until the recorded time, and why',
      model: model({ queue: { ...queue, depth: 1, paused: true, resumeAt: '2026-01-01T01:00:00.000Z', pauseReason: '<limit>' } }),
      contains: [
        'class="state bad">paused</span> until <time class="resume-at">2026-01-01T01:00:00.000Z</time>',
        '&#60;limit&#62;',
        '>1</span> task (',
      ],
    },
    {
      name: 'auto mode without back-pressure: events go direct',
      model: model({ queue: { ...queue, mode: 'auto' } }),
      contains: ['mode <span class="mode">auto</span>', 'class="pressure state good">no back-pressure'],
    },
    {
      name: 'auto mode under back-pressure: until when, and why',
      model: model({ queue: { ...queue, mode: 'auto', pressureUntil: '2026-01-01T00:01:00.000Z', pressureReason: '<403>' } }),
      contains: [
        'class="pressure state bad">back-pressure</span> until <time class="pressure-until">2026-01-01T00:01:00.000Z</time>',
        '&#60;403&#62;',
      ],
    },
    {
      name: 'a queue paused by hand',
      model: model({ queue: { ...queue, paused: true } }),
      contains: ['paused</span> <span class="muted">(by hand'],
    },
    { name: 'an empty Drive', model: model(), contains: ['empty: upload a file to the bucket', 'no objects yet', 'none yet'] },
    {
      name: 'a stopped event bridge',
      model: model({ bridge: 'stopped' }),
      contains: ['id="bridge"', 'the event bridge is stopped', 'POST /bridge/start'],
    },
  ];
  test('direct mode has no queue panel', () => assert.ok(!renderPage(model()).includes('id="queue"')));
  for (const c of cases) {
    test(c.name, () => {
      const html = renderPage(c.model);
      for (const fragment of c.contains) assert.ok(html.includes(fragment), `missing ${fragment}`);
      assert.ok(!html.includes(`<script>alert`), 'no markup from a name');
      assert.equal(html.match(/<script\b/g)?.length, 1, 'only the refresh script');
      assert.match(html, /<script src="\/page\.js" defer><\/script>/, 'served as a file, not inline');
    });
  }

  test('a running bridge says nothing', () => {
    assert.ok(!renderPage(model({ bridge: 'running' })).includes('id="bridge"'));
  });

  test('downloadHref percent-encodes the id', () => {
    assert.equal(downloadHref('a/b?c'), '/files/a%2Fb%3Fc');
  });
});

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const NO_CHROMIUM = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium)`;

describe('the page in headless Chromium', () => {
  test('shows the three uploaded files in the Drive tree', { skip: NO_CHROMIUM }, async () => {
    const { chromium } = await import('playwright-core');
    const options = { ...parseSandboxOptions(['--port', '0', '--first-reconcile-after', '600'], {}) };
    const sandbox = await startSandbox(
      options,
      createSandboxLog(() => undefined),
    );
    const vars = sandbox.banner.variables;
    const names = ['readme.txt', 'photos/2026/<sunset> "été".jpg', 'notes & ideas.md'];
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const bucket = new Storage({ apiEndpoint: vars.STORAGE_EMULATOR_HOST, projectId: 'x' }).bucket(vars.SOURCE_BUCKET);
      await Promise.all(names.map((n, i) => bucket.file(n).save(Buffer.alloc(1000 * (i + 1), n))));

      const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
      await page.goto(sandbox.banner.pageUrl);
      const tree = page.locator('#drive');
      for (const name of names) {
        const leaf = name.split('/').pop() as string;
        // Not there on the first load: the page refreshes itself until the function has backed it up.
        // timeout 0: on progress, no wall-clock budget (the test runner's timeout catches a hang).
        await tree.locator('li.file a.name', { hasText: leaf }).first().waitFor({ timeout: 0 });
      }
      assert.deepEqual(
        (await tree.locator('li.file a.name').allTextContents()).sort(),
        names.map((n) => n.split('/').pop() as string).sort(),
      );
      assert.deepEqual(await tree.locator('li.folder > span.name').allTextContents(), ['photos/', '2026/']);
      await mkdir(join(SCREENSHOT, '..'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      assert.ok(existsSync(SCREENSHOT));
    } finally {
      await browser.close();
      await sandbox.stop();
    }
  });

  test('--dispatch tasks: the queue panel shows its depth, rate, and a pause with its end', { skip: NO_CHROMIUM }, async () => {
    const { chromium } = await import('playwright-core');
    const options = parseSandboxOptions(['--port', '0', '--first-reconcile-after', '600', '--dispatch', 'tasks'], {});
    const sandbox = await startSandbox(
      options,
      createSandboxLog(() => undefined),
    );
    const vars = sandbox.banner.variables;
    assert.equal(vars.DISPATCH, 'tasks');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const bucket = new Storage({ apiEndpoint: vars.STORAGE_EMULATOR_HOST, projectId: 'x' }).bucket(vars.SOURCE_BUCKET);
      const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
      await page.goto(sandbox.banner.pageUrl);
      const panel = page.locator('#queue');
      assert.match(await panel.innerText(), /running · 0 tasks \(0 in flight\) · dispatch rate 1\.5\/s of 1\.5\/s/);

      // Through the queue into Drive.
      await Promise.all(['queued/one.txt', 'queued/two.txt'].map((n) => bucket.file(n).save(`via the queue: ${n}`)));
      const tree = page.locator('#drive');
      for (const leaf of ['one.txt', 'two.txt']) await tree.locator('li.file a.name', { hasText: leaf }).waitFor({ timeout: 0 });

      // Drive's daily upload limit reached: the worker pauses the queue until the time it records.
      const limits = await fetch(`${vars.DRIVE_EMULATOR_HOST}/_emulator/limits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ drive: { dailyUpload: { bytes: 0, resetAfterMs: 86_400_000 } } }),
      });
      assert.equal(limits.status, 200);
      await bucket.file('queued/three.txt').save('refused today');
      await panel.locator('.state', { hasText: 'paused' }).waitFor({ timeout: 0 });
      const resumeAt = Date.parse(String(await panel.locator('time.resume-at').textContent()));
      assert.ok(resumeAt > Date.now() + 3000 * 1000, 'paused for UPLOAD_LIMIT_PAUSE_SEC (an hour by default)');
      await page.waitForFunction(() => document.querySelector('#queue .depth')?.textContent === '1', undefined, { timeout: 0 });
      await mkdir(join(SCREENSHOT, '..'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT.replace('sandbox-page', 'sandbox-queue'), fullPage: true });
    } finally {
      await browser.close();
      await sandbox.stop();
    }
  });
});

describe('hostile names in headless Chromium', () => {
  const evil = 'evil\u202etxt.exe';
  const long = `${'a'.repeat(4500)}/${'b'.repeat(4499)}`;
  const leaf = (id: string, name: string) => ({
    id,
    name,
    folder: false,
    trashed: false,
    size: 2048,
    md5Checksum: 'abc',
    revisions: 1,
    modifiedTime: 't',
    children: [],
  });
  const hostile = model({
    drive: [leaf('evil', evil), leaf('long', long), leaf('plain', 'plain.txt')],
    bucket: { name: 'b', objects: [{ name: long, size: 5, generation: '1', updated: 'u' }], truncated: false },
    outcomes: [{ at: 'now', source: 'event', outcome: 'uploaded', bucket: 'b', name: long, generation: '7' }],
  });

  test(
    'a right-to-left override stays inside its name; a 9,000-character name wraps instead of widening the page',
    { skip: NO_CHROMIUM },
    async () => {
      const { chromium } = await import('playwright-core');
      const server = await startPageServer({ port: 0, fallbackToFreePort: false, model: async () => hostile, download: () => undefined });
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
        const violations: string[] = [];
        page.on('console', (m) => void (/Content Security Policy/i.test(m.text()) && violations.push(m.text())));
        await page.goto(server.url);
        // The page's own script runs under its CSP: it fetches the page again (waits on that, not a clock).
        await page.waitForRequest((r) => new URL(r.url()).pathname === '/' && r.resourceType() === 'fetch', { timeout: 0 });
        assert.deepEqual(violations, [], 'nothing the page itself uses is blocked');

        const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
        assert.ok(widths.page <= widths.viewport, `the page is ${widths.page} px wide in a ${widths.viewport} px viewport`);

        // What follows the overridden name (its size) is still laid out after it, left to right.
        const evilItem = page.locator('li.file[data-id="evil"]');
        const name = await evilItem.locator('a.name').boundingBox();
        const size = await evilItem.locator('.size').boundingBox();
        assert.ok(name && size);
        assert.ok(size.x >= name.x + name.width - 1, `the size (x=${size.x}) comes after the name (ends at ${name.x + name.width})`);
        assert.equal(await evilItem.locator('a.name').textContent(), evil, 'the name itself is shown as it is');
      } finally {
        await browser.close();
        await server.close();
      }
    },
  );
});
