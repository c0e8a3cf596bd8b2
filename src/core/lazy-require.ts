/**
 * `require` on first use: the Google client libraries load only when an invocation (or a command) needs
 * them, not at import. Cold start matters for an event function.
 */
export function lazyRequire<T>(id: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id) as T;
}
