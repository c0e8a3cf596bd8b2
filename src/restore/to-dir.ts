/**
 * `restore --to-dir DIR`: writes planned generations as files under DIR instead of a bucket. A name that
 * cannot be a path is mapped (src/restore/local-names.ts), and so is one that collides with a folder or
 * file already made for another object (`a` and `a/b`). Every path is checked to stay inside DIR, symbolic
 * links included. A file is written under `.restore-partial/`, verified, then linked into place (so an
 * existing file is never replaced unless `--overwrite`, and a cut run leaves no half file under the
 * object's name); the mapped names are listed in `restore-names.tsv`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, lstat, mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RestoredContent } from './content.js';
import { localNameOf, mappedPath, NAMES_FILE, namesFile, parseNamesFile, PARTIAL_DIR, tsvField } from './local-names.js';
import type { WriteResult } from './outcome.js';
import type { TargetFact } from './plan.js';
import { failedWrite, type RestoreDecision, type WriterDeps } from './to-bucket.js';
import { verificationProblems } from './verify.js';

/** A path that would leave DIR: never written. */
class OutsideDirError extends Error {
  override readonly name = 'OutsideDirError';
}

const codeOf = (err: unknown): string | undefined => (err as { code?: string } | null)?.code;

export class DirectoryTarget {
  /** Mapped path → escaped object name, for `restore-names.tsv`. */
  private readonly mapped = new Map<string, string>();

  private constructor(readonly dir: string) {}

  /** DIR, created if need be, by its real path (so containment is checked against what it really is). */
  static async open(dir: string): Promise<DirectoryTarget> {
    await mkdir(dir, { recursive: true });
    return new DirectoryTarget(await realpath(dir));
  }

  /** `full`, after checking it is inside DIR; throws otherwise (a name that got past the mapping is a bug). */
  private inside(relative: string): string {
    const full = resolve(this.dir, ...relative.split('/'));
    if (!full.startsWith(this.dir + sep)) throw new OutsideDirError(`refusing to write outside ${this.dir}`);
    return full;
  }

  private note(path: string, name: string): void {
    if (path !== name) this.mapped.set(path, tsvField(name));
  }

  private async isFile(relative: string): Promise<boolean> {
    try {
      return (await lstat(this.inside(relative))).isFile();
    } catch {
      return false;
    }
  }

  /** Whether the object is already in DIR, under its own name or its mapped one. */
  async fact(name: string): Promise<TargetFact> {
    const local = localNameOf(name);
    for (const path of [local.path, mappedPath(name)]) {
      if (await this.isFile(path)) {
        this.note(path, name);
        return { exists: true };
      }
    }
    return { exists: false };
  }

  async write(
    deps: WriterDeps,
    decision: RestoreDecision,
    options: { overwrite: boolean; acknowledgeAbuse: boolean },
  ): Promise<WriteResult> {
    const { source } = decision;
    const partial = this.inside(
      `${PARTIAL_DIR}/${createHash('sha256').update(source.name).digest('hex')}-${randomBytes(4).toString('hex')}`,
    );
    try {
      await mkdir(dirname(partial), { recursive: true });
      const content = new RestoredContent(
        deps.drive,
        { fileId: source.driveFileId, revisionId: decision.revisionId, head: decision.head, acknowledgeAbuse: options.acknowledgeAbuse },
        Number(source.size),
        deps.scope,
      );
      await pipeline(Readable.from(content.pieces()), createWriteStream(partial, { flags: 'wx' }));
      const problems = verificationProblems(source, decision.driveMd5Hex, content.hashes());
      if (problems.length > 0) return { kind: 'mismatch', reason: `${problems.join('; ')}; the file was not kept` };
      const placed = await this.place(partial, source.name, options.overwrite);
      return placed === 'exists' ? { kind: 'exists' } : { kind: 'restored', bytes: content.hashes().bytes };
    } catch (err) {
      if (err instanceof OutsideDirError) return { kind: 'failed', reason: err.message };
      const code = codeOf(err);
      if (code !== undefined && /^E[A-Z]+$/.test(code) && !(err as { response?: unknown }).response) {
        return { kind: 'failed', reason: `writing under ${this.dir}: ${(err as Error).message}` };
      }
      return failedWrite(err);
    } finally {
      await rm(partial, { force: true });
    }
  }

  /** Links the verified file into place under its name, or its mapped one when the name cannot take it. */
  private async place(partial: string, name: string, overwrite: boolean): Promise<'placed' | 'exists'> {
    const local = localNameOf(name);
    for (const path of local.mappedBecause === undefined ? [local.path, mappedPath(name)] : [local.path]) {
      const full = this.inside(path);
      try {
        await mkdir(dirname(full), { recursive: true });
        // A symbolic link already in DIR must not lead the file outside it.
        const parent = await realpath(dirname(full));
        if (parent !== this.dir && !parent.startsWith(this.dir + sep)) throw new OutsideDirError(`refusing to write outside ${this.dir}`);
        if (overwrite) {
          if ((await lstat(full).catch(() => undefined))?.isDirectory()) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
          await rename(partial, full);
        } else await link(partial, full);
        this.note(path, name);
        return 'placed';
      } catch (err) {
        const code = codeOf(err);
        if (code === 'EEXIST' && (await this.isFile(path))) {
          this.note(path, name);
          return 'exists';
        }
        // A file where a folder is needed (`a`, then `a/b`), or a folder where the file goes: mapped.
        if (code !== 'EEXIST' && code !== 'ENOTDIR' && code !== 'EISDIR') throw err;
      }
    }
    throw new Error(`no place for the file under ${this.dir}`);
  }

  /** Writes `restore-names.tsv` (merged with the one an earlier run wrote) when any name was mapped. */
  async finish(): Promise<void> {
    if (this.mapped.size === 0) return;
    const file = join(this.dir, NAMES_FILE);
    const earlier = await readFile(file, 'utf8').then(parseNamesFile, () => new Map<string, string>());
    for (const [path, field] of this.mapped) earlier.set(path, field);
    await writeFile(file, namesFile(earlier));
  }
}
