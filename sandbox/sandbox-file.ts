/**
 * What the sandbox remembers in its data directory besides the emulators' own state: `sandbox.json`
 * with the id of the root Drive folder it created, so a restart reuses that folder.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SANDBOX_FILE = 'sandbox.json';

export interface SandboxFile {
  rootFolderId?: string;
}

/** The remembered state; empty when the file is missing or unreadable (then everything is seeded anew). */
export async function readSandboxFile(dataDir: string): Promise<SandboxFile> {
  let text: string;
  try {
    text = await readFile(join(dataDir, SANDBOX_FILE), 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return typeof parsed.rootFolderId === 'string' ? { rootFolderId: parsed.rootFolderId } : {};
  } catch {
    return {};
  }
}

export async function writeSandboxFile(dataDir: string, state: SandboxFile): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, SANDBOX_FILE);
  await writeFile(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}
