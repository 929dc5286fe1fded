/**
 * Float32 arrays as little-endian bytes and as standard base64 (RFC 4648 §4, with '=' padding).
 * Pure: no Node Buffer, no atob/btoa, and byte order set explicitly through DataView, so a file
 * written on any host reads back bit for bit on any other, in Node or in a browser.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Character code → 6-bit value, or −1 for characters outside the alphabet. */
const VALUE = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/** Whether this host stores floats least significant byte first (every platform Electron ships on does). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Raised for text that is not canonical base64, or bytes that are not a whole number of floats. */
export class Base64Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Base64Error';
  }
}

/** The values as IEEE 754 single-precision floats, 4 bytes each, least significant byte first. */
export function float32ToBytes(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return bytes;
}

/** Little-endian float32 bytes back to floats; the byte count must be a multiple of 4. */
export function bytesToFloat32(bytes: Uint8Array): Float32Array {
  if (bytes.length % 4 !== 0) throw new Base64Error(`the data holds ${bytes.length} bytes, which is not a whole number of 4-byte floats`);
  const out = new Float32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let line = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    line += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!;
    // Strings built by += become ropes; flattening them every few KB keeps memory flat for big layers.
    if (line.length >= 8192) {
      parts.push(line);
      line = '';
    }
  }
  const rest = n - i;
  if (rest === 1) {
    const v = bytes[i]! << 16;
    line += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    line += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + '=';
  }
  parts.push(line);
  return parts.join('');
}

/** Characters decoded between two pauses of a stepped decode: about a millisecond of work on a quiet machine. */
export const DECODE_STEP = 1 << 18;

/**
 * Decodes canonical base64 (length a multiple of 4, '=' only as final padding, no whitespace),
 * pausing (yielding) after every `step` characters so that a caller can let other work run while
 * a layer of many megabytes is decoded. The text may be given as its ASCII bytes (a model file's
 * bytes, never made into a string); `out`, when it has exactly the decoded length, receives them.
 */
export function* base64ToBytesSteps(text: string | Uint8Array, step = DECODE_STEP, out?: Uint8Array): Generator<void, Uint8Array> {
  const isString = typeof text === 'string';
  const codeAt = (i: number): number => (isString ? text.charCodeAt(i) : text[i]!);
  const length = text.length;
  if (length % 4 !== 0)
    throw new Base64Error(`base64 text must come in groups of 4 characters, but it has ${length} (${length % 4} left over)`);
  const last = length >= 1 ? codeAt(length - 1) : 0;
  const padding = last === 61 ? (length >= 2 && codeAt(length - 2) === 61 ? 2 : 1) : 0;
  const body = length - padding;
  const size = (length / 4) * 3 - padding;
  const bytes = out !== undefined && out.length === size ? out : new Uint8Array(size);
  let at = 0;
  let acc = 0;
  for (let from = 0; from < body; from += step) {
    if (from > 0) yield;
    const to = Math.min(body, from + step);
    for (let i = from; i < to; i++) {
      const code = codeAt(i);
      const v = code < 128 ? VALUE[code]! : -1;
      if (v < 0) {
        const shown = code === 61 ? "'='" : JSON.stringify(String.fromCharCode(code));
        throw new Base64Error(`base64 text has the character ${shown} at position ${i}, which base64 does not allow there`);
      }
      acc = (acc << 6) | v;
      if ((i & 3) === 3) {
        bytes[at++] = (acc >> 16) & 255;
        bytes[at++] = (acc >> 8) & 255;
        bytes[at++] = acc & 255;
        acc = 0;
      }
    }
  }
  if (padding === 2) {
    if (acc & 0xf) throw new Base64Error('base64 text has stray bits before its "==" padding (it was not written by a base64 encoder)');
    bytes[at] = (acc >> 4) & 255;
  } else if (padding === 1) {
    if (acc & 0x3) throw new Base64Error('base64 text has stray bits before its "=" padding (it was not written by a base64 encoder)');
    bytes[at++] = (acc >> 10) & 255;
    bytes[at] = (acc >> 2) & 255;
  }
  return bytes;
}

/** Runs a stepped computation to its end without pausing. */
export function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Decodes canonical base64: length a multiple of 4, '=' only as final padding, no whitespace. */
export function base64ToBytes(text: string): Uint8Array {
  return runSteps(base64ToBytesSteps(text, Number.MAX_SAFE_INTEGER));
}

/** Float32 values → base64 of their little-endian bytes. */
export function encodeFloat32(values: ArrayLike<number>): string {
  return bytesToBase64(float32ToBytes(values));
}

/**
 * base64 of little-endian float32 bytes (as text or as its bytes) → the floats, pausing every
 * `step` characters (see base64ToBytesSteps). When `into` holds exactly as many floats, they are
 * decoded into it (on a little-endian host with no copy at all) and `into` is returned.
 */
export function* decodeFloat32Steps(text: string | Uint8Array, step = DECODE_STEP, into?: Float32Array): Generator<void, Float32Array> {
  const target = into !== undefined && LITTLE_ENDIAN ? new Uint8Array(into.buffer, into.byteOffset, into.byteLength) : undefined;
  const bytes = yield* base64ToBytesSteps(text, step, target);
  if (target !== undefined && bytes === target) return into!;
  // On a little-endian host the decoded bytes already are the floats: no second pass over a large layer.
  const values =
    LITTLE_ENDIAN && bytes.length % 4 === 0 ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) : bytesToFloat32(bytes);
  if (into !== undefined && into.length === values.length) {
    into.set(values);
    return into;
  }
  return values;
}

/** base64 of little-endian float32 bytes → the floats; throws Base64Error on malformed text. */
export function decodeFloat32(text: string): Float32Array {
  return bytesToFloat32(base64ToBytes(text));
}
