/**
 * The Drive emulator's upload alone, as one half of `throughput`'s limit of this machine (machine-limit.ts):
 * a minimal client in a process of its own opens a resumable session (one token refresh, one raw POST)
 * and PUTs `size` bytes into it in one request, written from one reused 1 MiB buffer, so that no source
 * and no copy weighs on it; after one untimed upload of 16 MiB, as the copies it is compared with are
 * warm. `node --import tsx bench/upload-alone.ts '<UploadAloneOptions as JSON>'` prints
 * `{ ms, fileId, warmUpFileId }` as one JSON line: the time from the PUT's first byte to Drive's reply.
 */
import { request } from 'node:http';
import { openResumableSession, refreshAccessToken, type RawCredentials } from './raw-client.js';

export interface UploadAloneOptions extends RawCredentials {
  driveUrl: string;
  size: number;
  parentId: string;
  name: string;
}

export interface UploadAloneResult {
  ms: number;
  fileId: string;
  warmUpFileId: string;
}

const PIECE = Buffer.alloc(1024 * 1024, 0x5a);

/** A fresh process's first large upload is slow (its heap grows under it, as the peer's first copy): one untimed first. */
const WARM_UP_BYTES = 16 * 1024 * 1024;

async function openSession(o: UploadAloneOptions): Promise<{ token: string; session: string }> {
  const token = await refreshAccessToken(o);
  const session = await openResumableSession(
    `${o.driveUrl}/upload/drive/v3/files?uploadType=resumable&fields=id`,
    { authorization: `Bearer ${token}`, 'x-upload-content-length': String(o.size) },
    { name: o.name, parents: [o.parentId] },
  );
  return { token, session };
}

/** One PUT of the whole size; resolves to Drive's file id when it answers 200/201. */
function putAll(o: UploadAloneOptions, token: string, session: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers = {
      authorization: `Bearer ${token}`,
      'content-length': String(o.size),
      'content-range': `bytes 0-${o.size - 1}/${o.size}`,
    };
    const req = request(session, { method: 'PUT', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (piece: string) => (text += piece));
      res.on('end', () => {
        if (res.statusCode !== 200 && res.statusCode !== 201)
          return reject(new Error(`the PUT answered ${res.statusCode}: ${text.slice(0, 200)}`));
        resolve((JSON.parse(text) as { id: string }).id);
      });
    });
    req.on('error', reject);
    let left = o.size;
    const write = () => {
      while (left > 0) {
        const piece = left >= PIECE.length ? PIECE : PIECE.subarray(0, left);
        left -= piece.length;
        if (!req.write(piece)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

async function main(argument: string | undefined): Promise<void> {
  if (argument === undefined) throw new Error('usage: upload-alone.ts <options as JSON>');
  const o = JSON.parse(argument) as UploadAloneOptions;
  const warm = { ...o, size: Math.min(o.size, WARM_UP_BYTES), name: `${o.name}.warm-up` };
  const warmUp = await openSession(warm);
  const warmId = await putAll(warm, warmUp.token, warmUp.session);
  const { token, session } = await openSession(o);
  const started = performance.now();
  const fileId = await putAll(o, token, session);
  const result: UploadAloneResult = { ms: performance.now() - started, fileId, warmUpFileId: warmId };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main(process.argv[2]).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
