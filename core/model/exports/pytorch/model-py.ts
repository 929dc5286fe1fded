/**
 * model.py of the PyTorch project: an nn.Module with one parameter per Fathom tensor (W2, b2, W3…,
 * named and shaped as Fathom shows them), the same activations and initialisation, and the few
 * lines that read and write safetensors files without the safetensors package. Pure: returns text.
 */
import { layerNumber } from '../../../engine/notation';
import type { ActivationName, DenseLayerSpec, InitName, NetworkSpec } from '../../../engine/spec';
import { initSchemes } from '../../../engine/init';

/** The engine's leaky ReLU slope (core/engine/activations.ts). */
const LEAK = 0.01;

const ACTIVATION_PY: Record<ActivationName, (z: string) => string> = {
  linear: (z) => z,
  sigmoid: (z) => `torch.sigmoid(${z})`,
  tanh: (z) => `torch.tanh(${z})`,
  relu: (z) => `F.relu(${z})`,
  'leaky-relu': (z) => `F.leaky_relu(${z}, LEAK)`,
  softmax: (z) => `F.softmax(${z}, dim=-1)`,
  step: (z) => `(${z} >= 0).to(${z}.dtype)`,
};

/** The standard deviation of w^l as Python, for `init` (initSchemes in core/engine/init.ts). */
function weightStd(init: InitName, nIn: number, nOut: number): string {
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

export function modelPy(spec: NetworkSpec, appVersion: string): string {
  // project.ts has refused any layer that is not fully connected.
  const layers = spec.layers as DenseLayerSpec[];
  const sizes = [spec.inputSize, ...layers.map((l) => l.units)];
  const L = spec.layers.length;
  const shape = [`${spec.inputSize}`, ...layers.map((l) => `${l.units} ${l.activation}`)].join(' → ');
  const { biasStd, label } = initSchemes[spec.init];
  const declare: string[] = [];
  const init: string[] = [];
  const forward: string[] = ['        a1 = x'];
  for (let l = 1; l <= L; l++) {
    const n = layerNumber(l);
    declare.push(
      `        self.W${n} = nn.Parameter(torch.empty(${sizes[l]}, ${sizes[l - 1]}))  # w^${n}_jk: neuron j of layer ${n}, input k`,
      `        self.b${n} = nn.Parameter(torch.empty(${sizes[l]}))`,
    );
    init.push(`        self.W${n}.normal_(0.0, ${weightStd(spec.init, sizes[l - 1]!, sizes[l]!)})`);
    init.push(biasStd === 0 ? `        self.b${n}.zero_()` : `        self.b${n}.normal_(0.0, ${pyFloat(biasStd)})`);
    forward.push(`        z${n} = F.linear(a${n - 1}, self.W${n}, self.b${n})`);
    forward.push(`        a${n} = ${ACTIVATION_PY[layers[l - 1]!.activation](`z${n}`)}`);
  }
  const last = layerNumber(L);
  forward.push(`        return (z${last}, a${last}) if with_z else a${last}`);
  return `"""The network Fathom exported: ${shape}, in Nielsen's notation.

Layer 1 is the input; W<l> (units(l) × units(l−1)) and b<l> feed layer l, so z<l> = W<l>·a<l−1> + b<l>
and a<l> = σ(z<l>), exactly as Fathom computes them. The parameters carry Fathom's names, so the
weights files Fathom writes (safetensors, .npz) load with load_state_dict as they are.
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


class FathomNet(nn.Module):
    def __init__(self):
        super().__init__()
${declare.join('\n')}
        self.reset_parameters()

    @torch.no_grad()
    def reset_parameters(self):
        """Fathom's "${spec.init}" initialisation: ${label}${biasStd === 0 ? '; biases start at 0' : '; biases N(0, 1)'}."""
${init.join('\n')}

    def forward(self, x, with_z=False):
        """a^L for inputs x [N, ${spec.inputSize}] already scaled (see config.json "scaling"); with_z also returns z^L."""
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
