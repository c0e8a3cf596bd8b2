/**
 * Captures the product's JSON log lines written to this process's stdout (the in-process function),
 * while still printing them, each with the wall-clock time it was written (`atMs[i]` for `lines[i]`: the
 * product writes synchronously, so this is the product's own time of the line). Only lines of the
 * product's shape are kept: Node's test runner also writes its own (binary) protocol to stdout.
 */
export interface LogCapture {
  lines: string[];
  /** Epoch ms at which each line was written, index for index with `lines`. */
  atMs: number[];
  stop(): void;
}

export function captureLogLines(): LogCapture {
  const lines: string[] = [];
  const atMs: number[] = [];
  const realWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const now = Date.now();
    for (const line of text.split('\n')) {
      if (!line.startsWith('{"severity"')) continue;
      lines.push(line);
      atMs.push(now);
    }
    return realWrite(chunk, ...(rest as []));
  };
  return {
    lines,
    atMs,
    stop: () => {
      process.stdout.write = realWrite;
    },
  };
}
