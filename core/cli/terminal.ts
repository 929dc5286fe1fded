/**
 * What the CLI writes to a terminal: text that quotes a file (a CSV cell, a model's dataset name,
 * a path) must not reach it raw, since a terminal acts on control characters instead of showing
 * them (a cell holding ESC[2J would clear the screen). Every line the CLI prints goes through here.
 */

/** C0 controls, DEL, C1 controls (some terminals act on them), and the bidirectional overrides that reorder what is shown. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;
/** What JSON.stringify leaves raw of UNSAFE (it escapes C0 itself). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(char: string): string {
  const code = char.codePointAt(0)!;
  return NAMED[char] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/** `text` with every character a terminal could act on written as a visible escape (`\x1b`, `\n`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** One JSON line, with the characters JSON.stringify leaves raw escaped too (still valid JSON). */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_IN_JSON, (char) => `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}
