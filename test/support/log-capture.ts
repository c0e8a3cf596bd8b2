/**
 * Captures the product's JSON log lines written to this process's stdout (the in-process function),
 * while still printing them. Only lines of the product's shape are kept: Node's test runner also writes
 * its own (binary) protocol to stdout.
 */
export interface LogCapture {
  lines: string[];
  stop(): void;
}

export function captureLogLines(): LogCapture {
  const lines: string[] = [];
  const realWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    for (const line of text.split('\n')) if (line.startsWith('{"severity"')) lines.push(line);
    return realWrite(chunk, ...(rest as []));
  };
  return {
    lines,
    stop: () => {
      process.stdout.write = realWrite;
    },
  };
}
