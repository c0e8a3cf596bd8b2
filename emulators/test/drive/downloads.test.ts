/**
 * Contract tests of what a restore downloads from Drive, through `@googleapis/drive` (raw HTTP for the
 * control routes): revisions.list pages, `alt=media` on files and on revisions with `Range` (206 and
 * `Content-Range`, 416), files flagged as abusive (403 cannotDownloadAbusiveFile unless
 * `acknowledgeAbuse=true`) and the per-file download quota (403 downloadQuotaExceeded, cleared when its
 * window ends on the hub clock).
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { ManualClock, type Emulators } from '../../index.js';
import { md5Hex, reasonOf, rejection, startWithDrive, testBytes, type ClientError, type DriveClient } from './helpers.js';
import { control } from '../../../emulators/control.js';

const DAY_MS = 24 * 3600 * 1000;

let emu: Emulators;
let c: DriveClient;
const clock = new ManualClock();

before(async () => ({ emu, c } = await startWithDrive({ clock })));
after(() => emu.stop());
beforeEach(() => emu.hub.limits.set({ drive: { fileDownloads: null } }));

async function upload(name: string, bytes: Buffer): Promise<string> {
  const res = await c.drive.files.create(
    { requestBody: { name }, media: { mimeType: 'application/octet-stream', body: Readable.from([bytes]) }, fields: 'id' },
    c.media,
  );
  return res.data.id!;
}

async function revise(fileId: string, bytes: Buffer): Promise<void> {
  await c.drive.files.update({ fileId, media: { mimeType: 'application/octet-stream', body: Readable.from([bytes]) } }, c.media);
}

type Download = { status: number; bytes: Buffer; headers: Headers };
const asDownload = (res: { status: number; data: unknown; headers: unknown }): Download => ({
  status: res.status,
  bytes: Buffer.from(res.data as ArrayBuffer),
  headers: res.headers as Headers,
});

async function getFile(fileId: string, opts: { range?: string; acknowledgeAbuse?: boolean } = {}): Promise<Download> {
  const headers: Record<string, string> = opts.range ? { range: opts.range } : {};
  const res = await c.drive.files.get(
    { fileId, alt: 'media', acknowledgeAbuse: opts.acknowledgeAbuse },
    { responseType: 'arraybuffer', headers },
  );
  return asDownload(res);
}

async function getRevision(
  fileId: string,
  revisionId: string,
  opts: { range?: string; acknowledgeAbuse?: boolean } = {},
): Promise<Download> {
  const headers: Record<string, string> = opts.range ? { range: opts.range } : {};
  const res = await c.drive.revisions.get(
    { fileId, revisionId, alt: 'media', acknowledgeAbuse: opts.acknowledgeAbuse },
    { responseType: 'arraybuffer', headers },
  );
  return asDownload(res);
}

/** The JSON error of a media call made with responseType arraybuffer. */
function errorBody(err: ClientError): { code: number; message: string; errors: Array<Record<string, string>> } {
  const data = err.response?.data as unknown;
  const text = data instanceof ArrayBuffer ? Buffer.from(data).toString() : JSON.stringify(data);
  return (JSON.parse(text) as { error: { code: number; message: string; errors: Array<Record<string, string>> } }).error;
}

const revisionIds = async (fileId: string) => (await c.drive.revisions.list({ fileId })).data.revisions!.map((r) => r.id!);

