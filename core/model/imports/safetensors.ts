/**
 * Reading a safetensors file (the format written by exports/safetensors.ts, PyTorch's
 * safetensors package and train.py): float32 tensors only. Every length and offset is checked
 * against the file's size before anything is read, so a truncated or hostile file gives a one-line
 * reason, never a huge allocation or a half-read result. Pure: takes the bytes.
 */
import type { NamedTensor } from '../exports/tensors';
import { ImportError } from './errors';

/** A header longer than this is not a weights file Fathom could use (the format's own readers cap it at 100 MB). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

export function readSafetensors(bytes: Uint8Array, source = 'safetensors file'): NamedTensor[] {
  if (bytes.length < 8) throw new ImportError(source, `expected at least 8 bytes (the header's length), found ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8)))
    throw new ImportError(
      source,
      `the header claims ${declared} bytes but the file holds ${bytes.length - 8} after the length: cut short or not safetensors`,
    );
  const headerLength = Number(declared);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new ImportError(source, 'the header is not JSON text: not a safetensors file');
  }
  if (!isRecord(header)) throw new ImportError(source, 'the header is not a JSON object: not a safetensors file');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors: NamedTensor[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (!isRecord(entry)) throw new ImportError(source, `tensor "${name}" has no description`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (dtype !== 'F32') throw new ImportError(source, `tensor "${name}" is ${String(dtype)}; Fathom reads float32 (F32) tensors`);
    if (!Array.isArray(shape) || !shape.every(isCount))
      throw new ImportError(source, `tensor "${name}" has no valid shape (a list of whole numbers)`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount))
      throw new ImportError(source, `tensor "${name}" has no valid data_offsets`);
    const [begin, end] = offsets as [number, number];
    if (begin > end) throw new ImportError(source, `tensor "${name}" has data_offsets that end before they begin`);
    if (end > dataLength)
      throw new ImportError(source, `tensor "${name}" ends at byte ${end} of the data, which holds ${dataLength}: cut short`);
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (count * 4 !== end - begin)
      throw new ImportError(
        source,
        `tensor "${name}" of shape [${shape.join(', ')}] needs ${count * 4} bytes; its offsets span ${end - begin}`,
      );
    const data = new Float32Array(count);
    const at = bytes.byteOffset + dataStart + begin;
    const floats = new DataView(bytes.buffer, at, end - begin);
    for (let i = 0; i < count; i++) data[i] = floats.getFloat32(i * 4, true);
    tensors.push({ name, shape: [...(shape as number[])], data });
  }
  // The format stores tensors in any order; Fathom's order is that of their data in the file.
  return tensors.sort((a, b) => offsetOf(header, a.name) - offsetOf(header, b.name));
}

const offsetOf = (header: Record<string, unknown>, name: string): number =>
  (header[name] as { data_offsets: number[] }).data_offsets[0] ?? 0;
