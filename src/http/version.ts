/**
 * The product version for `/healthz`: package.json's `version`, read once on first use (not at import).
 * The file sits two levels above both src/http/ and dist/http/; the deployed source includes it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let cached: string | undefined;

export function productVersion(read: (path: string) => string = (path) => readFileSync(path, 'utf8')): string {
  if (cached === undefined) {
    try {
      const version = (JSON.parse(read(join(__dirname, '..', '..', 'package.json'))) as { version?: unknown }).version;
      cached = typeof version === 'string' ? version : 'unknown';
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
