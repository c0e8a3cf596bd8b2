/**
 * Test support for CLI commands (not a test): a CliIO whose output is captured, for running commands
 * in-process, plus small helpers to reach the emulators as the user's app would.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drive as driveApi, type drive_v3 } from '@googleapis/drive';
import { OAuth2Client } from 'google-auth-library';
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import type { CliIO } from '../../../src/cli/io.js';
import { createSecretManager } from '../../../src/auth/clients.js';
import type { Emulators } from '@gcs-drive-backup/emulators';

/** A command's IO whose output is kept, with helpers to read it while the command runs. */
export interface CapturedIO {
  io: CliIO;
  stdout(): string;
  stderr(): string;
  /** stdout and stderr together. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
}

export function captureIO(argv: string[], env: Record<string, string>, isTTY = false): CapturedIO {
  const io = recordingIO(argv, env, isTTY);
  const captured: CapturedIO = {
    io,
    stdout: () => io.out.join(''),
    stderr: () => io.err.join(''),
    output: () => io.out.join('') + io.err.join(''),
    // Waits on progress, with no wall-clock budget of its own: the test runner's timeout catches a hang.
    waitFor: async (pattern) => {
      for (;;) {
        const match = pattern.exec(captured.output());
        if (match) return match;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
  return captured;
}

/** A CliIO that records what a command writes, in `out` and `err`. */
export function recordingIO(argv: string[], env: Record<string, string>, isTTY = false): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { argv, env: { ...env }, isTTY, out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) };
}

/** A Drive client acting for `client` with `refreshToken`, through the emulators. */
export async function driveAs(
  emu: Emulators,
  client: { clientId: string; clientSecret: string },
  refreshToken: string,
): Promise<drive_v3.Drive> {
  const auth = new OAuth2Client({
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    endpoints: { oauth2TokenUrl: `${emu.env.OAUTH_EMULATOR_HOST}/token` },
  });
  auth.setCredentials({ refresh_token: refreshToken });
  return driveApi({ version: 'v3', auth, rootUrl: `${emu.env.DRIVE_EMULATOR_HOST}/` });
}

/** The downloaded OAuth client JSON of a Desktop app. */
export function installedClientJson(clientId: string, clientSecret: string): string {
  return JSON.stringify({
    installed: {
      client_id: clientId,
      client_secret: clientSecret,
      project_id: 'test',
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: 'https://oauth2.googleapis.com/token',
      redirect_uris: ['http://localhost'],
    },
  });
}

export function secretsClient(emu: Emulators): SecretManagerServiceClient {
  return createSecretManager({ emulators: { secretManager: emu.env.SECRET_MANAGER_EMULATOR_HOST } });
}

/** Names of the secret's versions, oldest first. */
export async function versionsOf(secrets: SecretManagerServiceClient, secret: string): Promise<string[]> {
  try {
    const [versions] = await secrets.listSecretVersions({ parent: secret });
    return versions.map((v) => v.name as string).sort((a, b) => Number(a.split('/').pop()) - Number(b.split('/').pop()));
  } catch (err) {
    if ((err as { code?: number }).code === 5) return [];
    throw err;
  }
}

/** Waits until the command prints a line matching `pattern`, or ends first; whichever comes first. */
export async function urlOrExit(run: Promise<number>, captured: CapturedIO, pattern: RegExp): Promise<{ url?: string; code?: number }> {
  let code: number | undefined;
  void run.then(
    (c) => {
      code = c;
    },
    () => {
      code = -1;
    },
  );
  // Waits on progress (a match or the end of the run), with no wall-clock budget of its own.
  for (;;) {
    const match = pattern.exec(captured.output());
    if (match) return { url: match[0] };
    if (code !== undefined) return { code };
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A temporary folder for client files, removed at the end. */
export class TempDir {
  private constructor(readonly path: string) {}

  static async create(): Promise<TempDir> {
    return new TempDir(await mkdtemp(join(tmpdir(), 'gdb-cli-')));
  }

  async file(name: string, content: string): Promise<string> {
    const path = join(this.path, name);
    await writeFile(path, content);
    return path;
  }

  remove(): Promise<void> {
    return rm(this.path, { recursive: true, force: true });
  }
}
