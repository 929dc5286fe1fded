/**
 * The PyTorch project of a model: model.py, train.py, data.py, config.json, README.md and, optionally, the
 * model's current weights as weights.safetensors. Pure: returns the files' names and contents;
 * write-folder.ts puts them on disk. Every layer kind Fathom has is written (dense, convolution,
 * max-pooling, dropout, batchnorm); the weights file carries batchnorm's running statistics too.
 */
import type { LoadedModel } from '../../model-file';
import { safetensorsBytes } from '../safetensors';
import { networkTensors } from '../tensors';
import { pytorchConfig, type IdxDataFiles } from './config';
import { DATA_PY } from './data-py';
import { modelPy } from './model-py';
import { projectReadme } from './readme';
import { TRAIN_PY } from './train-py';

export interface ProjectFile {
  name: string;
  content: string | Uint8Array;
}

export interface PytorchProjectOptions {
  /** A name for the README's title (the run's or model's). */
  name: string;
  appVersion: string;
  /** The IDX files the model was trained on, when known. */
  data?: IdxDataFiles;
  /** Include the model's weights as the starting point (default true). */
  includeWeights?: boolean;
}

export const WEIGHTS_FILE = 'weights.safetensors';

export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

/** The layer kinds this export writes; any other (from a newer Fathom) is refused with its position and kind. */
const KINDS = new Set([undefined, 'dense', 'conv', 'maxpool', 'dropout', 'batchnorm']);

export function pytorchProject(model: LoadedModel, options: PytorchProjectOptions): ProjectFile[] {
  const { file, net } = model;
  file.spec.layers.forEach((layer, i) => {
    const kind = (layer as { kind?: string }).kind;
    if (!KINDS.has(kind)) throw new ExportError(`layer ${i + 2} is a ${kind} layer, which the PyTorch export does not know`);
  });
  const weights = options.includeWeights === false ? null : WEIGHTS_FILE;
  const config = pytorchConfig(file, options.data, weights);
  const files: ProjectFile[] = [
    { name: 'model.py', content: modelPy(file.spec, options.appVersion) },
    { name: 'train.py', content: TRAIN_PY },
    { name: 'data.py', content: DATA_PY },
    { name: 'config.json', content: JSON.stringify(config, null, 2) + '\n' },
    { name: 'README.md', content: projectReadme(config, options.name, options.appVersion) },
  ];
  if (weights) files.push({ name: weights, content: safetensorsBytes(networkTensors(net), { format: 'pt', producer: 'Fathom' }) });
  return files;
}
