/**
 * The peer: the naive copy a user would otherwise deploy (the shape of the Firebase Storage extension's
 * and of Airflow's GCS-to-Drive operator): `@google-cloud/storage`'s `file.createReadStream()` piped into
 * one `googleapis` `drive.files.create` media upload, a single streaming request, no resume. When that
 * request fails, its caller can only start again from byte 0; `maxAttempts` plays that caller.
 *
 * A long-lived process, like a function instance: `node --import tsx bench/peer-process.ts '<PeerConfig>'`
 * prints `{"ready":true}`, then reads one `PeerCopy` JSON per stdin line and answers each with one
 * `PeerResult` JSON line on stdout.
 */
import { createInterface } from 'node:readline';
import { Storage } from '@google-cloud/storage';
import { google } from 'googleapis';
import type { RawEmulators } from './raw-client.js';

export type PeerConfig = RawEmulators;

export interface PeerCopy {
  bucket: string;
  name: string;
  /** base64, as the object's `md5Hash`: the copy counts only if Drive's MD5 equals it. */
  md5Hash: string;
  parentId: string;
  fileName: string;
  maxAttempts: number;
}

export type PeerResult =
  | { ok: true; ms: number; attempts: number; fileId: string; errors: string[] }
  | { ok: false; ms: number; attempts: number; errors: string[] };

function clients(config: PeerConfig) {
  const storage = new Storage({ apiEndpoint: config.storageUrl, projectId: 'bench' });
  const auth = new google.auth.OAuth2({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    endpoints: { oauth2TokenUrl: `${config.oauthUrl}/token` },
  });
  auth.setCredentials({ refresh_token: config.refreshToken });
  const drive = google.drive({ version: 'v3', auth });
  // Given per call: googleapis-common rewrites only the metadata URL to a client-wide rootUrl, never
  // the media upload URL (apirequest.js), so the upload would go to www.googleapis.com.
  return { storage, drive, callOptions: { rootUrl: `${config.driveUrl}/` } };
}

async function copy(c: ReturnType<typeof clients>, job: PeerCopy): Promise<PeerResult> {
  const started = performance.now();
  const errors: string[] = [];
  for (let attempt = 1; attempt <= job.maxAttempts; attempt++) {
    const source = c.storage.bucket(job.bucket).file(job.name).createReadStream();
    try {
      const res = await c.drive.files.create(
        {
          requestBody: { name: job.fileName, parents: [job.parentId] },
          media: { mimeType: 'application/octet-stream', body: source },
          fields: 'id,md5Checksum',
        },
        c.callOptions,
      );
      const expected = Buffer.from(job.md5Hash, 'base64').toString('hex');
      if (res.data.md5Checksum !== expected) throw new Error(`Drive's MD5 ${res.data.md5Checksum} is not the object's ${expected}`);
      return { ok: true, ms: performance.now() - started, attempts: attempt, fileId: res.data.id!, errors };
    } catch (err) {
      errors.push((err as Error).message);
    } finally {
      source.destroy();
    }
  }
  return { ok: false, ms: performance.now() - started, attempts: job.maxAttempts, errors };
}

async function main(argument: string | undefined): Promise<void> {
  if (argument === undefined) throw new Error('usage: peer-process.ts <PeerConfig as JSON>');
  const c = clients(JSON.parse(argument) as PeerConfig);
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === '') continue;
    process.stdout.write(`${JSON.stringify(await copy(c, JSON.parse(line) as PeerCopy))}\n`);
  }
}

main(process.argv[2]).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
