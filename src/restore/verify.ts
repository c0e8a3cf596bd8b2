/**
 * Whether a restored copy is the backed-up generation: the bytes read from Drive must have the size and
 * hash the backup recorded (MD5, or CRC32C for an object that had none: a composite object), Drive's own
 * MD5 of the revision, and what Cloud Storage computed of the copy it stored. Any difference is a problem
 * (the copy is then deleted by the writer). Pure.
 */
import type { BackedUpGeneration } from './catalog.js';
import type { ContentHashes } from './content.js';

/** What Cloud Storage reports of the stored copy. */
export interface WrittenHashes {
  readonly md5Hash?: string;
  readonly crc32c?: string;
}

/** Why the copy is not the generation; empty when it is. `written` is absent for a local file. */
export function verificationProblems(
  source: BackedUpGeneration,
  driveMd5Hex: string | undefined,
  read: ContentHashes,
  written?: WrittenHashes,
): string[] {
  const problems: string[] = [];
  if (String(read.bytes) !== source.size) problems.push(`read ${read.bytes} bytes, the backup recorded ${source.size}`);
  if (source.md5Hash !== undefined && read.md5Base64 !== source.md5Hash)
    problems.push(`MD5 ${read.md5Base64} differs from the recorded ${source.md5Hash}`);
  if (source.md5Hash === undefined && read.crc32c === undefined)
    problems.push('the backup recorded no MD5 and the bytes read had no CRC32C');
  if (source.crc32c !== undefined && read.crc32c !== undefined && read.crc32c !== source.crc32c)
    problems.push(`CRC32C ${read.crc32c} differs from the recorded ${source.crc32c}`);
  if (driveMd5Hex !== undefined && read.md5Hex !== driveMd5Hex) problems.push(`MD5 ${read.md5Hex} differs from Drive's ${driveMd5Hex}`);
  if (source.md5Hash === undefined && source.crc32c === undefined && driveMd5Hex === undefined)
    problems.push('neither the backup nor Drive has a hash to compare with');
  if (written) {
    if (written.md5Hash === undefined && written.crc32c === undefined) problems.push('Cloud Storage reported no hash of the copy');
    if (written.md5Hash !== undefined && written.md5Hash !== read.md5Base64)
      problems.push(`Cloud Storage's MD5 ${written.md5Hash} differs from the bytes read from Drive (${read.md5Base64})`);
    if (written.crc32c !== undefined && read.crc32c !== undefined && written.crc32c !== read.crc32c)
      problems.push(`Cloud Storage's CRC32C ${written.crc32c} differs from the bytes read from Drive (${read.crc32c})`);
  }
  return problems;
}
