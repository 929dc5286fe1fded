/**
 * model.py of the PyTorch project: an nn.Module with one parameter per Fathom tensor (W2, b2, W3…,
 * batchnorm's mean/variance buffers, named and shaped as Fathom shows them, see ../tensors.ts), the
 * same layers, activations and initialisation, and the few lines that read and write safetensors files
 * without the safetensors package. Convolution and batchnorm are written as the functions nn.Conv2d
 * and nn.BatchNorm2d/1d call (F.conv2d, F.batch_norm) on parameters that carry Fathom's names, so the
 * weights files load with load_state_dict as they are; pooling, dropout and flatten are the nn modules.
 * Pure: returns text.
 */
import { layerNumber } from '../../../engine/notation';
import { initSchemes } from '../../../engine/init';
import { layerShapes, windowGeometry, type LayerShape } from '../../../engine/shapes';
import {
  isDense,
  layerActivation,
  networkSizes,
  type ActivationName,
  type InitName,
  type LayerSpec,
  type NetworkSpec,
} from '../../../engine/spec';
import { BATCHNORM_EPSILON, BATCHNORM_MOMENTUM } from '../../../engine/layers/batchnorm';

/** The engine's leaky ReLU slope (core/engine/activations.ts). */
const LEAK = 0.01;

/** σ(z) as Python; `spatial` when z is N×C×H×W (softmax then spans each sample's whole layer, as in Fathom). */
function activationPy(activation: ActivationName, z: string, spatial: boolean): string {
  switch (activation) {
    case 'linear':
      return z;
    case 'sigmoid':
      return `torch.sigmoid(${z})`;
    case 'tanh':
      return `torch.tanh(${z})`;
    case 'relu':
      return `F.relu(${z})`;
    case 'leaky-relu':
      return `F.leaky_relu(${z}, LEAK)`;
    case 'softmax':
      return spatial ? `F.softmax(${z}.flatten(1), dim=-1).view_as(${z})` : `F.softmax(${z}, dim=-1)`;
    case 'step':
      return `(${z} >= 0).to(${z}.dtype)`;
  }
}

/** The standard deviation of w^l as Python, for `init` (initSchemes in core/engine/init.ts). */
function weightStd(init: InitName, nIn: string, nOut: string): string {
  switch (init) {
    case 'normal':
      return '1.0';
    case 'scaled-normal':
      return `1 / math.sqrt(${nIn})`;
    case 'xavier':
      return `math.sqrt(2 / (${nIn} + ${nOut}))`;
    case 'he':
      return `math.sqrt(2 / ${nIn})`;
  }
}

/** A Python float literal of the engine's number (repr-like, always with a point or exponent). */
const pyFloat = (x: number): string => (Number.isInteger(x) ? `${x}.0` : String(x));

const shapeText = (s: LayerShape): string => (s.spatial ? `${s.height}×${s.width}×${s.channels}` : `${s.size}`);

/** The Python of one layer: its declarations, initialisation and forward lines. */
interface LayerPy {
  declare: string[];
  init: string[];
  forward: string[];
}

