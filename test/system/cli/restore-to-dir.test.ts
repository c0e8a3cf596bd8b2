/**
 * `gcs-drive-backup restore --to-dir DIR` with hostile names, through the command against objects backed
 * up by the event function: nothing is written outside DIR, names that cannot be paths are mapped and
 * listed in restore-names.tsv with their bytes intact, a file/folder clash is mapped too, a symbolic link
 * in DIR leads nowhere, and a second run writes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRestoreCommand } from '../../../src/cli/restore-command.js';
import { startFunctionWorld, type FunctionWorld } from '../../../harness/function-world.js';
import { testBytes, type World } from '../../support/world.js';
import { recordingIO } from './support.js';
import { backUp, RecordedCatalog } from './restore-support.js';

let setup: FunctionWorld;
let world: World;
let parent: string;
const catalog = new RecordedCatalog();
const restore = makeRestoreCommand(() => Promise.resolve(catalog));

const NAMES = [
  'ok/file.txt',
  'unicode/ünï cødé/文件 名.txt',
  'dots/../../../escape.txt',
  '../up.txt',
  '/etc/passwd-like',
  'runs//of///slashes/y.bin',
  `long/${'n'.repeat(995)}`,
  'ctl/tab\there\u0001.txt',
  'restore-names.tsv',
  '.restore-mapped/sneaky',
  'clash',
  'clash/inner.txt',
];
const content = (name: string) => testBytes(50 + name.length, name);

/** Every path under `dir`, relative, folders with a trailing `/`. */
async function tree(dir: string, under = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, under), { withFileTypes: true })) {
    const rel = under === '' ? entry.name : `${under}/${entry.name}`;
    if (entry.isDirectory()) out.push(`${rel}/`, ...(await tree(dir, rel)));
    else out.push(rel);
  }
  return out;
}

before(async () => {
  setup = await startFunctionWorld({ targets: ['event'] });
  world = setup;
  for (const name of NAMES) {
    const file = world.storage.bucket(world.sourceBucket).file(name);
    await file.save(content(name), { resumable: false });
    await backUp(world, setup.url('event'), catalog, file);
  }
  parent = await mkdtemp(join(tmpdir(), 'gdb-restore-'));
});

after(async () => {
  await setup?.stop();
  if (parent) await rm(parent, { recursive: true, force: true });
});

/** The object names restore-names.tsv maps, by path (unescaping only what these names use). */
async function mappedNames(dir: string): Promise<Map<string, string>> {
  const text = await readFile(join(dir, 'restore-names.tsv'), 'utf8');
  const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  return new Map(
    lines
      .map((l) => l.split('\t') as [string, string])
      .map(([path, name]) => [path, name.replace(/\\t/g, '\t').replace(/\\x01/g, '\u0001')]),
  );
}

describe('restore --to-dir', () => {
  test('hostile names: nothing outside DIR, odd names mapped and listed, bytes intact; a second run writes nothing', async () => {
    const dir = join(parent, 'out');
    const io = recordingIO(['--to-dir', dir], world.env);
    assert.equal(await restore(io), 0, io.err.join('') + io.out.join(''));
    assert.deepEqual(await readdir(parent), ['out'], 'nothing beside DIR');

    const mapped = await mappedNames(dir);
    const placed = new Map<string, string>();
    for (const [path, name] of mapped) placed.set(name, path);
    for (const name of NAMES) {
      const path = placed.get(name) ?? name;
      assert.ok((await readFile(join(dir, ...path.split('/')))).equals(content(name)), `the bytes of ${JSON.stringify(name)} at ${path}`);
    }
    for (const name of ['dots/../../../escape.txt', '../up.txt', '/etc/passwd-like', 'runs//of///slashes/y.bin', `long/${'n'.repeat(995)}`])
      assert.match(placed.get(name) ?? '', /^\.restore-mapped\/[0-9a-f]{64}$/, `${name.slice(0, 40)} is mapped`);
    assert.ok(placed.has('ctl/tab\there\u0001.txt') && placed.has('restore-names.tsv') && placed.has('.restore-mapped/sneaky'));
    assert.ok(placed.has('clash') !== placed.has('clash/inner.txt'), 'one side of the file/folder clash is mapped');
    const files = (await tree(dir)).filter((p) => !p.endsWith('/'));
    for (const path of files) assert.ok(!path.includes('..') && !path.startsWith('/'), path);
    assert.ok(!files.some((p) => p.startsWith('.restore-partial/')), 'no partial file left');

    world.emulators.hub.resetCounters();
    const again = recordingIO(['--to-dir', dir], world.env);
    assert.equal(await restore(again), 0, again.err.join(''));
    assert.equal(world.emulators.hub.total('drive.files.download'), 0, 'nothing downloaded again');
    assert.match(
      again.out.join(''),
      new RegExp(`restored 0 of ${NAMES.length} object\\(s\\) into .*, ${NAMES.length} already there, 0 problem`),
    );
  });

  test('a symbolic link inside DIR does not lead a file out of it', async () => {
    const dir = join(parent, 'linked');
    const outside = join(parent, 'outside');
    await mkdir(dir, { recursive: true });
    await mkdir(outside);
    await symlink(outside, join(dir, 'ok'));
    const io = recordingIO(['--to-dir', dir, '--prefix', 'ok/'], world.env);
    assert.equal(await restore(io), 1);
    assert.match(io.err.join(''), /^failed ok\/file\.txt: .*outside/m);
    assert.deepEqual(await readdir(outside), [], 'nothing written through the link');
  });
});
