/**
 * Each layer of a network as ONNX nodes, named as Fathom shows the layers ("conv 2", "pool 3",
 * "dense 4": the kind and Nielsen's layer number, the input being layer 1; "layer 2" when all are dense) with the parameters under
 * the names of every other export (W2, b2; batchnorm's γ and β are its W and b, its running
 * statistics mean5 and variance5). Feature maps are NCHW and conv weights OIHW, as Fathom stores them.
 * Pure.
 */
import type { Network } from '../engine/network';
import { layerName, layerNumber } from '../engine/notation';
import { windowGeometry } from '../engine/shapes';
import { BATCHNORM_EPSILON } from '../engine/layers/batchnorm';
import { layerActivation, type ActivationName } from '../engine/spec';
import { weightTensorName, biasTensorName } from './exports/tensors';
import { FLOAT, floatAttribute, floatTensor, intAttribute, intsAttribute, type GraphParts, type Node } from './onnx-graph';

/** The same leak as the engine's leaky ReLU (core/engine/activations.ts). */
const LEAKY_RELU_ALPHA = 0.01;

/** The layer the engine calls `l` (≥ 1) by the name the app shows it under (notation.ts, layerName). */
export function onnxLayerName(net: Network, l: number): string {
  return layerName(net.spec, l - 1);
}

/** The nodes computing a = σ(z) for one activation, named after the layer. */
function activationNodes(activation: ActivationName, z: string, a: string, title: string, parts: GraphParts): Node[] {
  const node = (op_type: string, attribute?: Node['attribute']): Node => ({
    name: `${title} ${activation}`,
    op_type,
    input: [z],
    output: [a],
    attribute,
  });
  switch (activation) {
    case 'linear':
      return [node('Identity')];
    case 'sigmoid':
      return [node('Sigmoid')];
    case 'tanh':
      return [node('Tanh')];
    case 'relu':
      return [node('Relu')];
    case 'leaky-relu':
      return [node('LeakyRelu', [floatAttribute('alpha', LEAKY_RELU_ALPHA)])];
    case 'softmax':
      return [node('Softmax', [intAttribute('axis', -1)])];
    case 'step': {
      // a = 1 where z ≥ 0, else 0: a comparison giving booleans, cast back to float.
      if (!parts.initializer.some((t) => t.name === 'zero')) parts.initializer.push(floatTensor('zero', [], [0]));
      const flags = `${title} step flags`;
      return [
        { name: `${title} step`, op_type: 'GreaterOrEqual', input: [z, 'zero'], output: [flags] },
        { name: `${title} step cast`, op_type: 'Cast', input: [flags], output: [a], attribute: [intAttribute('to', FLOAT)] },
      ];
    }
  }
}

/**
 * Appends layer l's nodes and constants to `parts`, reading tensor `input` (NCHW when the layer before
 * is spatial, N × size otherwise) and writing `output`.
 */
export function layerNodes(net: Network, l: number, input: string, output: string, parts: GraphParts): void {
  const layer = net.spec.layers[l - 1]!;
  const title = onnxLayerName(net, l);
  const n = layerNumber(l);
  const [W, b] = [weightTensorName(l), biasTensorName(l)];
  const inShape = net.shapes[l - 1]!;
  const { nodes, initializer } = parts;
  const activation = layerActivation(layer);
  const z = activation ? `${title} z` : output;
  switch (layer.kind) {
    case undefined:
    case 'dense': {
      let from = input;
      if (inShape.spatial) {
        // Fathom reads a CHW stack flattened as it is stored; ONNX's Gemm wants N × size.
        from = `flatten ${n}`;
        nodes.push({ name: from, op_type: 'Flatten', input: [input], output: [from], attribute: [intAttribute('axis', 1)] });
      }
      initializer.push(floatTensor(W, [net.sizes[l]!, net.sizes[l - 1]!], net.w[l]!), floatTensor(b, [net.sizes[l]!], net.b[l]!));
      nodes.push({ name: title, op_type: 'Gemm', input: [from, W, b], output: [z], attribute: [intAttribute('transB', 1)] });
      break;
    }
    case 'conv': {
      const g = windowGeometry(inShape.height, inShape.width, layer.kernel, layer.stride, layer.padding);
      initializer.push(
        floatTensor(W, [layer.filters, inShape.channels, layer.kernel, layer.kernel], net.w[l]!),
        floatTensor(b, [layer.filters], net.b[l]!),
      );
      nodes.push({
        name: title,
        op_type: 'Conv',
        input: [input, W, b],
        output: [z],
        attribute: [
          intsAttribute('kernel_shape', [layer.kernel, layer.kernel]),
          intsAttribute('strides', [layer.stride, layer.stride]),
          intsAttribute('pads', [g.padTop, g.padLeft, g.padBottom, g.padRight]),
          intsAttribute('dilations', [1, 1]),
          intAttribute('group', 1),
        ],
      });
      break;
    }
    case 'maxpool':
      nodes.push({
        name: title,
        op_type: 'MaxPool',
        input: [input],
        output: [output],
        attribute: [intsAttribute('kernel_shape', [layer.size, layer.size]), intsAttribute('strides', [layer.stride, layer.stride])],
      });
      break;
    case 'dropout':
      // Identity at inference (ONNX's Dropout without training_mode); the rate stays in the file for the way back.
      initializer.push(floatTensor(`${title} ratio`, [], [layer.rate]));
      nodes.push({ name: title, op_type: 'Dropout', input: [input, `${title} ratio`], output: [output] });
      break;
    case 'batchnorm': {
      const C = inShape.channels;
      initializer.push(
        floatTensor(W, [C], net.w[l]!),
        floatTensor(b, [C], net.b[l]!),
        floatTensor(`mean${n}`, [C], net.state.mean[l]!),
        floatTensor(`variance${n}`, [C], net.state.variance[l]!),
      );
      nodes.push({
        name: title,
        op_type: 'BatchNormalization',
        input: [input, W, b, `mean${n}`, `variance${n}`],
        output: [output],
        attribute: [floatAttribute('epsilon', BATCHNORM_EPSILON)],
      });
      break;
    }
  }
  if (activation) nodes.push(...activationNodes(activation, z, output, title, parts));
}
