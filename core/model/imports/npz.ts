/**
 * Reading NumPy's .npz (a zip of .npy files, as numpy.savez and exports/npz.ts write them): float32
 * and float64 arrays in C order, read as float32. Deflated entries (numpy.savez_compressed) need an
 * `inflate` function, which the Node caller passes (zlib). Every offset and size is checked against
 * the bytes before it is used. Pure: takes the bytes.
 */
import type { NamedTensor } from '../exports/tensors';
import { ImportError } from './errors';

export type Inflate = (deflated: Uint8Array, expectedBytes: number) => Uint8Array;

interface Entry {
  name: string;
  method: number;
  compressed: number;
  size: number;
  offset: number;
}

export function readNpz(bytes: Uint8Array, source: string, inflate?: Inflate): NamedTensor[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (detail: string): never => {
    throw new ImportError(source, detail);
  };
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--)
    if (view.getUint32(at, true) === 0x06054b50) {
      end = at;
      break;
    }
  if (end < 0) bad('is not a zip archive (no end record): not an .npz file, or cut short');
  const count = view.getUint16(end + 10, true);
  const dirSize = view.getUint32(end + 12, true);
  const dirStart = view.getUint32(end + 16, true);
  if (dirStart + dirSize > end) bad('its zip directory lies outside the file: cut short or damaged');
  const entries: Entry[] = [];
  for (let i = 0, at = dirStart; i < count; i++) {
    if (at + 46 > end || view.getUint32(at, true) !== 0x02014b50) bad(`its zip directory entry ${i + 1} is damaged`);
    const nameLength = view.getUint16(at + 28, true);
    const extra = view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    if (at + 46 + nameLength > end) bad(`its zip directory entry ${i + 1} is damaged`);
    entries.push({
      name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      method: view.getUint16(at + 10, true),
      compressed: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      offset: view.getUint32(at + 42, true),
    });
    at += 46 + nameLength + extra;
  }
  return entries.map((e) => {
    if (e.offset + 30 > bytes.length || view.getUint32(e.offset, true) !== 0x04034b50) bad(`the entry ${e.name} is damaged`);
    const start = e.offset + 30 + view.getUint16(e.offset + 26, true) + view.getUint16(e.offset + 28, true);
    if (start + e.compressed > bytes.length) bad(`the entry ${e.name} is cut short`);
    const stored = bytes.subarray(start, start + e.compressed);
    let data: Uint8Array;
    if (e.method === 0) data = stored;
    else if (e.method === 8 && inflate) {
      try {
        data = inflate(stored, e.size);
      } catch {
        data = bad(`the entry ${e.name} does not inflate to the ${e.size} bytes its directory says`);
      }
    } else data = bad(`the entry ${e.name} is compressed (method ${e.method}), which is not read here`);
    if (data.length !== e.size) bad(`the entry ${e.name} holds ${data.length} bytes; its directory says ${e.size}`);
    return readNpy(data, e.name.replace(/\.npy$/, ''), source);
  });
}

/** One .npy array as a float32 tensor named `name`. */
export function readNpy(bytes: Uint8Array, name: string, source: string): NamedTensor {
  const bad = (detail: string): never => {
    throw new ImportError(source, `array "${name}" ${detail}`);
  };
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) bad('is not a .npy array (no NUMPY magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const [lengthAt, headerAt] = major === 1 ? [8, 10] : [8, 12];
  if (major < 1 || major > 3 || bytes.length < headerAt) bad(`is .npy version ${major}, which is not read here`);
  const headerLength = major === 1 ? view.getUint16(lengthAt, true) : view.getUint32(lengthAt, true);
  if (headerAt + headerLength > bytes.length) bad('is cut short in its header');
  const header = new TextDecoder().decode(bytes.subarray(headerAt, headerAt + headerLength));
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) bad('has a header numpy did not write');
  if (fortran === 'True') bad('is stored in Fortran order; save it in C order (numpy.ascontiguousarray)');
  if (descr !== '<f4' && descr !== '<f8') bad(`is of dtype ${descr}; Fathom reads float32 (<f4) or float64 (<f8) arrays`);
  const shape = shapeText!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) bad(`has an invalid shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const width = descr === '<f4' ? 4 : 8;
  const dataStart = headerAt + headerLength;
  if (bytes.length - dataStart !== count * width)
    bad(`of shape (${shape.join(', ')}) needs ${count * width} bytes; it holds ${bytes.length - dataStart}`);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++)
    data[i] = width === 4 ? view.getFloat32(dataStart + i * 4, true) : view.getFloat64(dataStart + i * 8, true);
  return { name, shape, data };
}
