/** What the PyTorch-project tests share: a model file for a network as the CLI would save it, and its project on disk. */
import { join } from 'node:path';
import type { ScaledDataset } from '../../../../core/data/idx-dataset';
import { mnistFiles } from '../../../../core/data/mnist';
import type { Network } from '../../../../core/engine/network';
import type { TrainSettings } from '../../../../core/engine/spec';
import { pytorchProject } from '../../../../core/model/exports/pytorch/project';
import { writeFolder } from '../../../../core/model/exports/write-folder';
import type { SavedEpoch } from '../../../../core/model/format';
import { buildModelFile, type LoadedModel } from '../../../../core/model/model-file';

/** A model file for `net` as trained (or not yet) on `data`, as the CLI would save it. */
export function modelOf(net: Network, data: ScaledDataset, settings: TrainSettings, history: readonly SavedEpoch[] = []): LoadedModel {
  const file = buildModelFile(net, {
    scaling: data.scaling,
    settings,
    dataset: {
      name: 'MNIST',
      inputShape: [28, 28],
      classes: data.classes,
      sizes: { train: data.train.count, test: data.test.count },
      files: [],
    },
    history,
    appVersion: 'test',
  });
  return { file, net };
}

/** The project of `model` in root/name, reading MNIST's IDX files. */
export async function exportProject(root: string, name: string, model: LoadedModel): Promise<string> {
  const dir = join(root, name);
  await writeFolder(dir, pytorchProject(model, { name, appVersion: 'test', data: mnistFiles() }));
  return dir;
}
