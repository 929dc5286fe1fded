/**
 * Models and weights from other tools, from disk (Node only): an ONNX model as a Fathom model (with
 * the scaling it carries, or the one the caller gives), and safetensors/.npz weights into an existing
 * design. Files are opened as every file is (core/files/safe-read.ts: regular files only, no larger
 * than the largest model), and every error is one ImportError line.
 */
import { basename } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { ScalingParams } from '../../data/scaling';
import { Network } from '../../engine/network';
import { DEFAULT_TRAIN_SETTINGS, type DenseLayerSpec } from '../../engine/spec';
import { readRegularFile } from '../../files/safe-read';
import { MAX_MODEL_FILE_BYTES } from '../limits';
import { buildModelFile, type LoadedModel } from '../model-file';
import type { NamedTensor } from '../exports/tensors';
import { ImportError } from './errors';
import { readNpz } from './npz';
import { importOnnx } from './onnx-import';
import { readSafetensors } from './safetensors';
import { weightsForDesign } from './weights-into-design';

async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readRegularFile(path, MAX_MODEL_FILE_BYTES);
  } catch (err) {
    throw new ImportError(path, `cannot be read: ${(err as Error).message}`);
  }
}

export const isOnnxPath = (path: string): boolean => /\.onnx$/i.test(path);

export interface OnnxLoad {
  model: LoadedModel;
  /** Whether the scaling came from the file (true) or from `fallback` (false). */
  scalingFromFile: boolean;
}

/**
 * The ONNX model at `path` as a Fathom model. Its scaling is the file's when it carries one, else
 * what `fallback()` gives (called only then: the CLI fits --scale on its data); with neither, an
 * ImportError asks for it.
 */
export async function loadOnnxModel(
  path: string,
  appVersion: string,
  fallback?: () => Promise<ScalingParams | undefined>,
): Promise<OnnxLoad> {
  const imported = importOnnx(await readBytes(path), path);
  const scaling = imported.scaling ?? (await fallback?.());
  if (!scaling) throw new ImportError(path, "does not say how its inputs are scaled: give the scaling (the CLI's --scale)");
  const net = new Network(imported.spec);
  net.setParameters(imported.w, imported.b);
  net.setState(imported.state);
  const outputs = (imported.spec.layers.at(-1) as DenseLayerSpec).units; // the output layer is dense (checked by the import)
  const file = buildModelFile(net, {
    scaling,
    settings: { ...DEFAULT_TRAIN_SETTINGS },
    dataset: {
      name: `${basename(path)} (ONNX)`,
      inputShape: imported.inputShape,
      classes: Array.from({ length: outputs }, (_, i) => String(i)),
      sizes: { train: 0, test: 0 },
      files: [],
    },
    history: [],
    appVersion,
  });
  return { model: { file, net }, scalingFromFile: imported.scaling !== undefined };
}

/** The tensors of a safetensors or .npz file (by its name's ending). */
export async function readWeightsFile(path: string): Promise<NamedTensor[]> {
  const bytes = await readBytes(path);
  if (/\.npz$/i.test(path))
    return readNpz(bytes, path, (deflated, size) => inflateRawSync(deflated, { maxOutputLength: Math.max(1, size) }));
  if (/\.safetensors$/i.test(path)) return readSafetensors(bytes, path);
  throw new ImportError(path, 'is neither .safetensors nor .npz');
}

/** `net` with the weights of the file at `path` (a new network; `net` is unchanged), or an ImportError listing every mismatch. */
export async function loadWeightsInto(net: Network, path: string): Promise<{ net: Network; matched: 'by-name' | 'in-order' }> {
  const { w, b, state, matched } = weightsForDesign(net, await readWeightsFile(path), path);
  const copy = new Network(net.spec, net.precision, net.kernels);
  copy.setParameters(w, b);
  copy.setState(state);
  return { net: copy, matched };
}
