/**
 * JSON.parse for the bytes of a model file that never blocks its thread on the weights (Node only).
 * A model's size is almost all base64 strings: parsing a 400 MB file whole holds the main thread
 * for seconds and makes a 400 MB string first. Here each long string (the weights of a layer) is
 * cut out of the text before parsing, found with Buffer.indexOf (memchr) a few megabytes at a
 * time, and replaced by a short placeholder; the small rest is parsed, and the long strings are
 * then made straight from their bytes, one at a time with a pause between them, or kept as bytes.
 */
import { randomBytes } from 'node:crypto';

/** Strings at least this long (in bytes) are cut out; shorter ones are left to JSON.parse. */
const LONG = 64 * 1024;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The text cut into a skeleton to parse, and where each long string's bytes are. */
interface Skeleton {
  text: string;
  /** What every placeholder starts with. */
  prefix: string;
  /** Placeholder string (as JSON.parse returns it) → [start, end) of the string's bytes. */
  long: Map<string, [number, number]>;
  /** Original offsets of the skeleton's placeholders, to map a parse error's position back. */
  cuts: { at: number; saved: number }[];
}

/** Bytes searched between two pauses: first reads of a freshly read buffer can be slow, so large files are scanned in pieces. */
const WINDOW = 4 * 1024 * 1024;

/** The index of `byte` in bytes[from, to), or -1; pausing (yielding) between windows. */
function* find(bytes: Buffer, byte: number, from: number, to = bytes.length): Generator<void, number> {
  for (let start = from; start < to; start += WINDOW) {
    if (start > from) yield;
    const found = bytes.subarray(start, Math.min(to, start + WINDOW)).indexOf(byte);
    if (found >= 0) return start + found;
  }
  return -1;
}

/** Cuts long strings without escapes out of `bytes`; an unterminated string is left for JSON.parse to report. */
function* skeletonOf(bytes: Buffer): Generator<void, Skeleton> {
  // A placeholder no file can hold by chance: a NUL (which JSON text can only write escaped) and a random nonce.
  const prefix = `\u0000${randomBytes(4).toString('hex')}-`;
  const parts: Buffer[] = [];
  const long = new Map<string, [number, number]>();
  const cuts: Skeleton['cuts'] = [];
  let kept = 0; // bytes before this are in `parts`
  let skeletonLength = 0;
  for (let pos = 0; ;) {
    const open = yield* find(bytes, QUOTE, pos);
    if (open < 0) break;
    // The closing quote is the first one not escaped; each byte of the string is searched once for each.
    let from = open + 1;
    let close = yield* find(bytes, QUOTE, from);
    let escaped = false;
    while (close >= 0) {
      const backslash = yield* find(bytes, BACKSLASH, from, close);
      if (backslash < 0) break;
      escaped = true;
      from = backslash + 2;
      // Only an escaped quote (backslash + 1 = close) moves the end; otherwise no quote lies between.
      if (from > close) close = yield* find(bytes, QUOTE, from);
    }
    if (close < 0) break;
    if (!escaped && close - open - 1 >= LONG) {
      const placeholder = `${prefix}${long.size}`;
      const json = Buffer.from(JSON.stringify(placeholder));
      parts.push(bytes.subarray(kept, open), json);
      skeletonLength += open - kept;
      cuts.push({ at: skeletonLength, saved: close + 1 - open - json.length });
      skeletonLength += json.length;
      long.set(placeholder, [open + 1, close]);
      kept = close + 1;
    }
    pos = close + 1;
  }
  parts.push(bytes.subarray(kept));
  return { text: Buffer.concat(parts).toString('utf8'), prefix, long, cuts };
}

/**
 * A JSON.parse error of the skeleton as an error about the original text: its "position N"
 * counted in the original, and placeholders in the excerpt V8 quotes written as '…'.
 */
function errorInOriginal(err: Error, skeleton: Skeleton): Error {
  const escapedPrefix = JSON.stringify(skeleton.prefix).slice(1, -1);
  const message = err.message
    .replace(/position (\d+)/, (_, p: string) => {
      let position = Number(p);
      for (const cut of skeleton.cuts) if (cut.at < Number(p)) position += cut.saved;
      return `position ${position}`;
    })
    .replaceAll(new RegExp(`${escapedPrefix.replaceAll('\\', '\\\\')}\\d+`, 'g'), '…');
  return new SyntaxError(message);
}

