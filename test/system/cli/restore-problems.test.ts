/**
 * `gcs-drive-backup restore` when things go wrong, through the command against the emulators: a download
 * cut mid-body and a Drive 503 (restored once, byte-exact, and a second run writes nothing); Drive's
 * download limits, a Drive file gone, a purged revision and a copy that does not verify (reported per
 * object, the run goes on, exit 1); a dry run that writes nothing; and where a restore may not write.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '@gcs-drive-backup/emulators';
import { makeRestoreCommand } from '../../../src/cli/restore-command.js';
import type { BackedUpGeneration } from '../../../src/restore/catalog.js';
import { startFunctionWorld, type FunctionWorld } from '../../../harness/function-world.js';
import { md5Hex, testBytes, type World } from '../../support/world.js';
import { recordingIO } from './support.js';
import { backUp, bucketContents, clockPast, RecordedCatalog } from './restore-support.js';

const MiB = 1024 * 1024;
/**
 * The cut object: cut after CUT bytes, more than the socket buffers of both ends hold (32 + 4 MiB here),
 * so the restore has certainly taken bytes when the cut comes, whatever the machine's speed.
 */
const BIG = 64 * MiB;
const CUT = 48 * MiB + 123;
let setup: FunctionWorld;
let world: World;
const catalog = new RecordedCatalog();
/** The emulators' clock: Drive purges revisions on it. */
const clock = new ManualClock();
const restore = makeRestoreCommand(() => Promise.resolve(catalog));
let firstMoment = '';

async function put(name: string, content: Buffer): Promise<void> {
  const file = world.storage.bucket(world.sourceBucket).file(name);
  await file.save(content, { resumable: false });
  await backUp(world, setup.url('event'), catalog, file);
}

const entryOf = (name: string): BackedUpGeneration => {
  const found = catalog.list.filter((e) => e.kind === 'generation' && e.value.name === name).at(-1);
  assert.ok(found?.kind === 'generation');
  return found.value;
};

let bucketNumber = 0;
async function emptyBucket(): Promise<string> {
  const name = `restore-target-${++bucketNumber}`;
  await world.storage.createBucket(name);
  return name;
}

function faultOnDownload(nameInPath: string, action: Parameters<World['emulators']['hub']['faults']['add']>[0]['action'], extra = {}) {
  world.emulators.hub.faults.add({ route: 'drive.files.download', path: nameInPath, action, ...extra });
}

before(async () => {
  setup = await startFunctionWorld({ targets: ['event'], env: { MULTIPART_MAX_MIB: '5' }, clock });
  world = setup;
  await put('cut/big.bin', testBytes(BIG, 'big'));
  await put('flaky/503.bin', testBytes(200_000, '503'));
  await put('twice/x.txt', Buffer.from('first'));
  firstMoment = new Date(await clockPast(Date.now())).toISOString();
  await clockPast(Date.parse(firstMoment));
  await put('twice/x.txt', Buffer.from('second'));
  for (const name of ['limits/quota.bin', 'limits/abuse.bin', 'gone/file.bin', 'bad/md5.bin']) await put(name, testBytes(1000, name));
});

after(async () => {
  await setup?.stop();
});

