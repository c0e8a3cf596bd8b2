/**
 * The product's JSON log lines, as every harness captures them: one line per Cloud Logging object, kept as
 * written (`lines`), parsed (`entries`) and with the wall-clock time each arrived (`atMs`), index for
 * index. Lines come from this process's stdout while the functions run in it (`fromStdout`; the product
 * writes synchronously, so `atMs` is its own time of the line) or from child processes' output (`add`).
 * Only lines of the product's shape are kept: Node's test runner writes its own protocol to stdout, and a
 * child prints functions-framework's banner. Captured lines are not printed; a test prints what it needs
 * in its assertion messages (`text()`).
 */
export type LogEntry = Record<string, unknown> & { severity: string; message: string; event?: string; reason?: string };

const PRODUCT_LINE = '{"severity"';

export class LogCapture {
  readonly lines: string[] = [];
  readonly entries: LogEntry[] = [];
  /** Epoch ms at which each line was captured, index for index with `lines`. */
  readonly atMs: number[] = [];
  private readonly listeners: ((entry: LogEntry) => void)[] = [];
  private restore: (() => void) | undefined;

  /** Takes the product's lines off this process's stdout until `stop()`; everything else passes through. */
  static fromStdout(): LogCapture {
    const capture = new LogCapture();
    const realWrite = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const other = text.split('\n').filter((line) => !capture.add(line));
      if (other.every((line) => line === '')) return true;
      return realWrite(chunk, ...(rest as []));
    };
    capture.restore = () => void (process.stdout.write = realWrite);
    return capture;
  }

  /** Keeps `line` if it is one of the product's; whether it was. */
  add(line: string): boolean {
    if (!line.startsWith(PRODUCT_LINE)) return false;
    const entry = JSON.parse(line) as LogEntry;
    this.lines.push(line);
    this.entries.push(entry);
    this.atMs.push(Date.now());
    for (const listener of this.listeners) listener(entry);
    return true;
  }

  /** Calls `listener` with every line captured from now on. */
  onEntry(listener: (entry: LogEntry) => void): void {
    this.listeners.push(listener);
  }

  /** The lines of one log event. */
  ofEvent(event: string): LogEntry[] {
    return this.entries.filter((e) => e.event === event);
  }

  /** The captured lines from index `from` on, as text (for an assertion's message). */
  text(from = 0): string {
    return this.lines.slice(from).join('\n');
  }

  /** Gives stdout back (a capture fed by `add` has nothing to give back). */
  stop(): void {
    this.restore?.();
    this.restore = undefined;
  }
}
