/**
 * Generated hostile fixtures and the memory bound the tests hold them to. Nothing here is checked
 * in: every FIFO, device link, sparse file and bomb is made in a temp folder by the test that uses it.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { crc32, createGzip } from 'node:zlib';

/** A named pipe (FIFO) at `path`: opening it for reading without O_NONBLOCK waits for a writer forever. */
export function makeFifo(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  execFileSync('mkfifo', [path]);
  return path;
}

/** A symbolic link at `path` to /dev/zero, which reads zeros without end. */
export function linkToDevZero(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync('/dev/zero', path);
  return path;
}

/** A sparse file of `bytes` bytes (no disk space used): any reader that does not check sizes allocates them all. */
export function sparseFile(path: string, bytes: number): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '');
  truncateSync(path, bytes);
  return path;
}

/** Writes `head` then `zeros` zero bytes, gzipped, streamed (so the test itself never holds them). */
export async function gzipBomb(path: string, head: Uint8Array, zeros: number): Promise<string> {
  const chunk = Buffer.alloc(1 << 20);
  async function* source() {
    yield Buffer.from(head);
    for (let left = zeros; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
  }
  mkdirSync(dirname(path), { recursive: true });
  await pipeline(Readable.from(source()), createGzip({ level: 1 }), createWriteStream(path));
  return path;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A PNG whose header declares width × height grey pixels and whose image data is `idat` (already
 * deflated): a 30000 × 30000 header over a few bytes is what made the old importer freeze.
 */
export function pngWithHeader(width: number, height: number, idat: Uint8Array, interlaced = false): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  ihdr[12] = interlaced ? 1 : 0;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array(0))]);
}

const used = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

/**
 * Runs `fn` and returns what it threw (or undefined) with the largest growth of heap + external
 * memory seen while it ran: sampled whenever the event loop turns and once at the end. A reader
 * that allocated what a bomb declares would show gigabytes here (or be killed first).
 */
export async function peakGrowth(fn: () => Promise<unknown>): Promise<{ error: unknown; growth: number }> {
  const before = used();
  let peak = before;
  let running = true;
  const sample = () => {
    peak = Math.max(peak, used());
    if (running) setImmediate(sample);
  };
  setImmediate(sample);
  let error: unknown;
  try {
    await fn();
  } catch (err) {
    error = err;
  } finally {
    running = false;
    peak = Math.max(peak, used());
  }
  return { error, growth: peak - before };
}

export const MiB = 1024 * 1024;
