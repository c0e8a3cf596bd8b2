/**
 * Objects the state bucket's catalog cannot restore: backed up before the backup recorded a history per
 * object, so their record holds no name, generation facts or metadata (src/restore/state-catalog.ts
 * counts them). Each gets a report line pointing to `--from-drive`, which reads the same facts from the
 * Drive file itself; its name comes from the file's appProperties (one `files.get` each, for the first
 * few), and objects outside the request's selection are left out. The lines are pure (`unrecordedLine`).
 */
import type { CallScope } from '../core/gateway.js';
import type { DriveGateway } from '../drive/gateway.js';
import { objectNameOf } from '../drive/object-path.js';
import { escapeForTerminal } from '../core/terminal-text.js';
import { selected, type RestoreSelection } from './plan.js';

/** The report line of one object (or, its name unknown, Drive file) with no recorded history. */
export function unrecordedLine(what: { name?: string; fileId: string }): string {
  const subject = what.name !== undefined ? escapeForTerminal(what.name) : `(Drive file ${what.fileId})`;
  return (
    `not-in-history ${subject}: backed up before the state bucket kept each object's history, so it cannot be restored from there; ` +
    'run the same command with --from-drive to restore it from Drive'
  );
}

/** The lines of the files with no recorded history whose object the selection includes (or whose name is unknown). */
export async function unrecordedLines(
  drive: DriveGateway,
  fileIds: readonly string[],
  selection: RestoreSelection,
  scope?: CallScope,
): Promise<string[]> {
  const lines: string[] = [];
  for (const fileId of fileIds) {
    let name: string | undefined;
    try {
      const { data } = await drive.call(
        'files.get (a backup without history)',
        ({ api }) => api.files.get({ fileId, fields: 'appProperties', supportsAllDrives: true }),
        scope,
      );
      name = objectNameOf(data.appProperties);
    } catch {
      // Gone or unreadable: named by its id.
    }
    if (name !== undefined && !selected(name, selection)) continue;
    lines.push(unrecordedLine({ fileId, ...(name !== undefined ? { name } : {}) }));
  }
  return lines;
}