function layerPy(layer: LayerSpec, l: number, input: LayerShape, output: LayerShape, init: InitName): LayerPy {
  const n = layerNumber(l);
  const a = `a${n - 1}`;
  const { biasStd } = initSchemes[init];
  const biasInit = (name: string) =>
    biasStd === 0 ? `        self.${name}.zero_()` : `        self.${name}.normal_(0.0, ${pyFloat(biasStd)})`;
  const activate = (activation: ActivationName) => `        a${n} = ${activationPy(activation, `z${n}`, output.spatial)}`;
  switch (layer.kind) {
    case 'conv': {
      const k = layer.kernel;
      const g = windowGeometry(input.height, input.width, k, layer.stride, layer.padding);
      const even = g.padTop === g.padBottom && g.padLeft === g.padRight;
      const padded = even ? a : `F.pad(${a}, (${g.padLeft}, ${g.padRight}, ${g.padTop}, ${g.padBottom}))`;
      const padding = even && (g.padTop > 0 || g.padLeft > 0) ? `, padding=(${g.padTop}, ${g.padLeft})` : '';
      return {
        declare: [
          `        # layer ${n}: convolution, ${layer.filters} kernels ${k}×${k} over ${input.channels} channel(s), stride ${layer.stride}, ${layer.padding} padding (as nn.Conv2d)`,
          `        self.W${n} = nn.Parameter(torch.empty(${layer.filters}, ${input.channels}, ${k}, ${k}))  # OIHW: kernel j, input channel, row, column`,
          `        self.b${n} = nn.Parameter(torch.empty(${layer.filters}))`,
        ],
        init: [
          `        self.W${n}.normal_(0.0, ${weightStd(init, `${input.channels * k * k}`, `${layer.filters * k * k}`)})  # fan-in C·k·k, fan-out F·k·k`,
          biasInit(`b${n}`),
        ],
        forward: [
          `        z${n} = F.conv2d(${padded}, self.W${n}, self.b${n}, stride=${layer.stride}${padding})`,
          activate(layer.activation),
        ],
      };
    }
    case 'maxpool':
      return {
        declare: [`        self.pool${n} = nn.MaxPool2d(${layer.size}, stride=${layer.stride})  # layer ${n}`],
        init: [],
        forward: [`        a${n} = self.pool${n}(${a})`],
      };
    case 'dropout':
      return {
        declare: [`        self.dropout${n} = nn.Dropout(${pyFloat(layer.rate)})  # layer ${n}: inverted dropout, the identity in eval()`],
        init: [],
        forward: [`        a${n} = self.dropout${n}(${a})`],
      };
    case 'batchnorm': {
      const C = input.channels;
      return {
        declare: [
          `        # layer ${n}: batch normalisation per ${input.spatial ? 'channel (as nn.BatchNorm2d)' : 'unit (as nn.BatchNorm1d)'}; W${n} = γ, b${n} = β`,
          `        self.W${n} = nn.Parameter(torch.empty(${C}))`,
          `        self.b${n} = nn.Parameter(torch.empty(${C}))`,
          `        self.register_buffer("mean${n}", torch.zeros(${C}))  # running statistics, used in eval()`,
          `        self.register_buffer("variance${n}", torch.ones(${C}))`,
        ],
        init: [
          `        self.W${n}.fill_(1.0)`,
          `        self.b${n}.zero_()`,
          `        self.mean${n}.zero_()`,
          `        self.variance${n}.fill_(1.0)`,
        ],
        forward: [
          `        a${n} = F.batch_norm(${a}, self.mean${n}, self.variance${n}, self.W${n}, self.b${n}, self.training, MOMENTUM, EPSILON)`,
        ],
      };
    }
    default: {
      const flatten = input.spatial ? [`        ${a} = self.flatten(${a})`] : [];
      return {
        declare: [
          `        self.W${n} = nn.Parameter(torch.empty(${output.size}, ${input.size}))  # w^${n}_jk: neuron j of layer ${n}, input k`,
          `        self.b${n} = nn.Parameter(torch.empty(${output.size}))`,
        ],
        init: [`        self.W${n}.normal_(0.0, ${weightStd(init, `${input.size}`, `${output.size}`)})`, biasInit(`b${n}`)],
        forward: [...flatten, `        z${n} = F.linear(${a}, self.W${n}, self.b${n})`, activate(layer.activation)],
      };
    }
  }
}

