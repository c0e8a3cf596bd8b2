/**
 * What may stop a Drive download (`files.get` / `revisions.get` with `alt=media`) before its bytes go out:
 * - a file flagged as malware or spam (control route `POST /_emulator/drive/abuse`) answers 403
 *   cannotDownloadAbusiveFile unless the request says `acknowledgeAbuse=true`. The parameter is documented
 *   on files.get and revisions.get ("Whether the user is acknowledging the risk of downloading known
 *   malware or other abusive files. This is only applicable when the alt parameter is set to media and the
 *   user is the owner of the file or an organizer of the shared drive in which the file resides":
 *   https://developers.google.com/workspace/drive/api/reference/rest/v3/files/get). Every caller that can
 *   see a file here is its owner or a member of its shared drive, so any of them may acknowledge (a guess
 *   for shared drives: members are treated as organizers). Drive's error guide does not list this error;
 *   its body (reason, domain `global`, message) is the one Drive sends as clients report it.
 * - a per-file download quota (limits `drive.fileDownloads`: downloads and/or bytes per window on the hub
 *   clock; off by default because Google publishes no number) answers 403 downloadQuotaExceeded "The
 *   download quota for this file has been exceeded." once a window's count is reached; downloads in
 *   progress complete, and the count starts again `windowMs` after the window's first download. Every
 *   revision of a file shares the file's count; a ranged download counts the bytes it sends. Also not in
 *   Drive's error guide: the body is the one clients report (domain `global`).
 * The abuse check comes first (a guess: Drive does not say which wins).
 */
import type { Clock } from '../harness/clock.js';
import type { LimitSection } from '../harness/limits.js';
import { DriveError } from './errors.js';
import type { DriveLimits } from './limits.js';
import type { StoredFile } from './store.js';

export const abusiveFile = (): DriveError =>
  new DriveError(403, 'This file has been identified as malware or spam and cannot be downloaded.', 'cannotDownloadAbusiveFile');

export const downloadQuotaExceeded = (): DriveError =>
  new DriveError(403, 'The download quota for this file has been exceeded.', 'downloadQuotaExceeded');

interface Window {
  startMs: number;
  downloads: number;
  bytes: number;
}

export class DownloadGate {
  /** Per file id: the current window's counts (not persisted; a hub reset forgets them). */
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly rules: LimitSection<DriveLimits>,
    private readonly clock: Clock,
  ) {}

  clear(): void {
    this.windows.clear();
  }

  /** Throws the 403 Drive answers when this download may not start. */
  admit(file: StoredFile, query: URLSearchParams): void {
    if (file.abusive && query.get('acknowledgeAbuse') !== 'true') throw abusiveFile();
    const limit = this.rules.get().fileDownloads;
    const w = this.window(file.id);
    if (!limit || !w) return;
    if ((limit.downloads !== null && w.downloads >= limit.downloads) || (limit.bytes !== null && w.bytes >= limit.bytes))
      throw downloadQuotaExceeded();
  }

  /** A download of `bytes` started (after `admit`). */
  count(fileId: string, bytes: number): void {
    if (!this.rules.get().fileDownloads) return;
    let w = this.window(fileId);
    if (!w) this.windows.set(fileId, (w = { startMs: this.clock.now(), downloads: 0, bytes: 0 }));
    w.downloads++;
    w.bytes += bytes;
  }

  /** The file's current window, forgotten once its time is up. */
  private window(fileId: string): Window | undefined {
    const w = this.windows.get(fileId);
    const limit = this.rules.get().fileDownloads;
    if (w && (!limit || this.clock.now() - w.startMs >= limit.windowMs)) {
      this.windows.delete(fileId);
      return undefined;
    }
    return w;
  }
}
