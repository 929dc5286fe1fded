/**
 * Text taken from a file (a CSV cell, a file name, a JSON parser's excerpt, a file's first bytes)
 * made safe to show in a message: control characters and invisible or reordering characters are
 * escaped, so a cell holding ESC[2J cannot clear the terminal a message is printed to and a NUL
 * or a right-to-left override cannot hide what the message says. Pure.
 */

/**
 * C0 controls, DEL, C1 controls, zero-width and bidirectional controls, line and paragraph
 * separators, the byte-order mark, non-characters, and lone UTF-16 surrogates.
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// No '\0' for NUL: before a digit or an 'x' it would read as something else ('\0x'); NUL is '\x00'.
const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(char: string): string {
  const short = SHORT[char];
  if (short !== undefined) return short;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with every unsafe character written as an escape (\n, \x1b, \u202e); the rest unchanged. */
export function escapeForMessage(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * JSON text (from JSON.stringify, which already escapes C0 controls) with the other unsafe
 * characters written as \u escapes too: still valid JSON, and safe to print to a terminal.
 */
export function escapeJsonText(json: string): string {
  return json.replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Longest quoted excerpt, in characters of the original text. */
export const QUOTE_LENGTH = 40;

/**
 * Text or bytes from a file, for a message: shortened to `max` characters (with '…'), escaped,
 * between single quotes. Bytes are shown as Latin-1 text with everything but printable ASCII
 * escaped, so `x.csv → /etc/passwd` shows at most a few escaped characters of it.
 */
export function quoteForMessage(content: string | Uint8Array, max = QUOTE_LENGTH): string {
  if (typeof content !== 'string') {
    let text = '';
    const n = content.length <= max ? content.length : max - 3;
    for (let i = 0; i < n; i++) {
      const byte = content[i]!;
      text += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : escapeChar(String.fromCharCode(byte));
    }
    return `'${text}${content.length > max ? '…' : ''}'`;
  }
  if (content.length <= max) return `'${escapeForMessage(content)}'`;
  let end = max - 3;
  // Do not cut a surrogate pair in half: the half would be shown as an escape.
  if (end > 0 && /[\ud800-\udbff]/.test(content[end - 1]!)) end--;
  return `'${escapeForMessage(content.slice(0, end))}…'`;
}
