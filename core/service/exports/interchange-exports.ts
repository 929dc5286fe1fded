/**
 * Exports for other tools, through main's save dialog like the ONNX export: a PyTorch project
 * folder (the dialog names a new folder), the weights as safetensors or .npz, and one weight
 * matrix as CSV (from Inspect). Nothing is asked when the export cannot be made (weights gone to
 * NaN, a layer kind the export does not write); every file is written atomically, the folder whole.
 */
import { basename } from 'node:path';
import type { SaveResult, WeightsRequest } from '../../lab/contract';
import type { ModelSourceRequest } from '../../lab/contract';
import { npzBytes } from '../../model/exports/npz';
import type { IdxDataFiles } from '../../model/exports/pytorch/config';
import { pytorchProject, type ProjectFile } from '../../model/exports/pytorch/project';
import { safetensorsBytes } from '../../model/exports/safetensors';
import { networkTensors } from '../../model/exports/tensors';
import { weightMatrixCsv } from '../../model/exports/weight-csv';
import { writeFolder } from '../../model/exports/write-folder';
import { writeFileAtomic } from '../../model/model-files';
import type { LoadedModel } from '../../model/model-file';
import type { Network } from '../../engine/network';
import { APP_VERSION } from '../../version';
import { builtInMnistFiles } from '../datasets/built-in';
import { LabError } from '../errors';
import { fileProblem } from '../file-problem';
import { fileSafe, type ModelExportsOptions } from './model-exports';

/** The IDX files a model was trained on, when they are the built-in MNIST's (the files' names say so). */
function dataFilesOf(loaded: LoadedModel): IdxDataFiles | undefined {
  const names = loaded.file.dataset.files.map((f) => f.name.replace(/\.gz$/, ''));
  const mnist = builtInMnistFiles();
  const expected = [mnist.trainImages, mnist.trainLabels, mnist.testImages, mnist.testLabels].map((p) => basename(p).replace(/\.gz$/, ''));
  return expected.every((n) => names.includes(n)) ? mnist : undefined;
}

export interface InterchangeExportsOptions extends Pick<ModelExportsOptions, 'choosePath' | 'model'> {
  /** An open model's network at an epoch of its run (undefined: its own weights), and the epoch they had done (null: untrained). */
  networkAt(modelId: string, epoch: number | undefined): Promise<{ name: string; net: Network; epoch: number | null }>;
}

/** `Digits (epoch 3)` → `Digits`: the epoch the file holds is said once, by the CSV's own name. */
const withoutEpoch = (name: string): string => name.replace(/\s*\((best, )?epoch \d+\)$|\s*\(untrained\)$/, '') || name;

export class InterchangeExports {
  constructor(private readonly options: InterchangeExportsOptions) {}

  async exportPytorch(source: ModelSourceRequest): Promise<SaveResult> {
    const { name, loaded } = await this.options.model(source);
    const data = dataFilesOf(loaded);
    const files = this.make(name, 'PyTorch', (): ProjectFile[] =>
      pytorchProject(loaded, { name, appVersion: APP_VERSION, ...(data ? { data } : {}) }),
    );
    return this.save(`${fileSafe(name)}-pytorch`, 'pytorch', (path) => writeFolder(path, files));
  }

  async exportSafetensors(source: ModelSourceRequest): Promise<SaveResult> {
    const { name, loaded } = await this.options.model(source);
    const bytes = this.make(name, 'safetensors', () => safetensorsBytes(networkTensors(loaded.net), { format: 'pt', producer: 'Fathom' }));
    return this.save(`${fileSafe(name)}.safetensors`, 'safetensors', (path) => writeFileAtomic(path, bytes));
  }

  async exportNpz(source: ModelSourceRequest): Promise<SaveResult> {
    const { name, loaded } = await this.options.model(source);
    const bytes = this.make(name, 'NumPy .npz', () => npzBytes(networkTensors(loaded.net)));
    return this.save(`${fileSafe(name)}.npz`, 'npz', (path) => writeFileAtomic(path, bytes));
  }

  /**
   * w^l of an open model as CSV, of the epoch Inspect shows (`epoch`: a checkpoint of its run; absent:
   * the model's own weights); `layer` is the engine's index (1 = w², as getWeights takes it). The name
   * says which: `Digits-w2-epoch-3.csv`.
   */
  async exportWeightCsv({ modelId, layer, epoch }: WeightsRequest): Promise<SaveResult> {
    const { name, net, epoch: shown } = await this.options.networkAt(modelId, epoch);
    const text = this.make(name, 'CSV', () => weightMatrixCsv(net, layer));
    const which = shown === null ? 'untrained' : `epoch-${shown}`;
    return this.save(`${fileSafe(withoutEpoch(name))}-w${layer + 1}-${which}.csv`, 'csv', (path) => writeFileAtomic(path, text));
  }

  /** Builds the export before any dialog, so what cannot be exported is refused with its reason and nothing is asked. */
  private make<T>(name: string, format: string, build: () => T): T {
    try {
      return build();
    } catch (err) {
      throw new LabError('invalid', `${name} cannot be exported to ${format}: ${(err as Error).message}`, { cause: err });
    }
  }

  private async save(
    defaultName: string,
    kind: 'pytorch' | 'safetensors' | 'npz' | 'csv',
    write: (path: string) => Promise<void>,
  ): Promise<SaveResult> {
    const path = await this.options.choosePath(defaultName, kind);
    if (path === null) return { saved: false };
    await write(path).catch((err: unknown) => {
      throw new LabError(
        'invalid',
        `Could not export ${basename(path)}: ${err instanceof Error && err.name === 'ExportError' ? err.message : fileProblem(err)}.`,
        {
          cause: err,
        },
      );
    });
    return { saved: true, fileName: basename(path), path };
  }
}
