/**
 * Lets the first backup into each Drive folder of a run go alone. The folder resolver (src/drive/folders.ts)
 * caches a folder once it is resolved, but backups racing into the same NEW folder would each look it up
 * (a Drive list) and each try to create it (409 for all but one): with parallelism 16 that is up to 16
 * lists and creates per folder. Through the gate, one backup per unresolved folder path (and each of its
 * ancestors) resolves it while the others into that path wait; the rest of the run meets a warm cache.
 * In-process only; pure apart from the promises.
 */
export class FolderGate {
  private readonly resolved = new Set<string>();
  private readonly pioneers = new Map<string, Promise<void>>();

  /** Waits until no other backup is resolving one of `folders`' paths; call the result when done. */
  async admit(folders: readonly string[]): Promise<(succeeded: boolean) => void> {
    const paths = folders.map((_, depth) => JSON.stringify(folders.slice(0, depth + 1)));
    let mine: string[];
    for (;;) {
      mine = paths.filter((p) => !this.resolved.has(p));
      const busy = mine.map((p) => this.pioneers.get(p)).find((pending) => pending !== undefined);
      if (busy === undefined) break;
      await busy;
    }
    let release!: () => void;
    const pending = new Promise<void>((resolve) => {
      release = resolve;
    });
    for (const p of mine) this.pioneers.set(p, pending);
    return (succeeded) => {
      for (const p of mine) {
        this.pioneers.delete(p);
        if (succeeded) this.resolved.add(p);
      }
      release();
    };
  }
}
