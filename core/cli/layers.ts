/**
 * The `--layers` words: the input (784, or an image 28x28x1 as height × width × channels), then
 * `conv{k}x{k}x{filters}` with optional `s{stride}` and `same`, `maxpool{size}` with optional
 * `s{stride}`, `dropout{rate}`, `batchnorm`, and dense sizes. `--activation` gives one name for
 * every conv and dense layer or one per such layer. Shapes are checked by specProblems afterwards.
 */
import { ACTIVATIONS, type ActivationName, type InputShape, type LayerSpec } from '../engine/spec';
import { CliError } from './errors';

export interface ParsedLayers {
  inputSize: number;
  inputShape?: InputShape;
  layers: LayerSpec[];
}

const whole = (text: string | undefined): number | undefined => (text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined);

/** One word after the input, with its activation slot left to fill ('' for layers without one). */
function layerWord(word: string, position: number): LayerSpec {
  const at = `--layers: word ${position + 1} "${word}"`;
  if (/^\d+$/.test(word)) return { units: Number(word), activation: 'sigmoid' };
  let m = /^conv(\d+)x(\d+)x(\d+)(?:s(\d+))?(same|valid)?$/.exec(word);
  if (m) {
    if (m[1] !== m[2]) throw new CliError(`${at}: kernels are square; write conv${m[1]}x${m[1]}x${m[3]}`);
    return {
      kind: 'conv',
      kernel: Number(m[1]),
      filters: Number(m[3]),
      stride: whole(m[4]) ?? 1,
      padding: m[5] === 'same' ? 'same' : 'valid',
      activation: 'sigmoid',
    };
  }
  m = /^maxpool(\d+)(?:s(\d+))?$/.exec(word);
  if (m) return { kind: 'maxpool', size: Number(m[1]), stride: whole(m[2]) ?? Number(m[1]) };
  m = /^dropout(\d*\.?\d+)$/.exec(word);
  if (m) return { kind: 'dropout', rate: Number(m[1]) };
  if (word === 'batchnorm') return { kind: 'batchnorm' };
  throw new CliError(
    `${at} is not a layer: use a size (100), conv5x5x20 (with s2 and/or same), maxpool2 (with s1…), dropout0.5 or batchnorm`,
  );
}

export function parseLayers(text: string, activationText: string | undefined): ParsedLayers {
  const words = text.split(',').map((w) => w.trim().toLowerCase());
  if (words.length < 2)
    throw new CliError(
      `--layers: expected the input and at least one layer like 784,30,10 or 28x28x1,conv5x5x20,maxpool2,100,10; got "${text}"`,
    );
  const first = words[0]!;
  let inputSize: number;
  let inputShape: InputShape | undefined;
  const image = /^(\d+)x(\d+)(?:x(\d+))?$/.exec(first);
  if (image) {
    const [height, width, channels] = [Number(image[1]), Number(image[2]), image[3] === undefined ? 1 : Number(image[3])];
    inputShape = { channels, height, width };
    inputSize = channels * height * width;
  } else if (/^\d+$/.test(first)) inputSize = Number(first);
  else
    throw new CliError(
      `--layers: the first word is the input, a size like 784 or an image like 28x28x1 (height × width × channels); got "${first}"`,
    );

  const layers = words.slice(1).map((word, i) => layerWord(word, i + 1));
  const withActivation = layers.filter((l) => l.kind === undefined || l.kind === 'conv') as { activation: ActivationName }[];
  const names = (activationText ?? 'sigmoid').split(',').map((name) => name.trim());
  for (const name of names)
    if (!(ACTIVATIONS as readonly string[]).includes(name))
      throw new CliError(`--activation: "${name}" is not one of ${ACTIVATIONS.join(', ')}`);
  if (names.length === 1) withActivation.forEach((layer) => (layer.activation = names[0] as ActivationName));
  else if (names.length === withActivation.length) withActivation.forEach((layer, i) => (layer.activation = names[i] as ActivationName));
  else
    throw new CliError(
      `--activation: give one name, or ${withActivation.length} (one per conv and dense layer; pooling, dropout and batchnorm have none); got ${names.length}`,
    );
  return inputShape ? { inputSize, inputShape, layers } : { inputSize, layers };
}
