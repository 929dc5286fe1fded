/**
 * What a file dropped on the window is, decided in main. The preload sends the dropped files' paths
 * (webUtils.getPathForFile) on one channel, DROP_CHANNEL; the page never names them. Whatever
 * arrives is checked again here as if forged: an array of one to four absolute paths that exist,
 * each a regular file or a folder, of a kind Fathom opens — a model file (*.fathom.json) to show in
 * Inspect, IDX or CSV files or a dataset folder to import. Anything else is refused with a reason.
 */
import { stat } from 'node:fs/promises';
import { basename, isAbsolute } from 'node:path';
import type { ImportKind } from '../core/lab/contract';
import { MODEL_EXTENSION } from '../core/model/format';

/** IDX sets come as two or four files; more than this at once is not a dataset Fathom knows. */
export const MAX_DROPPED = 4;
const MAX_PATH = 4096;

export type DroppedFiles =
  { kind: 'model'; path: string } | { kind: 'import'; importKind: ImportKind; paths: string[] } | { kind: 'refused'; reason: string };

const IDX_NAME = /(idx[13]-ubyte|\.idx[13]?)(\.gz)?$/i;
const CSV_NAME = /\.(csv|tsv)(\.gz)?$/i;

const refuse = (reason: string): DroppedFiles => ({ kind: 'refused', reason });

/** What the dropped paths are (see the file's comment), checking the payload's shape first. */
export async function classifyDropped(payload: unknown): Promise<DroppedFiles> {
  if (!Array.isArray(payload) || payload.length === 0) return refuse('nothing that Fathom can open was dropped');
  if (payload.length > MAX_DROPPED)
    return refuse(`${payload.length} files were dropped; Fathom opens one model or one dataset (at most ${MAX_DROPPED} files) at a time`);
  if (!payload.every((p): p is string => typeof p === 'string' && p.length > 0 && p.length <= MAX_PATH && !p.includes('\0')))
    return refuse('the dropped item is not a file on this computer');
  const paths = payload;
  const relative = paths.find((p) => !isAbsolute(p));
  if (relative !== undefined) return refuse(`${basename(relative)} is not a file on this computer`);
  const kinds: ('file' | 'folder')[] = [];
  for (const path of paths) {
    try {
      const info = await stat(path);
      if (info.isFile()) kinds.push('file');
      else if (info.isDirectory()) kinds.push('folder');
      else return refuse(`${basename(path)} is not a regular file or folder`);
    } catch {
      return refuse(`${basename(path)} does not exist (or cannot be read)`);
    }
  }
  const names = paths.map((path) => basename(path));
  if (kinds.includes('folder')) {
    if (paths.length > 1) return refuse('drop one dataset folder on its own, not with other files');
    return { kind: 'import', importKind: 'auto', paths };
  }
  if (names.some((name) => name.toLowerCase().endsWith(MODEL_EXTENSION))) {
    if (paths.length > 1) return refuse(`drop one model file (*${MODEL_EXTENSION}) on its own`);
    return { kind: 'model', path: paths[0]! };
  }
  if (names.every((name) => IDX_NAME.test(name))) {
    if (paths.length !== 2 && paths.length !== 4)
      return refuse('an IDX dataset is its image and label files: drop two (images and labels) or four (train and test) together');
    return { kind: 'import', importKind: 'idx', paths };
  }
  if (names.every((name) => CSV_NAME.test(name))) {
    if (paths.length > 2) return refuse('a CSV dataset is one table, or a train and a test table');
    return { kind: 'import', importKind: 'csv', paths };
  }
  return refuse(
    `Fathom cannot open ${names.join(', ')}: drop a model file (*${MODEL_EXTENSION}), IDX files (*-idx3-ubyte, *-idx1-ubyte, raw or .gz), CSV files or a dataset folder`,
  );
}
