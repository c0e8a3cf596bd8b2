/**
 * `gcs-drive-backup verify --restore N`: the restore drill from a terminal (src/restore/drill.ts): N
 * backed-up objects of SOURCE_BUCKET (the newest and N−1 at random) restored into memory and compared with
 * the source, one `restoreDrill` log line, and what was found printed. Exit codes: 0 the drill passed, 1 not.
 */
import { runDrill } from '../restore/drill.js';
import { escapeForTerminal } from '../core/terminal-text.js';
import type { Runtime } from '../tasks/dispatch.js';
import type { CliIO } from './io.js';
import { openProductCatalog, type CatalogOpener } from '../restore/open-catalog.js';

/** The drill over `count` objects, reading the catalog with `openCatalog`. */
export function makeDrill(openCatalog: CatalogOpener) {
  return async (io: CliIO, runtime: Runtime, bucket: string, count: number, fromDrive = false): Promise<number> => {
    const catalog = await openCatalog(runtime, { bucket, fromDrive, olderGenerations: false });
    const result = await runDrill(
      { catalog, gcs: runtime.source, drive: runtime.drive, idleMs: runtime.config.ioIdleTimeoutMs },
      bucket,
      count,
    );
    runtime.logger.restoreDrill(result);
    io.stdout(`verify --restore: ${escapeForTerminal(result.summary)}\n`);
    for (const f of result.failures) io.stderr(`  ${escapeForTerminal(f.name)}#${f.generation}: ${escapeForTerminal(f.reason)}\n`);
    return result.passed ? 0 : 1;
  };
}

export const restoreDrill = makeDrill(openProductCatalog);