describe('restore through faults', () => {
  test('a download cut mid-body continues at its next byte: restored once, byte-exact; a second run writes nothing', async () => {
    const target = await emptyBucket();
    const { driveFileId } = entryOf('cut/big.bin');
    faultOnDownload(driveFileId, { kind: 'reset', direction: 'response', afterBytes: CUT });
    world.emulators.hub.resetCounters();
    try {
      const io = recordingIO(['--to', `gs://${target}`, '--prefix', 'cut/'], world.env);
      assert.equal(await restore(io), 0, io.err.join(''));
    } finally {
      world.emulators.hub.faults.clear();
    }
    const restored = await bucketContents(world, target);
    assert.equal(md5Hex(restored.get('cut/big.bin')?.content ?? Buffer.alloc(0)), md5Hex(testBytes(BIG, 'big')));
    assert.equal(world.emulators.hub.total('drive.files.download'), 2, 'the whole, then the rest from its next byte');
    assert.equal(world.emulators.hub.total('gcs.upload.resumable.start'), 1, 'one upload');

    world.emulators.hub.resetCounters();
    const again = recordingIO(['--to', `gs://${target}`, '--prefix', 'cut/'], world.env);
    assert.equal(await restore(again), 0);
    assert.equal(world.emulators.hub.total('gcs.upload.'), 0);
    assert.equal(world.emulators.hub.total('drive.files.download'), 0);
    assert.match(again.out.join(''), /^exists cut\/big\.bin/m);
  });

  test('a Drive 503 on the download is retried: restored once, byte-exact', async () => {
    const target = await emptyBucket();
    faultOnDownload(entryOf('flaky/503.bin').driveFileId, { kind: 'status', status: 503 });
    world.emulators.hub.resetCounters();
    try {
      const io = recordingIO(['--to', `gs://${target}`, '--prefix', 'flaky/'], world.env);
      assert.equal(await restore(io), 0, io.err.join(''));
    } finally {
      world.emulators.hub.faults.clear();
    }
    const restored = await bucketContents(world, target);
    assert.ok(restored.get('flaky/503.bin')?.content.equals(testBytes(200_000, '503')));
    assert.equal(world.emulators.hub.total('drive.files.download'), 2);
    // 200,000 bytes: a single-request upload (src/restore/to-bucket.ts).
    assert.equal(
      world.emulators.hub.total('gcs.upload.multipart') + world.emulators.hub.total('gcs.upload.resumable.start'),
      1,
      'one upload',
    );
  });
});

describe('problems are reported per object and the run goes on', () => {
  test("Drive's download quota, an abuse flag, a file gone and a copy that does not verify: exit 1, the rest restored", async () => {
    const target = await emptyBucket();
    const quota = {
      code: 403,
      message: 'The download quota for this file has been exceeded.',
      errors: [{ reason: 'downloadQuotaExceeded' }],
    };
    faultOnDownload(entryOf('limits/quota.bin').driveFileId, { kind: 'status', status: 403, body: { error: quota } }, { times: 0 });
    const abuse = {
      code: 403,
      message: 'This file has been identified as malware or spam and cannot be downloaded.',
      errors: [{ reason: 'cannotDownloadAbusiveFile' }],
    };
    faultOnDownload(
      `${entryOf('limits/abuse.bin').driveFileId}.*acknowledgeAbuse=false`,
      { kind: 'status', status: 403, body: { error: abuse } },
      { times: 0 },
    );
    await world.drive.files.delete({ fileId: entryOf('gone/file.bin').driveFileId });
    const bad = entryOf('bad/md5.bin');
    const recordedMd5 = bad.md5Hash;
    bad.md5Hash = Buffer.alloc(16, 7).toString('base64');
    try {
      const io = recordingIO(['--to', `gs://${target}`, '--exclude', 'cut/**'], world.env);
      assert.equal(await restore(io), 1);
      const err = io.err.join('');
      assert.match(err, /^drive-limit limits\/quota\.bin: .*downloadQuotaExceeded.*run the same command again/m);
      assert.match(err, /^drive-limit limits\/abuse\.bin: .*cannotDownloadAbusiveFile.*--acknowledge-abuse/m);
      assert.match(err, /^missing-in-drive gone\/file\.bin: generation \d+; Drive file \S+ is gone/m);
      assert.match(err, /^mismatch bad\/md5\.bin: .*differ from the recorded hash: Cloud Storage refused the copy.*nothing was kept/m);
      const out = io.out.join('');
      assert.match(out, /^to resume: run the same command again/m);
      assert.match(out, /4 problem\(s\)/);
      const restored = await bucketContents(world, target);
      assert.deepEqual([...restored.keys()].sort(), ['flaky/503.bin', 'twice/x.txt'], 'the rest restored; no bad copy kept');

      const acknowledged = recordingIO(['--to', `gs://${target}`, '--prefix', 'limits/abuse', '--acknowledge-abuse'], world.env);
      assert.equal(await restore(acknowledged), 0, acknowledged.err.join(''));
      assert.match(acknowledged.out.join(''), /^restored limits\/abuse\.bin/m);
    } finally {
      world.emulators.hub.faults.clear();
      world.emulators.drive.setAbusive(entryOf('limits/abuse.bin').driveFileId, false);
      bad.md5Hash = recordedMd5;
    }
  });

  test('--dry-run writes nothing and names a purged revision; the coverage report ends it', async () => {
    const target = await emptyBucket();
    // Drive purges a revision not kept forever 30 days after a newer one came.
    await clock.advance(31 * 86_400_000);
    world.emulators.hub.resetCounters();
    const io = recordingIO(['--to', `gs://${target}`, '--at', firstMoment, '--dry-run'], world.env);
    assert.equal(await restore(io), 1);
    assert.equal(world.emulators.hub.total('gcs.upload.'), 0);
    assert.equal(world.emulators.hub.total('drive.files.download') + world.emulators.hub.total('drive.revisions.get'), 0);
    assert.match(io.err.join(''), /^revision-purged twice\/x\.txt: generation \d+; Drive no longer keeps revision/m);
    const out = io.out.join('');
    assert.match(out, /^restore cut\/big\.bin: generation \d+; 64.0 MiB, Drive revision \S+$/m);
    assert.match(out, /^ {2}restore {12}2$/m);
    assert.match(out, /^ {2}revision-purged {4}1$/m);
    assert.match(out, /^dry run: would restore 2 of 3 object\(s\)/m);
  });
});

