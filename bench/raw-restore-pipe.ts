/**
 * The least work that copies a Drive file back into Cloud Storage, as the baseline of `restore`: one
 * token refresh at the OAuth emulator, the file's `alt=media` download, one resumable session opened by
 * a raw POST (with `ifGenerationMatch=0`, as restore writes), and the download sent to the session the way
 * the product's restore sends it: with `chunkBytes` 0 in one streamed PUT (`Content-Range: bytes
 * 0-LAST/SIZE`), else one chunk-sized buffer PUT at a time. No state, no retries, no hashing; the copy is
 * checked only by the MD5 Cloud Storage's last reply gives.
 */
export interface RawRestorePipeOptions {
  storageUrl: string;
  driveUrl: string;
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
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

async function accessToken(o: RawRestorePipeOptions): Promise<string> {
  const response = await fetch(`${o.oauthUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: o.clientId,
      client_secret: o.clientSecret,
      refresh_token: o.refreshToken,
    }),
  });
  if (!response.ok) throw new Error(`token refresh answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function openSession(o: RawRestorePipeOptions): Promise<string> {
  const url = `${o.storageUrl}/upload/storage/v1/b/${encodeURIComponent(o.bucket)}/o?uploadType=resumable&ifGenerationMatch=0`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=UTF-8',
      'x-upload-content-type': 'application/octet-stream',
      'x-upload-content-length': String(o.size),
    },
    body: JSON.stringify({ name: o.name }),
  });
  await response.arrayBuffer();
  const location = response.headers.get('location');
  if (!response.ok || !location) throw new Error(`opening the upload session answered ${response.status}`);
  return location;
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
  const token = await accessToken(o);
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
    let filled = 0;
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
      filled = 0;
    };
    for await (const piece of download.body as unknown as AsyncIterable<Uint8Array>) {
      let at = 0;
      while (at < piece.length) {
        const n = Math.min(piece.length - at, buffer.length - filled);
        buffer.set(piece.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === buffer.length) await put(filled);
      }
    }
    if (filled > 0) await put(filled);
  }
  if (!result) throw new Error(`the session did not finish after ${puts} PUT(s) of ${o.size} bytes`);
  return { ms: performance.now() - started, bytes: Number(result.size), puts, md5Hash: result.md5Hash, generation: result.generation };
}