/** Where a placeholder sits in the parsed value, to put its string there. */
interface Slot {
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  placeholder: string;
  path: readonly (string | number)[];
}

/** Collects the slots holding placeholders; a placeholder used as a key (no model has one) is restored at once. */
function findSlots(
  value: unknown,
  path: (string | number)[],
  long: Map<string, unknown>,
  slots: Slot[],
  real: (placeholder: string) => string,
): void {
  if (typeof value !== 'object' || value === null) return;
  const holder = value as Record<string, unknown> | unknown[];
  if (!Array.isArray(holder)) {
    for (const key of Object.keys(holder).filter((k) => long.has(k))) {
      const item = holder[key];
      delete holder[key];
      Object.defineProperty(holder, real(key), { value: item, enumerable: true, writable: true, configurable: true });
    }
  }
  for (const key of Array.isArray(holder) ? holder.keys() : Object.keys(holder)) {
    const item = (holder as Record<string | number, unknown>)[key];
    if (typeof item === 'string') {
      if (long.has(item)) slots.push({ holder, key, placeholder: item, path: [...path, key] });
    } else findSlots(item, [...path, key], long, slots, real);
  }
}

const EXACT_ERRORS_BELOW = 16 * 1024 * 1024;

export interface LargeJsonOptions {
  /** Below this size a text that does not parse is parsed whole once more, for JSON.parse's exact words; default 16 MiB. */
  exactErrorsBelow?: number;
  /** Sees the value before its long strings are made (they are placeholders then): it may refuse it cheaply. */
  check?: (value: unknown) => void;
  /** Long strings at these paths stay placeholders: their bytes are read through `bytesOf`, their string made by `stringOf`. */
  keep?: (path: readonly (string | number)[]) => boolean;
}

/** A parsed value, with the long strings it kept as placeholders. */
export interface LargeJson {
  value: unknown;
  /** The UTF-8 bytes of a kept long string, or undefined for any other string. */
  bytesOf(text: string): Uint8Array | undefined;
  stringOf(text: string): string;
}

/**
 * Parses a model file's bytes (UTF-8, with or without a byte-order mark) as JSON.parse would,
 * awaiting `pause()` between long strings. Throws JSON.parse's SyntaxError: its own for a small
 * text, else the skeleton's with the position counted in the original.
 */
export async function parseLargeJson(bytes: Buffer, pause: () => Promise<void>, options: LargeJsonOptions = {}): Promise<LargeJson> {
  const { exactErrorsBelow = EXACT_ERRORS_BELOW, check, keep } = options;
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const steps = skeletonOf(body);
  let skeleton: Skeleton;
  for (;;) {
    const next = steps.next();
    if (next.done) {
      skeleton = next.value;
      break;
    }
    await pause();
  }
  const range = (text: string): [number, number] | undefined => skeleton.long.get(text);
  const stringOf = (text: string): string => {
    const at = range(text);
    return at ? body.toString('utf8', ...at) : text;
  };
  const bytesOf = (text: string): Uint8Array | undefined => {
    const at = range(text);
    return at ? body.subarray(...at) : undefined;
  };
  let value: unknown;
  try {
    value = JSON.parse(skeleton.text);
  } catch (err) {
    if (body.length < exactErrorsBelow) return { value: JSON.parse(body.toString('utf8')), bytesOf, stringOf };
    throw errorInOriginal(err as Error, skeleton);
  }
  check?.(value);
  if (skeleton.long.size === 0) return { value, bytesOf, stringOf };
  if (typeof value === 'string') return { value: stringOf(value), bytesOf, stringOf };
  const slots: Slot[] = [];
  findSlots(value, [], skeleton.long, slots, stringOf);
  for (const { holder, key, placeholder, path } of slots) {
    if (keep?.(path)) continue;
    await pause();
    (holder as Record<string | number, unknown>)[key] = stringOf(placeholder);
  }
  return { value, bytesOf, stringOf };
}
