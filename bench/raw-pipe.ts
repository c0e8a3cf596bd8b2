/**
 * The least work that copies a Cloud Storage object into Drive, as the baseline of `throughput`: one
 * token refresh at the OAuth emulator, one resumable session opened by a raw POST, the object's
 * `alt=media` download read into one chunk-sized buffer, each full buffer PUT to the session. No state,
 * no retries, no verification beyond what the last reply says.
 */
import { inBuffers, openResumableSession, refreshAccessToken, type RawEmulators } from './raw-client.js';

export interface RawPipeOptions extends RawEmulators {
  bucket: string;
  object: string;
  size: number;
  /** Drive folder receiving the copy, and the copy's name. */
  parentId: string;
  name: string;
  chunkBytes: number;
}

export interface RawPipeResult {
  ms: number;
  bytes: number;
  puts: number;
  fileId: string;
  md5Checksum: string;
}

function openSession(o: RawPipeOptions, token: string): Promise<string> {
  const url = `${o.driveUrl}/upload/drive/v3/files?uploadType=resumable&fields=id,md5Checksum,size`;
  const headers = {
    authorization: `Bearer ${token}`,
    'x-upload-content-type': 'application/octet-stream',
    'x-upload-content-length': String(o.size),
  };
  return openResumableSession(url, headers, { name: o.name, parents: [o.parentId] });
}

export async function rawPipe(o: RawPipeOptions): Promise<RawPipeResult> {
  const started = performance.now();
  const token = await refreshAccessToken(o);
  const session = await openSession(o, token);
  const download = await fetch(`${o.storageUrl}/download/storage/v1/b/${o.bucket}/o/${encodeURIComponent(o.object)}?alt=media`);
  if (!download.ok || !download.body) throw new Error(`downloading gs://${o.bucket}/${o.object} answered ${download.status}`);

  const buffer = Buffer.allocUnsafe(o.chunkBytes);
  let offset = 0;
  let puts = 0;
  let finished: { id: string; md5Checksum: string } | undefined;
  const put = async (length: number): Promise<void> => {
    const response = await fetch(session, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-range': `bytes ${offset}-${offset + length - 1}/${o.size}` },
      body: buffer.subarray(0, length),
      redirect: 'manual',
    });
    puts += 1;
    if (response.status === 200 || response.status === 201) finished = (await response.json()) as { id: string; md5Checksum: string };
    else if (response.status === 308) await response.arrayBuffer();
    else throw new Error(`PUT at ${offset} answered ${response.status}: ${await response.text()}`);
    offset += length;
  };
  await inBuffers(download.body as unknown as AsyncIterable<Uint8Array>, buffer, put);
  if (!finished) throw new Error(`the session did not finish after ${offset} of ${o.size} bytes`);
  return { ms: performance.now() - started, bytes: offset, puts, fileId: finished.id, md5Checksum: finished.md5Checksum };
}
