/**
 * The documentation's links hold: every relative link in the README, docs/*.md and the folders' own
 * READMEs points at a file or folder that exists, and every `#anchor` at a heading of its page, named as
 * GitHub names heading anchors. Links to the web are not followed (the tests run offline). Code blocks
 * and code spans are not links. No emulator, no process: files only.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/** The pages checked, relative to the repository root. */
function pages(): string[] {
  const docs = existsSync(join(ROOT, 'docs'))
    ? readdirSync(join(ROOT, 'docs'))
        .filter((name) => name.endsWith('.md'))
        .map((name) => `docs/${name}`)
    : [];
  const readmes = ['README.md', 'emulators/README.md', 'bench/README.md', 'terraform/README.md'].filter((page) =>
    existsSync(join(ROOT, page)),
  );
  return [...readmes, ...docs].sort();
}

/** Each line of `markdown`, or undefined for the lines of fenced code blocks (fences included). */
function outsideFences(markdown: string): (string | undefined)[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker) {
      fence = marker[0];
      return undefined;
    }
    if (fence !== undefined) {
      if (marker?.[0] === fence) fence = undefined;
      return undefined;
    }
    return line;
  });
}

/** The targets of inline links and images, `[text](target "title")`, with their 1-based line numbers. */
function linksOf(markdown: string): { line: number; target: string }[] {
  return outsideFences(markdown).flatMap((line, index) =>
    [...(line ?? '').replace(/`[^`]*`/g, '``').matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => ({
      line: index + 1,
      target: m[1],
    })),
  );
}

/** GitHub's anchor for a heading: its text as rendered, lower case, punctuation dropped, spaces as `-`. */
function slugOf(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '').replace(/\s/g, '-');
}

/** Every anchor a page offers: its headings' slugs, a repeated one suffixed `-1`, `-2`, … as GitHub does. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of outsideFences(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line ?? '')?.[1];
    if (heading === undefined) continue;
    const slug = slugOf(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** What is wrong with one link of `page`, or undefined when it holds. */
function problemOf(page: string, target: string, read: (path: string) => string | undefined): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const hash = target.indexOf('#');
  const path = hash === -1 ? target : target.slice(0, hash);
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const file = path === '' ? page : relative(ROOT, resolve(ROOT, dirname(page), decodeURIComponent(path)));
  if (file.startsWith('..')) return `${target} leaves the repository`;
  if (!existsSync(join(ROOT, file))) return `${target}: no file ${file}`;
  if (anchor === undefined || !file.endsWith('.md')) return undefined;
  const text = read(file);
  if (text === undefined) return `${target}: ${file} is not a page`;
  return anchorsOf(text).has(anchor) ? undefined : `${target}: no heading #${anchor} in ${file}`;
}

const readPage = (file: string): string | undefined => {
  try {
    return readFileSync(join(ROOT, file), 'utf8');
  } catch {
    return undefined;
  }
};

describe('documentation links', () => {
  test('every relative link and #anchor points at an existing file and heading', () => {
    const checked = pages();
    assert.ok(checked.includes('README.md') && checked.some((p) => p.startsWith('docs/')), `pages found: ${checked.join(', ')}`);
    const broken = checked.flatMap((page) =>
      linksOf(readPage(page) ?? '').flatMap(({ line, target }) => {
        const problem = problemOf(page, target, readPage);
        return problem === undefined ? [] : [`${page}:${line}: ${problem}`];
      }),
    );
    assert.deepEqual(broken, []);
  });

  test('headings become GitHub anchors', () => {
    const rows: [heading: string, anchor: string][] = [
      ['Bursts: `DISPATCH=direct` or `tasks`', 'bursts-dispatchdirect-or-tasks'],
      ["Google's limits, and what the backup does", 'googles-limits-and-what-the-backup-does'],
      ['Deploy (Terraform)', 'deploy-terraform'],
      ['Measured: 2,000 objects at once', 'measured-2000-objects-at-once'],
      ['The sandbox: `npm start`', 'the-sandbox-npm-start'],
      ['Dispatch through Cloud Tasks (`dispatch = "tasks"`)', 'dispatch-through-cloud-tasks-dispatch--tasks'],
      ['A [linked](x.md) heading', 'a-linked-heading'],
      ['Été à Zürich', 'été-à-zürich'],
      ['Why `--scope drive`?', 'why---scope-drive'],
    ];
    assert.deepEqual(
      rows.map(([heading]) => slugOf(heading)),
      rows.map(([, anchor]) => anchor),
    );
    assert.deepEqual([...anchorsOf('# A\n## A\n```\n# not a heading\n```\n## A')], ['a', 'a-1', 'a-2']);
  });

  test('links are found outside code only, and a broken one is caught', () => {
    const page = 'docs/example.md';
    const markdown = [
      'See [the README](../README.md#try-it), [the web](https://example.com/#x) and [here](#intro).',
      '`[not](a-link.md)` in code',
      '```',
      '[nor](this.md)',
      '```',
      '![image](../missing.png)',
    ].join('\n');
    assert.deepEqual(linksOf(markdown), [
      { line: 1, target: '../README.md#try-it' },
      { line: 1, target: 'https://example.com/#x' },
      { line: 1, target: '#intro' },
      { line: 6, target: '../missing.png' },
    ]);
    const pagesByName: Record<string, string> = { [page]: '# Example\n## Intro\n', 'README.md': '# x\n## Try it\n' };
    const read = (file: string) => pagesByName[file] ?? readPage(file);
    assert.equal(problemOf('README.md', 'docs/no-such-page.md', read), 'docs/no-such-page.md: no file docs/no-such-page.md');
    assert.equal(problemOf('README.md', '#no-such-heading', read), '#no-such-heading: no heading #no-such-heading in README.md');
    assert.equal(problemOf('README.md', 'https://example.com/missing', read), undefined);
    assert.equal(problemOf('README.md', 'package.json', read), undefined);
  });
});