describe('revisions and ranged downloads', () => {
  test('revisions.list pages by pageSize (default 200, at most 1000) and nextPageToken', async () => {
    const id = await upload('paged.bin', Buffer.from('v0'));
    for (let i = 1; i < 5; i++) await revise(id, Buffer.from(`v${i}`));
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const res = await c.drive.revisions.list({ fileId: id, pageSize: 2, pageToken, fields: 'nextPageToken,revisions(id,md5Checksum)' });
      assert.ok(res.data.revisions!.length <= 2);
      seen.push(...res.data.revisions!.map((r) => r.md5Checksum!));
      pageToken = res.data.nextPageToken ?? undefined;
      pages++;
    } while (pageToken);
    assert.equal(pages, 3);
    assert.deepEqual(
      seen,
      [0, 1, 2, 3, 4].map((i) => md5Hex(Buffer.from(`v${i}`))),
    );
    const all = await c.drive.revisions.list({ fileId: id, pageSize: 5000 });
    assert.equal(all.data.revisions!.length, 5);
    assert.equal(all.data.nextPageToken, undefined);
    const bad = await rejection(c.drive.revisions.list({ fileId: id, pageSize: 0 }));
    assert.equal(bad.status, 400);
    assert.equal(reasonOf(bad), 'invalid');
    const badToken = await rejection(c.drive.revisions.list({ fileId: id, pageToken: 'nonsense' }));
    assert.equal(badToken.status, 400);
  });

  test('alt=media on a file and on an older revision, whole (200) and by Range (206 with Content-Range); 416 past the end', async () => {
    const v1 = testBytes(3000, 1);
    const v2 = testBytes(5000, 2);
    const id = await upload('ranged.bin', v1);
    await revise(id, v2);
    const [old, head] = await revisionIds(id);

    const whole = await getRevision(id, old!);
    assert.equal(whole.status, 200);
    assert.ok(whole.bytes.equals(v1));
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');

    const part = await getRevision(id, old!, { range: 'bytes=1000-1999' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), 'bytes 1000-1999/3000');
    assert.equal(part.headers.get('content-length'), '1000');
    assert.ok(part.bytes.equals(v1.subarray(1000, 2000)));

    const rest = await getRevision(id, head!, { range: 'bytes=4000-' });
    assert.equal(rest.status, 206);
    assert.equal(rest.headers.get('content-range'), 'bytes 4000-4999/5000');
    assert.ok(rest.bytes.equals(v2.subarray(4000)));

    const filePart = await getFile(id, { range: 'bytes=10-19' });
    assert.equal(filePart.status, 206);
    assert.ok(filePart.bytes.equals(v2.subarray(10, 20)));

    const past = await rejection(getRevision(id, old!, { range: 'bytes=3000-' }));
    assert.equal(past.status, 416);
    assert.equal((past.response!.headers as Headers).get('content-range'), 'bytes */3000');
    assert.equal(errorBody(past).errors[0]!.reason, 'requestedRangeNotSatisfiable');

    const gone = await rejection(getRevision(id, 'no-such-revision'));
    assert.equal(gone.status, 404);
  });
});

describe('acknowledgeAbuse', () => {
  test('a flagged file answers 403 cannotDownloadAbusiveFile, on the file and its revisions, unless acknowledgeAbuse=true', async () => {
    const bytes = testBytes(100, 3);
    const id = await upload('flagged.exe', bytes);
    await revise(id, testBytes(50, 4));
    const flagged = await control(emu.env.DRIVE_EMULATOR_HOST, 'POST', 'drive/abuse', { fileId: id });
    assert.deepEqual(flagged, { status: 200, json: { fileId: id, abusive: true } });

    const [old] = await revisionIds(id);
    for (const refused of [await rejection(getFile(id)), await rejection(getRevision(id, old!))]) {
      assert.equal(refused.status, 403);
      assert.deepEqual(errorBody(refused), {
        code: 403,
        message: 'This file has been identified as malware or spam and cannot be downloaded.',
        errors: [
          {
            message: 'This file has been identified as malware or spam and cannot be downloaded.',
            domain: 'global',
            reason: 'cannotDownloadAbusiveFile',
          },
        ],
      });
    }
    assert.equal((await rejection(getFile(id, { acknowledgeAbuse: false }))).status, 403);

    assert.ok((await getRevision(id, old!, { acknowledgeAbuse: true })).bytes.equals(bytes));
    const acknowledged = await getFile(id, { acknowledgeAbuse: true, range: 'bytes=0-9' });
    assert.equal(acknowledged.status, 206);
    // Metadata stays readable.
    assert.equal((await c.drive.files.get({ fileId: id, fields: 'size' })).data.size, '50');

    await control(emu.env.DRIVE_EMULATOR_HOST, 'POST', 'drive/abuse', { fileId: id, abusive: false });
    assert.equal((await getFile(id)).status, 200);
  });

  test('acknowledgeAbuse=true on a file that is not flagged downloads it as usual', async () => {
    const id = await upload('clean.bin', Buffer.from('clean'));
    assert.equal((await getFile(id, { acknowledgeAbuse: true })).bytes.toString(), 'clean');
  });

  test('the control route refuses what it cannot flag', async () => {
    assert.equal((await control(emu.env.DRIVE_EMULATOR_HOST, 'POST', 'drive/abuse', {})).status, 400);
    assert.equal((await control(emu.env.DRIVE_EMULATOR_HOST, 'POST', 'drive/abuse', { fileId: 'nope' })).status, 400);
  });
});

