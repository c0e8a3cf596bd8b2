/**
 * The limit of this machine for `throughput`: how fast the emulators move a large object when nothing
 * else does any work, each side measured by curl, the most minimal client at hand (no JavaScript on the
 * client side at all). Download alone: curl reads the object's `alt=media` download from the Cloud
 * Storage emulator to /dev/null. Upload alone: curl PUTs the same number of bytes, read from a sparse
 * file (zeros the kernel makes up, no disk), into a Drive resumable session in one request, with the
 * `Content-Range` Drive wants; after one untimed upload of 16 MiB, as the copies it is compared with are
 * warm. Both are curl's own `time_total`. A copy can be no faster than the slower of the two;
 * `throughput` compares the function with that. The session is opened and the token refreshed here
 * (raw-client.ts), untimed; the token reaches curl in a header file, never on its command line.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FunctionWorld as World } from '../harness/function-world.js';
import type { SourceObject } from './objects.js';
import { openResumableSession, rawEmulators, refreshAccessToken } from './raw-client.js';

const ROOT = join(__dirname, '..');
/** A fresh emulator route's first large body is slower (its heap grows under it): one untimed upload first. */
const WARM_UP_BYTES = 16 * 1024 * 1024;

/** Runs `command` to its end; its stdout, or an error with its stderr. */
function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (err) =>
      reject(new Error(`${command} could not start (${err.message}); this machine's limit needs curl on the PATH`)),
    );
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} exited with ${code}: ${stderr.trim()}`))));
  });
}

/** Milliseconds curl takes to read the object from the Cloud Storage emulator into /dev/null. */
export async function downloadAlone(world: World, object: SourceObject): Promise<number> {
  const url = `${world.emulators.env.STORAGE_EMULATOR_HOST}/download/storage/v1/b/${object.bucket}/o/${encodeURIComponent(object.name)}?alt=media`;
  const out = await run('curl', [
    '--silent',
    '--show-error',
    '--fail',
    '--output',
    '/dev/null',
    '--write-out',
    '%{time_total} %{size_download}',
    url,
  ]);
  const [seconds, bytes] = out.trim().split(' ').map(Number);
  if (bytes !== Number(object.size)) throw new Error(`curl read ${bytes} of the object's ${object.size} bytes`);
  return seconds! * 1000;
}

/** Milliseconds curl takes to PUT `size` bytes into a Drive resumable session (one request); the files are deleted after. */
export async function uploadAlone(world: World, size: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'upload-alone-'));
  try {
    await curlUpload(world, dir, Math.min(size, WARM_UP_BYTES), 'upload-alone.warm-up');
    const result = await curlUpload(world, dir, size, 'upload-alone.bin');
    world.emulators.drive.expireUploadSessions();
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One curl PUT of `size` zeros into a new session; its `time_total` in ms, once Drive's file is checked and deleted. */
async function curlUpload(world: World, dir: string, size: number, name: string): Promise<number> {
  const raw = rawEmulators(world.emulators);
  const token = await refreshAccessToken(raw);
  const session = await openResumableSession(
    `${raw.driveUrl}/upload/drive/v3/files?uploadType=resumable&fields=id,size`,
    { authorization: `Bearer ${token}`, 'x-upload-content-length': String(size) },
    { name, parents: [world.rootFolderId] },
  );
  const source = join(dir, `${name}.zeros`);
  const file = await open(source, 'w');
  await file.truncate(size); // sparse: reading it costs no disk
  await file.close();
  const headers = join(dir, 'headers');
  await writeFile(headers, `Authorization: Bearer ${token}\nContent-Range: bytes 0-${size - 1}/${size}\n`, { mode: 0o600 });
  const out = await run('curl', [
    '--silent',
    '--show-error',
    '--fail',
    '--upload-file',
    source,
    '--request',
    'PUT',
    '--header',
    `@${headers}`,
    '--header',
    'Expect:', // no 100-continue round trip before the body
    '--write-out',
    '\n%{time_total} %{size_upload}',
    session,
  ]);
  await rm(source);
  const lines = out.trim().split('\n');
  const [seconds, sent] = lines.at(-1)!.split(' ').map(Number);
  const reply = JSON.parse(lines.slice(0, -1).join('\n')) as { id: string; size?: string };
  if (sent !== size || Number(reply.size) !== size) throw new Error(`curl sent ${sent} bytes, Drive kept ${reply.size}, of ${size}`);
  await world.drive.files.delete({ fileId: reply.id });
  return seconds! * 1000;
}
