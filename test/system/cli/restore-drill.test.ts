/**
 * `gcs-drive-backup verify --restore N`, the restore drill, against objects backed up by the event
 * function: it passes on a healthy backup with one `restoreDrill` line, and fails with its line (the
 * object and the reason) when the newest object's Drive file was changed behind the backup's back.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runtimeForCommand } from '../../../src/cli/command-runtime.js';
import { makeDrill } from '../../../src/cli/restore-drill.js';
import { startFunctionWorld, type FunctionWorld } from '../../../harness/function-world.js';
import { testBytes, type World } from '../../support/world.js';
import { recordingIO } from './support.js';
import { backUp, clockPast, RecordedCatalog } from './restore-support.js';

let setup: FunctionWorld;
let world: World;
const catalog = new RecordedCatalog();
const drill = makeDrill(() => Promise.resolve(catalog));

before(async () => {
  setup = await startFunctionWorld({ targets: ['event'] });
  world = setup;
  for (const name of ['d/1.bin', 'd/2.bin', 'd/3.bin', 'd/4.bin', 'newest.bin']) {
    await clockPast(Date.now());
    const file = world.storage.bucket(world.sourceBucket).file(name);
    await file.save(testBytes(5000, name), { resumable: false });
    await backUp(world, setup.url('event'), catalog, file);
  }
});

after(async () => {
  await setup?.stop();
});

async function runDrill(count: number) {
  const io = recordingIO([], world.env);
  const runtime = await runtimeForCommand(io, {}, true);
  const code = await drill(io, runtime, world.sourceBucket, count);
  const lines = io.err
    .join('')
    .split('\n')
    .filter((l) => l.includes('"restoreDrill"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, io, lines };
}

describe('verify --restore N', () => {
  test('a healthy backup: passed, one restoreDrill line', async () => {
    const { code, io, lines } = await runDrill(3);
    assert.equal(code, 0, io.err.join(''));
    assert.equal(lines.length, 1);
    assert.equal(lines[0].passed, true);
    assert.equal(lines[0].checked, 3);
    assert.equal(lines[0].severity, 'INFO');
    assert.match(io.out.join(''), /^verify --restore: passed: 3 object\(s\) restored into memory and compared$/m);
  });

  test("the newest object's Drive file changed behind the backup's back: failed, with the object and the reason", async () => {
    const newest = catalog.list.at(-1);
    assert.ok(newest?.kind === 'generation' && newest.value.name === 'newest.bin');
    const { driveFileId, driveRevisionId } = newest.value;
    await world.drive.files.update(
      { fileId: driveFileId, media: { body: 'someone else wrote this' } },
      { rootUrl: `${world.emulators.env.DRIVE_EMULATOR_HOST}/` },
    );
    await world.drive.revisions.delete({ fileId: driveFileId, revisionId: driveRevisionId as string });
    const { code, io, lines } = await runDrill(1);
    assert.equal(code, 1);
    assert.equal(lines.length, 1);
    assert.equal(lines[0].passed, false);
    assert.equal(lines[0].severity, 'ERROR');
    assert.deepEqual(
      (lines[0].failures as { name: string }[]).map((f) => f.name),
      ['newest.bin'],
    );
    assert.match(
      String(lines[0].message),
      /restore drill of gs:\/\/source-bucket: FAILED: 1 of 1 object\(s\) did not restore, first newest\.bin#\d+: revision-purged/,
    );
    assert.match(io.err.join(''), /^ {2}newest\.bin#\d+: revision-purged: /m);
  });
});
