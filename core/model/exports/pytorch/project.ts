/**
 * The PyTorch project of a model: model.py, train.py, config.json, README.md and, optionally, the
 * model's current weights as weights.safetensors. Pure: returns the files' names and contents;
 * write-project.ts puts them on disk. Dense layers only: a layer of another kind (convolutions,
 * pooling…) is refused by name until this export learns it.
 */
import type { LoadedModel } from '../../model-file';
import { safetensorsBytes } from '../safetensors';
import { networkTensors } from '../tensors';
import { pytorchConfig, type IdxDataFiles } from './config';
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

/** The layer kinds this export writes; any other is refused with its position and kind. */
const DENSE_KINDS = new Set([undefined, 'dense']);

export function pytorchProject(model: LoadedModel, options: PytorchProjectOptions): ProjectFile[] {
  const { file, net } = model;
  file.spec.layers.forEach((layer, i) => {
    const kind = (layer as { kind?: string }).kind;
    if (!DENSE_KINDS.has(kind))
      throw new ExportError(`layer ${i + 2} is a ${kind} layer; the PyTorch export writes fully connected layers only for now`);
  });
  const weights = options.includeWeights === false ? null : WEIGHTS_FILE;
  const config = pytorchConfig(file, options.data, weights);
  const files: ProjectFile[] = [
    { name: 'model.py', content: modelPy(file.spec, options.appVersion) },
    { name: 'train.py', content: TRAIN_PY },
    { name: 'config.json', content: JSON.stringify(config, null, 2) + '\n' },
    { name: 'README.md', content: projectReadme(config, options.name, options.appVersion) },
  ];
  if (weights) files.push({ name: weights, content: safetensorsBytes(networkTensors(net), { format: 'pt', producer: 'Fathom' }) });
  return files;
}
