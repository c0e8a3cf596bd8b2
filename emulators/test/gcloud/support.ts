/**
 * Runs the real gcloud CLI against the emulators: a throw-away configuration directory (CLOUDSDK_CONFIG)
 * whose default configuration points `api_endpoint_overrides/storage` at the Cloud Storage emulator and
 * sets `auth/disable_credentials`, so nothing reaches Google and no account is needed. gcloud runs as a
 * child process without blocking this process's event loop (the emulators may be serving in it).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * Why gcloud cannot run here (not on PATH), or undefined when it can. Looked up on PATH rather than run:
 * every gcloud start is a Python interpreter loading the SDK (about 1.3 s of CPU); an installed but
 * broken gcloud then fails the test with gcloud's own error instead of skipping it.
 */
export function gcloudMissing(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const found = dirs.some((dir) => {
    try {
      accessSync(join(dir, 'gcloud'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  return found ? undefined : 'gcloud is not installed (not on PATH): install the Google Cloud SDK to run this contract test';
}

export interface GcloudResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface Gcloud {
  run(args: string[], opts?: { stdin?: Buffer; env?: Record<string, string> }): Promise<GcloudResult>;
  /** Runs and throws with gcloud's stderr unless it exits 0. */
  ok(args: string[], opts?: { stdin?: Buffer; env?: Record<string, string> }): Promise<Buffer>;
  dispose(): void;
}

export function gcloudFor(storageEmulatorHost: string): Gcloud {
  const dir = mkdtempSync(join(tmpdir(), 'gcloud-config-'));
  mkdirSync(join(dir, 'configurations'));
  writeFileSync(join(dir, 'active_config'), 'default');
  writeFileSync(
    join(dir, 'configurations', 'config_default'),
    [
      '[core]',
      'project = emulator-contract',
      'disable_usage_reporting = true',
      '[auth]',
      'disable_credentials = true',
      '[api_endpoint_overrides]',
      `storage = ${storageEmulatorHost}/storage/v1/`,
      '[component_manager]',
      'disable_update_check = true',
      // One process, one thread per command: the tests move one object at a time, and each extra worker
      // process is another Python start. The requests stay the same; the tests count them per route.
      '[storage]',
      'process_count = 1',
      'thread_count = 1',
      '',
    ].join('\n'),
  );
  const run: Gcloud['run'] = (args, opts = {}) =>
    new Promise((resolve, reject) => {
      const child = execFile(
        'gcloud',
        args,
        {
          env: { ...process.env, CLOUDSDK_CONFIG: dir, CLOUDSDK_CORE_DISABLE_PROMPTS: '1', ...opts.env },
          encoding: 'buffer',
          maxBuffer: 64 * 1024 * 1024,
          timeout: 180_000,
        },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
          if (err && code === -1) return reject(err instanceof Error ? err : new Error(String(err)));
          resolve({ code, stdout, stderr: stderr.toString('utf8') });
        },
      );
      child.stdin?.end(opts.stdin ?? Buffer.alloc(0));
    });
  return {
    run,
    async ok(args, opts) {
      const r = await run(args, opts);
      if (r.code !== 0) throw new Error(`gcloud ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
      return r.stdout;
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
