/**
 * The safetensors format (Hugging Face), written by hand: an 8-byte little-endian header length, a
 * JSON header naming each tensor's dtype, shape and byte range, then the tensors' bytes back to back.
 * PyTorch reads it with the `safetensors` package, or with the few lines of Python in the exported
 * project (no package needed). Pure: returns bytes.
 */
import { littleEndianBytes, type NamedTensor } from './tensors';

/** Header entries of one tensor, as the format names them. */
interface HeaderEntry {
  dtype: 'F32';
  shape: number[];
  data_offsets: [number, number];
}

/**
 * The safetensors file of `tensors` (float32, in the order given). `metadata` goes into the
 * header's "__metadata__" (string values only, as the format requires).
 */
export function safetensorsBytes(tensors: readonly NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name === '__metadata__' || t.name in header) throw new Error(`tensor name "${t.name}" is used twice or is reserved`);
    const end = offset + t.data.length * 4;
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, end] };
    offset = end;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Pad with spaces so the data starts 8-byte aligned (as the reference writer does).
  const headerBytes = new Uint8Array(json.length + ((8 - (json.length % 8)) % 8)).fill(0x20);
  headerBytes.set(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors) {
    out.set(littleEndianBytes(t.data), at);
    at += t.data.length * 4;
  }
  return out;
}