export function modelPy(spec: NetworkSpec, appVersion: string): string {
  const shapes = layerShapes(spec);
  const L = spec.layers.length;
  const parts = spec.layers.map((layer, i) => layerPy(layer, i + 1, shapes[i]!, shapes[i + 1]!, spec.init));
  const shape = [
    shapeText(shapes[0]!),
    ...spec.layers.map((layer, i) =>
      [shapeText(shapes[i + 1]!), isDense(layer) ? '' : layer.kind, layerActivation(layer)].filter(Boolean).join(' '),
    ),
  ].join(' → ');
  const { biasStd, label } = initSchemes[spec.init];
  const input = shapes[0]!;
  const last = layerNumber(L);
  const lastLayer = spec.layers[L - 1]!;
  const outputActivation = layerActivation(lastLayer) ?? 'linear';
  const inputShape = input.spatial ? `(${input.channels}, ${input.height}, ${input.width})` : 'None';
  const declare = parts.flatMap((p) => p.declare);
  // A dense layer after a spatial one reads it flattened (CHW order, as Fathom stores it).
  if (spec.layers.some((layer, i) => shapes[i]!.spatial && isDense(layer))) declare.push('        self.flatten = nn.Flatten()');
  const forward = [
    input.spatial ? `        a1 = x.reshape(len(x), *INPUT_SHAPE)  # rows of C·H·W values as N×C×H×W` : '        a1 = x',
    ...parts.flatMap((p) => p.forward),
    `        return (${layerActivation(lastLayer) ? `z${last}` : `a${last}`}, a${last}) if with_z else a${last}`,
  ];
  return `"""The network Fathom exported: ${shape}, in Nielsen's notation.

Layer 1 is the input; W<l> and b<l> feed layer l, so z<l> = W<l>·a<l−1> + b<l> (a correlation with the
kernels for a convolution) and a<l> = σ(z<l>), exactly as Fathom computes them. The parameters carry
Fathom's names, so the weights files Fathom writes (safetensors, .npz) load with load_state_dict as
they are. Call model.eval() before inference: dropout is then the identity and batch normalisation
uses its running statistics, as in Fathom's evaluation.
Written by Fathom ${appVersion}.
"""
import json
import math
import struct
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

LEAK = ${LEAK}  # Fathom's leaky-ReLU slope
MOMENTUM = ${BATCHNORM_MOMENTUM}  # batchnorm: running ← (1 − MOMENTUM)·running + MOMENTUM·batch, as Fathom
EPSILON = ${BATCHNORM_EPSILON}  # batchnorm's ε
INPUT_SHAPE = ${inputShape}  # channels, height, width of an image input (None: a flat vector)
INPUTS = ${spec.inputSize}
OUTPUTS = ${shapes[L]!.size}
OUTPUT_ACTIVATION = "${outputActivation}"
NETWORK = "${networkSizes(spec)}"
TRAINABLE = ${spec.layers.some((l) => layerActivation(l) === 'step') ? 'False  # a step activation has derivative 0 everywhere' : 'True'}


class FathomNet(nn.Module):
    def __init__(self):
        super().__init__()
${declare.join('\n')}
        self.reset_parameters()

    @torch.no_grad()
    def reset_parameters(self):
        """Fathom's "${spec.init}" initialisation: ${label}${biasStd === 0 ? '; biases start at 0' : '; biases N(0, 1)'}."""
${parts.flatMap((p) => p.init).join('\n') || '        pass'}

    def forward(self, x, with_z=False):
        """a^L for inputs x [N, ${spec.inputSize}]${input.spatial ? ' (or N×C×H×W)' : ''} already scaled (see config.json "scaling"); with_z also returns z^L."""
${forward.join('\n')}


def load_weights(path):
    """The tensors of a safetensors file (float32), read without the safetensors package."""
    data = Path(path).read_bytes()
    if len(data) < 8:
        raise ValueError(f"{path}: too short to be a safetensors file")
    (length,) = struct.unpack("<Q", data[:8])
    if 8 + length > len(data):
        raise ValueError(f"{path}: the header says {length} bytes; the file holds {len(data) - 8} after the length")
    header = json.loads(data[8 : 8 + length])
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {entry['dtype']}; only F32 is read here")
        start, end = entry["data_offsets"]
        array = np.frombuffer(data, "<f4", (end - start) // 4, 8 + length + start).reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


def save_weights(state, path):
    """A state_dict (or any name → tensor mapping) as a safetensors file Fathom can read back."""
    header, chunks, offset = {}, [], 0
    for name, tensor in state.items():
        array = tensor.detach().cpu().numpy().astype("<f4")
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + array.nbytes]}
        chunks.append(array.tobytes())
        offset += array.nbytes
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    path = Path(path)
    temporary = path.with_name(path.name + ".partial")
    temporary.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(chunks))
    temporary.replace(path)
`;
}
