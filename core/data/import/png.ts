/**
 * What a PNG declares before it is decoded (Node only): its size from the IHDR chunk, so that a
 * 114 KB file claiming 30000 × 30000 pixels is refused before pngjs allocates 3.6 GB for it. An
 * interlaced image's data is also inflated once with its declared size as the bound, because
 * pngjs inflates interlaced data without one.
 */
import { inflateSync } from 'node:zlib';

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  interlaced: boolean;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Signature (8) + IHDR length (4) + type (4) + 13 bytes of data + CRC (4). */
const HEADER_END = 33;
/** Channels per colour type: grey, RGB, palette, grey + alpha, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

const uint32 = (bytes: Uint8Array, at: number): number =>
  ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;

/** The header of a PNG file's bytes, or a phrase saying why they are not a PNG ("it does not start with…"). */
export function readPngHeader(bytes: Uint8Array): PngHeader | string {
  if (bytes.length < HEADER_END || SIGNATURE.some((b, i) => bytes[i] !== b)) return 'it does not start with the PNG signature';
  const type = String.fromCharCode(bytes[12]!, bytes[13]!, bytes[14]!, bytes[15]!);
  if (uint32(bytes, 8) !== 13 || type !== 'IHDR') return 'its first chunk is not the IHDR header';
  const header: PngHeader = {
    width: uint32(bytes, 16),
    height: uint32(bytes, 20),
    bitDepth: bytes[24]!,
    colourType: bytes[25]!,
    interlaced: bytes[28] === 1,
  };
  if (header.width === 0 || header.height === 0) return `its header declares ${header.width}×${header.height} pixels`;
  if (CHANNELS[header.colourType] === undefined) return `its header declares colour type ${header.colourType}, which PNG does not define`;
  return header;
}

/** Adam7's seven passes: first column, first row, column step, row step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Bytes an interlaced image's data inflates to: each pass's rows, each with its filter byte. */
function interlacedSize({ width, height, bitDepth, colourType }: PngHeader): number {
  const bits = CHANNELS[colourType]! * bitDepth;
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = width > x0 ? Math.ceil((width - x0) / dx) : 0;
    const h = height > y0 ? Math.ceil((height - y0) / dy) : 0;
    if (w > 0 && h > 0) total += h * (1 + Math.ceil((w * bits) / 8));
  }
  return total;
}

/**
 * For an interlaced PNG: undefined when its image data inflates to no more than its header
 * declares, else a phrase saying it does not. (Non-interlaced data pngjs bounds itself.)
 */
export function interlacedDataProblem(bytes: Uint8Array, header: PngHeader): string | undefined {
  const chunks: Uint8Array[] = [];
  for (let at = HEADER_END; at + 8 <= bytes.length;) {
    const length = uint32(bytes, at);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    if (type === 'IDAT') chunks.push(bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + length)));
    if (type === 'IEND') break;
    at += 12 + length;
  }
  const bound = interlacedSize(header);
  try {
    inflateSync(Buffer.concat(chunks), { maxOutputLength: bound });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      return `its image data inflates to more than the ${bound} bytes its header declares`;
    // Anything else pngjs reports in its own words.
  }
  return undefined;
}
