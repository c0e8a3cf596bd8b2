/**
 * The least work that copies a Drive file back into Cloud Storage, as the baseline of `restore`: one
 * token refresh at the OAuth emulator, the file's `alt=media` download, one resumable session opened by
 * a raw POST (with `ifGenerationMatch=0`, as restore writes), and the download sent to the session the way
 * the product's restore sends it: with `chunkBytes` 0 in one streamed PUT (`Content-Range: bytes
 * 0-LAST/SIZE`), else one chunk-sized buffer PUT at a time. No state, no retries, no hashing; the copy is
 * checked only by the MD5 Cloud Storage's last reply gives.
 */
import { inBuffers, openResumableSession, refreshAccessToken, type RawEmulators } from './raw-client.js';

export interface RawRestorePipeOptions extends RawEmulators {
  fileId: string;
  size: number;
  /** The target bucket and the copy's name in it. */
  bucket: string;
  name: string;
  /** 0: the whole object in one streamed PUT; else the size of each PUT. */
  chunkBytes: number;
}

export interface RawRestorePipeResult {
  ms: number;
  bytes: number;
  puts: number;
  /** Base64, as Cloud Storage reports it. */
  md5Hash: string;
  generation: string;
}

type Finished = { md5Hash: string; generation: string; size: string };

function openSession(o: RawRestorePipeOptions): Promise<string> {
  const url = `${o.storageUrl}/upload/storage/v1/b/${encodeURIComponent(o.bucket)}/o?uploadType=resumable&ifGenerationMatch=0`;
  const headers = { 'x-upload-content-type': 'application/octet-stream', 'x-upload-content-length': String(o.size) };
  return openResumableSession(url, headers, { name: o.name });
}

async function finished(response: Response, at: number): Promise<Finished | undefined> {
  if (response.status === 200 || response.status === 201) return (await response.json()) as Finished;
  if (response.status === 308) {
    await response.arrayBuffer();
    return undefined;
  }
  throw new Error(`PUT at ${at} answered ${response.status}: ${await response.text()}`);
}

export async function rawRestorePipe(o: RawRestorePipeOptions): Promise<RawRestorePipeResult> {
  const started = performance.now();
  const token = await refreshAccessToken(o);
  const download = await fetch(`${o.driveUrl}/drive/v3/files/${encodeURIComponent(o.fileId)}?alt=media`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!download.ok || !download.body) throw new Error(`downloading Drive file ${o.fileId} answered ${download.status}`);
  const session = await openSession(o);

  let puts = 0;
  let result: Finished | undefined;
  if (o.chunkBytes === 0) {
    const response = await fetch(session, {
      method: 'PUT',
      headers: { 'content-range': `bytes 0-${o.size - 1}/${o.size}`, 'content-length': String(o.size) },
      body: download.body,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    puts = 1;
    result = await finished(response, 0);
  } else {
    const buffer = Buffer.allocUnsafe(o.chunkBytes);
    let offset = 0;
    const put = async (length: number): Promise<void> => {
      const response = await fetch(session, {
        method: 'PUT',
        headers: { 'content-range': `bytes ${offset}-${offset + length - 1}/${o.size}` },
        body: buffer.subarray(0, length),
      });
      puts += 1;
      result = (await finished(response, offset)) ?? result;
      offset += length;
    };
    await inBuffers(download.body as unknown as AsyncIterable<Uint8Array>, buffer, put);
  }
  if (!result) throw new Error(`the session did not finish after ${puts} PUT(s) of ${o.size} bytes`);
  return { ms: performance.now() - started, bytes: Number(result.size), puts, md5Hash: result.md5Hash, generation: result.generation };
}
