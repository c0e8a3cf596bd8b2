/**
 * Names and other foreign strings (object names, error messages from other services, reply bodies) are
 * data: printed raw to a terminal, an object named `ESC ]0;…BEL` retitles the window and `ESC [1A ESC [2K`
 * erases a line to print a fake "OK", and a right-to-left override reverses the text after it. Every such
 * string the CLI and the sandbox print goes through `escapeForTerminal`, which shows each character that
 * could act on the terminal or on the text's direction as a visible `\uXXXX`. Pure.
 */

/**
 * C0 controls (tab and newline included: a name must not start a line of its own), DEL, C1 controls
 * (0x9b is a one-byte CSI), the line and paragraph separators, the bidi marks, embeddings, overrides
 * and isolates, and lone surrogates (which would print as U+FFFD and hide what they were).
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `s` with every control, separator, bidi and lone-surrogate code unit shown as `\uXXXX` (lowercase hex). */
export function escapeForTerminal(s: string): string {
  return s.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
