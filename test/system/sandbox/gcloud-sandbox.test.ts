/**
 * What emulators/README.md tells a new user to do: `npm start`, then `gcloud storage cp` into its bucket. A small
 * file and a 12 MiB one reach Drive byte-exact through the sandbox's event bridge and the real event
 * function, with the emulators at Google's limits (as `npm start` runs them). Skipped, with a message,
 * where gcloud is not installed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBannerVariables } from '../../../sandbox/banner.js';
import { gcloudFor, gcloudMissing, type Gcloud } from '@gcs-drive-backup/emulators/test/gcloud/support.js';
import { pseudoRandomBytes } from '@gcs-drive-backup/emulators/test/gcs/support.js';

const missing = gcloudMissing();
const ROOT = join(__dirname, '..', '..', '..');
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

interface DriveFileView {
  name: string;
  md5Checksum?: string;
  size?: number;
  trashed: boolean;
}

describe('gcloud storage cp into npm start', { skip: missing }, () => {
  let child: ChildProcess;
  let vars: Record<string, string>;
  let gcloud: Gcloud;
  let files: string;
  let stderr = '';

  before(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts', '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    let stdout = '';
    vars = await new Promise<Record<string, string>>((resolve, reject) => {
      // Waits on progress: the banner, or the process exiting without one (no wall-clock budget).
      child.stdout!.on('data', (c: Buffer) => {
        stdout += c.toString('utf8');
        const parsed = parseBannerVariables(stdout);
        if (parsed.SANDBOX_PIDS !== undefined) resolve(parsed);
      });
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}; stderr:\n${stderr}`)));
    });
    gcloud = gcloudFor(vars.STORAGE_EMULATOR_HOST);
    files = mkdtempSync(join(tmpdir(), 'gcloud-sandbox-'));
  });
  after(async () => {
    gcloud?.dispose();
    if (files) rmSync(files, { recursive: true, force: true });
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
    }
  });

  async function inDrive(name: string, content: Buffer): Promise<DriveFileView> {
    // Waits on progress (the event bridge delivering), with no wall-clock budget of its own.
    for (;;) {
      const res = await fetch(`${vars.DRIVE_EMULATOR_HOST}/_emulator/drive/files`);
      const all = ((await res.json()) as { files: DriveFileView[] }).files;
      const found = all.find((f) => f.name === name && !f.trashed && f.md5Checksum === md5(content));
      if (found) return found;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  test('a small file and 12 MiB reach Drive byte-exact', async () => {
    const small = Buffer.from('uploaded with gcloud storage cp\n');
    const big = pseudoRandomBytes(12 * 1024 * 1024, 120);
    writeFileSync(join(files, 'small.txt'), small);
    writeFileSync(join(files, 'twelve.bin'), big);
    await gcloud.ok(['storage', 'cp', join(files, 'small.txt'), `gs://${vars.SOURCE_BUCKET}/gcloud/small.txt`]);
    await gcloud.ok(['storage', 'cp', join(files, 'twelve.bin'), `gs://${vars.SOURCE_BUCKET}/gcloud/twelve.bin`]);
    assert.equal((await inDrive('small.txt', small)).size, small.length);
    assert.equal((await inDrive('twelve.bin', big)).size, big.length);
  });
});
