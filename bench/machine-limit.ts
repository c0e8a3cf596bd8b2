/**
 * The limit of this machine for `throughput`: how fast the emulators move a large object when nothing
 * else does any work. Download alone: curl reads the object's `alt=media` download from the Cloud Storage
 * emulator to /dev/null (curl's own `time_total`). Upload alone: upload-alone.ts, a minimal client in its
 * own process, PUTs the same number of bytes into a Drive resumable session in one request. A copy can be
 * no faster than the slower of the two; `throughput` compares the function with that.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { FunctionWorld as World } from '../harness/function-world.js';
import type { SourceObject } from './objects.js';
import { rawEmulators } from './raw-client.js';
import type { UploadAloneOptions, UploadAloneResult } from './upload-alone.js';

const ROOT = join(__dirname, '..');

/** Runs `command` to its end; its stdout, or an error with its stderr. */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (err) => reject(new Error(`${command} could not start (${err.message}); the download alone needs curl on the PATH`)));
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

/** Milliseconds a minimal client takes to PUT `size` bytes into a Drive resumable session; the file is deleted after. */
export async function uploadAlone(world: World, size: number): Promise<number> {
  const options: UploadAloneOptions = {
    ...rawEmulators(world.emulators),
    size,
    parentId: world.rootFolderId,
    name: 'upload-alone.bin',
  };
  const out = await run(process.execPath, ['--import', 'tsx', join(__dirname, 'upload-alone.ts'), JSON.stringify(options)], {
    ...process.env,
    NODE_NO_WARNINGS: '1',
  });
  const result = JSON.parse(out.trim().split('\n').at(-1) ?? '') as UploadAloneResult;
  await world.drive.files.delete({ fileId: result.fileId });
  await world.drive.files.delete({ fileId: result.warmUpFileId });
  world.emulators.drive.expireUploadSessions();
  return result.ms;
}
