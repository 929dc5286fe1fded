/**
 * NumPy's .npz, written by hand: a zip archive (stored, not compressed) of one .npy file per
 * tensor, `numpy.load(path)["W2"]` gives the matrix back. Only what numpy reads is written: npy
 * format 1.0 headers, and zip entries without zip64 (so the whole archive stays under 4 GiB, far
 * above Fathom's largest model). Pure: returns bytes.
 */
import { littleEndianBytes, type NamedTensor } from './tensors';

/** The .npy bytes of one float32 tensor: magic, version 1.0, a Python-dict header padded to 64 bytes, the data. */
export function npyBytes(tensor: NamedTensor): Uint8Array {
  const shape = tensor.shape.length === 1 ? `(${tensor.shape[0]},)` : `(${tensor.shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const prefix = 10; // \x93NUMPY, major, minor, u16 header length
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const header = dict + ' '.repeat(total - prefix - dict.length - 1) + '\n';
  const out = new Uint8Array(total + tensor.data.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(littleEndianBytes(tensor.data), total);
  return out;
}

/** The .npz archive of `tensors`: one entry NAME.npy each. */
export function npzBytes(tensors: readonly NamedTensor[]): Uint8Array {
  return zipStored(tensors.map((t) => ({ name: `${t.name}.npy`, data: npyBytes(t) })));
}

const ZIP_LIMIT = 0xffffffff;

/** A zip archive of `entries`, stored without compression (method 0), version 2.0, no zip64. */
export function zipStored(entries: readonly { name: string; data: Uint8Array }[]): Uint8Array {
  const encoder = new TextEncoder();
  const names = entries.map((e) => encoder.encode(e.name));
  const localSize = entries.reduce((sum, e, i) => sum + 30 + names[i]!.length + e.data.length, 0);
  const centralSize = names.reduce((sum, n) => sum + 46 + n.length, 0);
  const size = localSize + centralSize + 22;
  if (size > ZIP_LIMIT || entries.length > 0xffff)
    throw new Error(`the archive would be ${size} bytes; a zip without zip64 holds at most 4 GiB`);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const offsets: number[] = [];
  const crcs = entries.map((e) => crc32(e.data));
  let at = 0;
  entries.forEach((entry, i) => {
    const name = names[i]!;
    offsets.push(at);
    view.setUint32(at, 0x04034b50, true); // local file header
    view.setUint16(at + 4, 20, true); // version needed: 2.0
    view.setUint16(at + 8, 0, true); // stored
    view.setUint16(at + 12, 0x21, true); // DOS date 1980-01-01, so the bytes do not depend on the clock
    view.setUint32(at + 14, crcs[i]!, true);
    view.setUint32(at + 18, entry.data.length, true);
    view.setUint32(at + 22, entry.data.length, true);
    view.setUint16(at + 26, name.length, true);
    out.set(name, at + 30);
    out.set(entry.data, at + 30 + name.length);
    at += 30 + name.length + entry.data.length;
  });
  const centralStart = at;
  entries.forEach((entry, i) => {
    const name = names[i]!;
    view.setUint32(at, 0x02014b50, true); // central directory header
    view.setUint16(at + 4, 20, true); // made by 2.0
    view.setUint16(at + 6, 20, true);
    view.setUint16(at + 14, 0x21, true);
    view.setUint32(at + 16, crcs[i]!, true);
    view.setUint32(at + 20, entry.data.length, true);
    view.setUint32(at + 24, entry.data.length, true);
    view.setUint16(at + 28, name.length, true);
    view.setUint32(at + 42, offsets[i]!, true);
    out.set(name, at + 46);
    at += 46 + name.length;
  });
  view.setUint32(at, 0x06054b50, true); // end of central directory
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, at - centralStart, true);
  view.setUint32(at + 16, centralStart, true);
  return out;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, as zip uses it). */
export function crc32(bytes: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
