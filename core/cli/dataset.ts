/**
 * `--dataset PATH_OR_NAME` for the command-line trainer: a dataset of the app's library (by id or
 * name), a stored dataset folder, or any importable path read straight into memory (IDX files,
 * raw or .gz; a CSV file; a folder of class folders of PNGs). Nothing is imported or stored.
 *
 * The library is the app's: `$FATHOM_DATA/datasets` when FATHOM_DATA is set, otherwise the
 * datasets folder of the app's data folder (Electron's userData for the app "fathom").
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DatasetLibrary } from '../data/library/library';
import type { LoadedDataset } from '../data/library/materialise';
import { resolveDataset } from '../data/library/resolve';
import type { ResolveOptions } from '../data/library/resolve';
import { applyScaling } from '../data/scaling';
import type { ScalingKind, ScalingParams } from '../data/scaling';
import type { Samples } from '../data/dataset';
import { subsetDataset } from '../data/subset';
import { libraryRoot } from '../service/datasets/dataset-service';

/** Electron's app name (package.json "name"): its userData folder is <appData>/fathom. */
const APP_NAME = 'fathom';

/** The app's data folder, as Electron's app.getPath('userData') gives it, or $FATHOM_DATA. */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  const override = env['FATHOM_DATA'];
  if (override) return override;
  if (platform === 'win32') return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME);
  return join(env['XDG_CONFIG_HOME'] || join(home, '.config'), APP_NAME);
}

export interface CliDatasetOptions {
  /** As --scale; absent = the dataset's own default (min-max for images, z-score per column for tables). */
  scaling?: ScalingKind;
  /** A loaded model's scaling: every split is scaled with it (the model must see inputs as in training). */
  modelScaling?: ScalingParams;
  validation: boolean;
  trainLimit?: number;
  testLimit?: number;
  /** The data folder whose library is searched first; default defaultDataDir(). */
  dataDir?: string;
}

/** A split read unscaled ('none'), scaled with a model's saved statistics. */
function rescale(samples: Samples, scaling: ScalingParams): Samples {
  return { ...samples, inputs: applyScaling(scaling, samples.inputs, samples.count, samples.inputSize) };
}

/** The dataset named by --dataset, scaled, split and limited as the other options say. */
export async function loadCliDataset(pathOrName: string, options: CliDatasetOptions): Promise<LoadedDataset> {
  const root = libraryRoot(options.dataDir ?? defaultDataDir());
  // Opening an absent library would create it: only look in one that exists.
  const library = existsSync(root) ? await DatasetLibrary.open(root) : undefined;
  const resolveOptions: ResolveOptions = {};
  if (options.modelScaling) resolveOptions.scaling = 'none';
  else if (options.scaling) resolveOptions.scaling = options.scaling;
  let dataset = await resolveDataset(pathOrName, library, resolveOptions);
  if (options.modelScaling) {
    const scaling = options.modelScaling;
    const scaled: LoadedDataset = { ...dataset, scaling, train: rescale(dataset.train, scaling), test: rescale(dataset.test, scaling) };
    if (dataset.validation) scaled.validation = rescale(dataset.validation, scaling);
    dataset = scaled;
  }
  const limits: { trainLimit?: number; testLimit?: number } = {};
  if (options.trainLimit !== undefined) limits.trainLimit = options.trainLimit;
  if (options.testLimit !== undefined) limits.testLimit = options.testLimit;
  return subsetDataset(dataset, { validation: options.validation, ...limits });
}