describe('downloadQuotaExceeded', () => {
  const QUOTA_MESSAGE = 'The download quota for this file has been exceeded.';

  test('a count per file per window: the next download is refused until the window (hub clock) ends', async () => {
    const limits = await control(emu.env.DRIVE_EMULATOR_HOST, 'POST', 'limits', { drive: { fileDownloads: { downloads: 2 } } });
    assert.deepEqual((limits.json.limits as { drive: Record<string, unknown> }).drive.fileDownloads, {
      downloads: 2,
      bytes: null,
      windowMs: DAY_MS,
    });
    const id = await upload('popular.bin', Buffer.from('popular'));
    const other = await upload('other.bin', Buffer.from('other'));
    const [rev] = await revisionIds(id);
    await getFile(id);
    await clock.advance(DAY_MS / 2);
    await getRevision(id, rev!, { range: 'bytes=0-0' });
    const refused = await rejection(getFile(id));
    assert.equal(refused.status, 403);
    assert.deepEqual(errorBody(refused), {
      code: 403,
      message: QUOTA_MESSAGE,
      errors: [{ message: QUOTA_MESSAGE, domain: 'global', reason: 'downloadQuotaExceeded' }],
    });
    assert.equal((await rejection(getRevision(id, rev!))).status, 403, 'revisions share the file count');
    assert.equal((await getFile(other)).status, 200, 'other files keep their own count');
    assert.equal((await c.drive.files.get({ fileId: id, fields: 'id' })).status, 200, 'metadata is not a download');

    await clock.advance(DAY_MS / 2 - 1);
    assert.equal((await rejection(getFile(id))).status, 403, 'one millisecond before the window ends');
    await clock.advance(1);
    assert.equal((await getFile(id)).bytes.toString(), 'popular');
  });

  test('bytes per window: ranged downloads count what they send; a download in progress is not cut', async () => {
    await control(emu.env.DRIVE_EMULATOR_HOST, 'POST', 'limits', { drive: { fileDownloads: { bytes: 10, windowMs: 60_000 } } });
    const bytes = testBytes(64, 9);
    const id = await upload('bytes.bin', bytes);
    assert.equal((await getFile(id, { range: 'bytes=0-5' })).bytes.length, 6);
    assert.ok((await getFile(id)).bytes.equals(bytes), 'started under the limit: sent whole');
    assert.equal((await rejection(getFile(id, { range: 'bytes=0-0' }))).status, 403);
    await clock.advance(60_000);
    assert.equal((await getFile(id, { range: 'bytes=0-0' })).status, 206);
  });

  test('the limit is validated', async () => {
    for (const bad of [{ downloads: 0 }, {}, { bytes: -1 }, { downloads: 1, windowMs: 0 }, { downloads: 1, extra: 1 }]) {
      const res = await control(emu.env.DRIVE_EMULATOR_HOST, 'POST', 'limits', { drive: { fileDownloads: bad } });
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.match(String(res.json.error), /fileDownloads/);
    }
  });
});
