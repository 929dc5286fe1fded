import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import {
  FileRefusal,
  formatBytes,
  openRegularFile,
  readRegularFile,
  readRegularFileSync,
  regularFileSize,
  streamOpened,
} from '../../../core/files/safe-read';
import { tempFolder } from '../data/import/fixtures';
import { MiB, linkToDevZero, makeFifo, peakGrowth, sparseFile } from './hostile';

const folder = tempFolder('safe-read');
afterAll(() => folder.remove());
const at = (name: string) => join(folder.path, name);

async function refusal(promise: Promise<unknown>): Promise<FileRefusal> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FileRefusal);
  return err as FileRefusal;
}

describe('reading only regular files of a bounded size', () => {
  it('reads a regular file, and a link to one, whole', async () => {
    writeFileSync(at('plain.txt'), 'hello');
    await fsp.symlink(at('plain.txt'), at('link.txt'));
    expect((await readRegularFile(at('plain.txt'), 100)).toString()).toBe('hello');
    expect((await readRegularFile(at('link.txt'), 100)).toString()).toBe('hello');
    expect(readRegularFileSync(at('link.txt'), 100).toString()).toBe('hello');
    expect(await regularFileSize(at('plain.txt'), 100)).toBe(5);
    const file = await openRegularFile(at('plain.txt'), 100);
    const chunks: Buffer[] = [];
    for await (const chunk of streamOpened(file)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('hello');
  });

  it('refuses a FIFO without waiting for a writer, saying what it is', { timeout: 60_000 }, async () => {
    const fifo = makeFifo(at('pipe.csv'));
    const err = await refusal(readRegularFile(fifo, 100));
    expect(err.reason).toBe('special');
    expect(err.message).toBe(`${fifo}: it is a named pipe (FIFO), not a regular file`);
    expect(() => readRegularFileSync(fifo, 100)).toThrow(/named pipe \(FIFO\), not a regular file/);
  });

  it('refuses a link to /dev/zero unread', async () => {
    const zero = linkToDevZero(at('zero.png'));
    const { error, growth } = await peakGrowth(() => readRegularFile(zero, 1 << 30));
    expect((error as FileRefusal).message).toMatch(/zero\.png: it is a character device, not a regular file$/);
    expect(growth).toBeLessThan(16 * MiB);
  });

  it('refuses a file over the limit before reading it', async () => {
    const big = sparseFile(at('big.bin'), 600 * MiB);
    const { error, growth } = await peakGrowth(() => readRegularFile(big, 100 * MiB));
    expect(error).toBeInstanceOf(FileRefusal);
    expect((error as FileRefusal).reason).toBe('too-large');
    expect((error as FileRefusal).size).toEqual({ bytes: 600 * MiB, limit: 100 * MiB });
    expect((error as FileRefusal).message).toMatch(/it holds 600 MiB, more than the 100 MiB allowed$/);
    expect(growth).toBeLessThan(16 * MiB);
  });

  it('refuses folders and missing files in plain words', async () => {
    mkdirSync(at('folder'));
    expect((await refusal(readRegularFile(at('folder'), 100))).why).toBe('it is a folder, not a file');
    expect((await refusal(readRegularFile(at('nothing'), 100))).why).toBe('there is no such file');
  });

  it('checks the open handle too: a FIFO swapped in after the stat is refused, not waited on', { timeout: 60_000 }, async () => {
    writeFileSync(at('real.csv'), '1,2\n');
    const fifo = makeFifo(at('swapped.csv'));
    const realStats = await fsp.stat(at('real.csv'));
    // The stat sees a regular file; by the time of the open, a FIFO is there.
    const lyingStat = { stat: async () => realStats, open: (path: string, flags: number) => fsp.open(path, flags) };
    const err = await refusal(openRegularFile(fifo, 100, lyingStat));
    expect(err.reason).toBe('special');
    expect(err.why).toBe('it is a named pipe (FIFO), not a regular file (it changed while being opened)');
  });

  it('refuses a file whose size changed between the stat and the open', async () => {
    writeFileSync(at('grows.csv'), '1,2\n');
    const before = await fsp.stat(at('grows.csv'));
    writeFileSync(at('grows.csv'), '1,2\n3,4\n');
    const staleStat = { stat: async () => before, open: (path: string, flags: number) => fsp.open(path, flags) };
    expect((await refusal(openRegularFile(at('grows.csv'), 100, staleStat))).reason).toBe('changed');
  });

  it('leaves the thread pool free: five FIFO reads at once, then every other file call still answers', { timeout: 60_000 }, async () => {
    const fifos = Array.from({ length: 5 }, (_, i) => makeFifo(at(`pool-${i}.idx`)));
    const results = await Promise.allSettled(fifos.map((f) => readRegularFile(f, 100)));
    expect(results.map((r) => r.status)).toEqual(new Array(5).fill('rejected'));
    writeFileSync(at('after.txt'), 'still answering');
    expect(await fsp.readFile(at('after.txt'), 'utf8')).toBe('still answering');
  });

  it('words sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(64 * 1024)).toBe('64 KiB');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GiB');
    expect(formatBytes(395.7 * MiB)).toBe('395.7 MiB');
  });
});
