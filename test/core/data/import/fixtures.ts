/** Test helpers for importers and the library: temporary folders, PNG files, folder snapshots, error checks. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { PNG } from 'pngjs';
import { expect } from 'vitest';
import { DataError } from '../../../../core/data/errors';
import type { DataErrorCode } from '../../../../core/data/errors';

/** A fresh folder under the system's temp folder, and a function removing it. */
export function tempFolder(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `fathom-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function writeText(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** Writes a PNG whose pixel (x, y) has grey level grey(x, y); `colour` writes RGB with the grey in green only. */
export function writePng(
  path: string,
  width: number,
  height: number,
  grey: (x: number, y: number) => number,
  options: { colour?: boolean; alpha?: number } = {},
): string {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = 4 * (y * width + x);
      const v = Math.max(0, Math.min(255, Math.round(grey(x, y))));
      png.data[k] = options.colour ? 0 : v;
      png.data[k + 1] = v;
      png.data[k + 2] = options.colour ? 0 : v;
      png.data[k + 3] = options.alpha ?? 255;
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, PNG.sync.write(png));
  return path;
}

/** Every file under `root` (hidden ones too) with the SHA-256 of its content: equal snapshots, unchanged folder. */
export function snapshot(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        files[`${relative(root, path)}/`] = 'folder';
        walk(path);
      } else files[relative(root, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  if (statSync(root, { throwIfNoEntry: false })) walk(root);
  return files;
}

/** Awaits a promise that must reject with a DataError of this code and a message matching `message`. */
export async function expectDataError(promise: Promise<unknown>, code: DataErrorCode, message: RegExp | string): Promise<DataError> {
  let error: unknown;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  expect(error, 'expected a DataError').toBeInstanceOf(DataError);
  const dataError = error as DataError;
  expect(dataError.message).toMatch(message);
  expect(dataError.code).toBe(code);
  return dataError;
}

/** An IDX file: magic 00 00, type 08 (unsigned bytes), rank, big-endian int32 dims, then `data`. */
export function idxBytes(dims: number[], data: ArrayLike<number>): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  header.setUint8(2, 0x08);
  header.setUint8(3, dims.length);
  dims.forEach((d, i) => header.setInt32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.byteLength + data.length);
  out.set(new Uint8Array(header.buffer), 0);
  out.set(Array.from(data), header.byteLength);
  return out;
}

/** Writes `<prefix>-images-idx3-ubyte` and `<prefix>-labels-idx1-ubyte` (gzipped with `gz`) of `labels.length` r×c images. */
export function writeIdxPair(
  folder: string,
  prefix: string,
  labels: number[],
  rows = 2,
  cols = 2,
  gz?: (b: Uint8Array) => Uint8Array,
): { images: string; labels: string } {
  mkdirSync(folder, { recursive: true });
  const pixels = Array.from({ length: labels.length * rows * cols }, (_, k) => (labels[Math.floor(k / (rows * cols))]! * 50 + k) % 256);
  const suffix = gz ? '.gz' : '';
  const images = join(folder, `${prefix}-images-idx3-ubyte${suffix}`);
  const labelsPath = join(folder, `${prefix}-labels-idx1-ubyte${suffix}`);
  const encode = gz ?? ((b: Uint8Array) => b);
  writeFileSync(images, encode(idxBytes([labels.length, rows, cols], pixels)));
  writeFileSync(labelsPath, encode(idxBytes([labels.length], labels)));
  return { images, labels: labelsPath };
}