describe('holds', () => {
  test("an object under a hold: exists without --overwrite; with it, refused with Cloud Storage's reason, and the run goes on", async () => {
    const target = await emptyBucket();
    await world.storage
      .bucket(target)
      .file('twice/x.txt')
      .save('held', { resumable: false, metadata: { temporaryHold: true } });
    const io = recordingIO(['--to', `gs://${target}`, '--prefix', 'twice/'], world.env);
    assert.equal(await restore(io), 0, io.err.join(''));
    assert.match(io.out.join(''), /^exists twice\/x\.txt: generation \d+; differs from the backup: --overwrite replaces it$/m);
    const overwrite = recordingIO(['--to', `gs://${target}`, '--overwrite', '--include', 'twice/*,flaky/*'], world.env);
    assert.equal(await restore(overwrite), 1);
    assert.match(
      overwrite.err.join(''),
      /^refused twice\/x\.txt: generation \d+; Cloud Storage replied 403: Object '.*twice\/x\.txt' is under active Temporary hold/m,
    );
    assert.match(overwrite.out.join(''), /^restored flaky\/503\.bin/m);
    const [held] = await world.storage.bucket(target).file('twice/x.txt').download();
    assert.equal(held.toString(), 'held', 'the held object untouched');
  });
});

describe('where a restore may write', () => {
  test('never into the state bucket, nor the source bucket without --into-source; RESTORE_BUCKETS when set', async () => {
    const state = recordingIO(['--to', `gs://${world.stateBucket}`, '--dry-run'], world.env);
    assert.equal(await restore(state), 1);
    assert.match(state.err.join(''), /is the state bucket \(STATE_BUCKET\): restore writes there only when RESTORE_BUCKETS lists it/);
    const source = recordingIO(['--to', `gs://${world.sourceBucket}/copy/`, '--dry-run'], world.env);
    assert.equal(await restore(source), 1);
    assert.match(source.err.join(''), /is the watched source bucket: .* pass --into-source/);
    const allowed = recordingIO(['--to', `gs://${world.sourceBucket}/copy/`, '--dry-run', '--into-source', '--prefix', 'cut/'], world.env);
    assert.equal(await restore(allowed), 0, allowed.err.join(''));
    const other = await emptyBucket();
    const unlisted = recordingIO(['--to', `gs://${other}`, '--dry-run'], { ...world.env, RESTORE_BUCKETS: 'somewhere-else' });
    assert.equal(await restore(unlisted), 1);
    assert.match(unlisted.err.join(''), /is not in RESTORE_BUCKETS \(somewhere-else\)/);
  });
});
