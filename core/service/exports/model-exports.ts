/**
 * What a person takes away from the lab, each through a save dialog main shows (the page never
 * names a path): a model file, the same network as ONNX, a run's history as CSV, and a picture the
 * page rendered (the Train charts) as PNG. Every file is written atomically; a failed write says
 * which file and why, and leaves any earlier file there unchanged.
 */
import { basename, dirname } from 'node:path';
import type { SaveKind, SaveResult } from '../../lab/contract';
import type { ModelSourceRequest, RunIdRequest, SavePngRequest } from '../../lab/contract';
import { MAX_PNG_BYTES } from '../../lab/shell-types';
import type { LoadedModel } from '../../model/model-file';
import { saveModelFile, writeFileAtomic } from '../../model/model-files';
import { exportOnnx } from '../../model/onnx';
import { LabError } from '../errors';
import { fileProblem } from '../file-problem';
import { historyCsv, type HistoryRow } from './history-csv';

/** A model to save or export: its weights and what is known of its training, and a name for the file. */
export interface ExportedModel {
  name: string;
  loaded: LoadedModel;
}

export interface ModelExportsOptions {
  /** Where to save a file of this kind (the dialog suggests `defaultName`); null when the person cancels. */
  choosePath(defaultName: string, kind: SaveKind): Promise<string | null>;
  /** A run's latest weights or a model open in Inspect; a LabError when there is none. */
  model(source: ModelSourceRequest): Promise<ExportedModel>;
  /** A run's name and its epochs so far. */
  history(runId: string): { name: string; rows: readonly HistoryRow[] };
}

/** The eight bytes every PNG file starts with. */
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export class ModelExports {
  constructor(private readonly options: ModelExportsOptions) {}

  async saveModel(source: ModelSourceRequest): Promise<SaveResult> {
    const { name, loaded } = await this.options.model(source);
    return this.save(`${fileSafe(name)}.fathom.json`, 'model', (path) => saveModelFile(path, loaded.file));
  }

  async exportOnnx(source: ModelSourceRequest): Promise<SaveResult> {
    const { name, loaded } = await this.options.model(source);
    // Before the dialog: weights that diverged to NaN are refused with core/model's reason, and nothing is asked.
    let bytes: Uint8Array;
    try {
      bytes = exportOnnx(loaded.net, loaded.file.scaling);
    } catch (err) {
      throw new LabError('invalid', `${name} cannot be exported to ONNX: ${(err as Error).message}`, { cause: err });
    }
    return this.save(`${fileSafe(name)}.onnx`, 'onnx', (path) => writeFileAtomic(path, bytes));
  }

  async exportHistory({ runId }: RunIdRequest): Promise<SaveResult> {
    const { name, rows } = this.options.history(runId);
    if (rows.length === 0) throw new LabError('no-weights', `Run "${name}" has no finished epoch yet: its history starts after epoch 1.`);
    const text = historyCsv(rows);
    return this.save(`${fileSafe(name)}-history.csv`, 'csv', (path) => writeFileAtomic(path, text));
  }

  /** The schema bounds the base64 text; the bytes are checked again, and must be a PNG. */
  async savePng({ name, base64 }: SavePngRequest): Promise<SaveResult> {
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.length > MAX_PNG_BYTES)
      throw new LabError(
        'invalid',
        `The picture is ${bytes.length.toLocaleString('en')} bytes; at most ${MAX_PNG_BYTES.toLocaleString('en')}.`,
      );
    if (bytes.length < PNG_SIGNATURE.length || PNG_SIGNATURE.some((b, i) => bytes[i] !== b))
      throw new LabError('invalid', 'The picture is not a PNG image (its first bytes are not the PNG signature).');
    const stem = fileSafe(name.replace(/\.png$/i, ''));
    return this.save(`${stem}.png`, 'png', (path) => writeFileAtomic(path, bytes));
  }

  private async save(defaultName: string, kind: SaveKind, write: (path: string) => Promise<void>): Promise<SaveResult> {
    const path = await this.options.choosePath(defaultName, kind);
    if (path === null) return { saved: false };
    // The atomic write's errors name its temporary file: say which file could not be saved, and why.
    await write(path).catch((err: unknown) => {
      throw new LabError(
        'invalid',
        `Could not save ${basename(path)} in ${dirname(path)}: ${fileProblem(err)}. The run and its weights are unchanged.`,
        {
          cause: err,
        },
      );
    });
    return { saved: true, fileName: basename(path), path };
  }
}

/** A file name from a run or model name: letters, digits, '-', '_' and '.', at most 80 characters. */
export function fileSafe(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return (safe || 'model').slice(0, 80);
}
