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
import { createSandboxLog } from '../../sandbox/logs.js';
import { parseSandboxOptions } from '../../sandbox/options.js';
import { downloadHref, escapeHtml, formatBytes, renderPage, type PageModel } from '../../sandbox/page.js';
import { startSandbox } from '../../sandbox/sandbox.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(__dirname, '..', '..', 'test-results', 'sandbox-page.png');

const HOSTILE = `"><script>alert('x')</script> & café ✓`;

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
      contains: [escapeHtml(HOSTILE), `dir &#60;&#34;1&#34;&#62;/`, 'href="/files/id%22%3C1%3E"', '2.0 KiB', '2 revisions', 'abc'],
    },
    {
      name: 'a bucket object',
      model: model({ bucket: { name: `b<`, objects: [{ name: HOSTILE, size: 5, generation: '1', updated: 'u' }], truncated: false } }),
      contains: [escapeHtml(HOSTILE), 'gs://b&#60;', '5 B'],
    },
    {
      name: 'an outcome',
      model: model({
        outcomes: [{ at: 'now', source: 'event', outcome: 'failed', bucket: 'b', name: HOSTILE, generation: '7', reason: `<why>` }],
      }),
      contains: [escapeHtml(HOSTILE), '&#60;why&#62;', 'class="bad">failed'],
    },
    {
      name: 'a bucket listing error',
      model: model({ bucket: { name: 'b', objects: [], truncated: false, error: '<oops>' } }),
      contains: ['&#60;oops&#62;'],
    },
    { name: 'the upload command', model: model(), contains: ['curl &#39;http://x/o?a=1&#38;b=2&#39;'] },
    { name: 'an empty Drive', model: model(), contains: ['empty: upload a file to the bucket', 'no objects yet', 'none yet'] },
    {
      name: 'a stopped event bridge',
      model: model({ bridge: 'stopped' }),
      contains: ['id="bridge"', 'the event bridge is stopped', 'POST /bridge/start'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const html = renderPage(c.model);
      for (const fragment of c.contains) assert.ok(html.includes(fragment), `missing ${fragment}`);
      assert.ok(!html.includes(`<script>alert`), 'no markup from a name');
      assert.equal(html.match(/<script>/g)?.length, 1, 'only the refresh script');
    });
  }

  test('a running bridge says nothing', () => {
    assert.ok(!renderPage(model({ bridge: 'running' })).includes('id="bridge"'));
  });

  test('downloadHref percent-encodes the id', () => {
    assert.equal(downloadHref('a/b?c'), '/files/a%2Fb%3Fc');
  });
});

describe('the page in headless Chromium', () => {
  test(
    'shows the three uploaded files in the Drive tree',
    { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium)` },
    async () => {
      const { chromium } = await import('playwright-core');
      const options = { ...parseSandboxOptions(['--port', '0', '--first-reconcile-after', '600'], {}) };
      const sandbox = await startSandbox(
        options,
        createSandboxLog(() => undefined),
      );
      const vars = sandbox.banner.variables;
      const names = ['readme.txt', 'photos/2026/<sunset> "été".jpg', 'notes & ideas.md'];
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const bucket = new Storage({ apiEndpoint: vars.STORAGE_EMULATOR_HOST, projectId: 'x' }).bucket(vars.SOURCE_BUCKET);
        await Promise.all(names.map((n, i) => bucket.file(n).save(Buffer.alloc(1000 * (i + 1), n))));

        const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
        await page.goto(sandbox.banner.pageUrl);
        const tree = page.locator('#drive');
        for (const name of names) {
          const leaf = name.split('/').pop() as string;
          // Not there on the first load: the page refreshes itself until the function has backed it up.
          await tree.locator('li.file a.name', { hasText: leaf }).first().waitFor({ timeout: 0 }); // on progress: no wall-clock budget (the runner's timeout catches a hang)
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
    },
  );
});
