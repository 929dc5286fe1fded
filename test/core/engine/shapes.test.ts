import { describe, expect, it } from 'vitest';
import {
  formatShape,
  layerShapes,
  layerSizes,
  multiplyAdds,
  parameterCounts,
  parameterShapes,
  windowGeometry,
} from '../../../core/engine/shapes';
import { layerToken, networkSizes, type LayerSpec, type NetworkSpec } from '../../../core/engine/spec';
import { specProblems } from '../../../core/engine/validate';

const image = (layers: LayerSpec[], height = 28, width = 28, channels = 1): NetworkSpec => ({
  inputSize: height * width * channels,
  inputShape: { channels, height, width },
  layers,
  loss: 'cross-entropy',
  init: 'he',
});
const conv = (filters: number, kernel: number, stride = 1, padding: 'valid' | 'same' = 'valid'): LayerSpec => ({
  kind: 'conv',
  filters,
  kernel,
  stride,
  padding,
  activation: 'relu',
});
const pool = (size: number, stride = size): LayerSpec => ({ kind: 'maxpool', size, stride });
const chapter6 = (): NetworkSpec => image([conv(20, 5), pool(2), { units: 100, activation: 'relu' }, { units: 10, activation: 'softmax' }]);
const fields = (spec: NetworkSpec): string[] => specProblems(spec).map((p) => p.field);

describe('layer shapes', () => {
  it("follows Nielsen's chapter-6 network: 28×28×1 → 24×24×20 → 12×12×20 → 100 → 10", () => {
    const spec = chapter6();
    expect(layerShapes(spec).map(formatShape)).toEqual(['28×28×1', '24×24×20', '12×12×20', '100', '10']);
    expect(layerSizes(spec)).toEqual([784, 11520, 2880, 100, 10]);
    // conv: 20 kernels of 1·5·5 + 20 biases; dense 100 × 2880 (flattened) + 100; 10 × 100 + 10
    expect(parameterCounts(spec)).toEqual([0, 520, 0, 288_100, 1010]);
    expect(specProblems(spec)).toEqual([]);
    expect(networkSizes(spec)).toBe('28x28x1-conv5x5x20-maxpool2-100-10');
  });

  it('keeps a dense network flat: channels = units, 1 × 1', () => {
    const spec: NetworkSpec = {
      inputSize: 784,
      layers: [
        { units: 30, activation: 'sigmoid' },
        { units: 10, activation: 'sigmoid' },
      ],
      loss: 'quadratic',
      init: 'normal',
    };
    expect(layerShapes(spec)).toEqual([
      { channels: 784, height: 1, width: 1, size: 784, spatial: false },
      { channels: 30, height: 1, width: 1, size: 30, spatial: false },
      { channels: 10, height: 1, width: 1, size: 10, spatial: false },
    ]);
    expect(parameterCounts(spec)).toEqual([0, 30 * 785, 10 * 31]);
    expect(networkSizes(spec)).toBe('784-30-10');
  });

  it('pads "same" to ⌈n/s⌉ with the odd pixel at the bottom/right, and floors "valid" like PyTorch', () => {
    expect(windowGeometry(28, 28, 5, 1, 'same')).toEqual({ outHeight: 28, outWidth: 28, padTop: 2, padLeft: 2, padBottom: 2, padRight: 2 });
    expect(windowGeometry(7, 8, 3, 2, 'same')).toEqual({ outHeight: 4, outWidth: 4, padTop: 1, padLeft: 0, padBottom: 1, padRight: 1 });
    expect(windowGeometry(7, 7, 3, 2, 'valid')).toMatchObject({ outHeight: 3, outWidth: 3, padTop: 0 });
    expect(windowGeometry(13, 13, 2, 2, 'valid')).toMatchObject({ outHeight: 6, outWidth: 6 });
  });

  it('puts batchnorm per channel after a spatial layer and per unit after a dense one; dropout keeps the shape', () => {
    const spec = image([
      conv(8, 3, 2, 'same'),
      { kind: 'batchnorm' },
      { kind: 'dropout', rate: 0.25 },
      { units: 16, activation: 'relu' },
      { kind: 'batchnorm' },
      { units: 10, activation: 'softmax' },
    ]);
    expect(layerShapes(spec).map(formatShape)).toEqual(['28×28×1', '14×14×8', '14×14×8', '14×14×8', '16', '16', '10']);
    expect(parameterShapes(spec)[2]).toEqual({ weights: 8, biases: 8, state: 8 });
    expect(parameterShapes(spec)[5]).toEqual({ weights: 16, biases: 16, state: 16 });
    expect(parameterCounts(spec)[4]).toBe(16 * 14 * 14 * 8 + 16);
    expect(specProblems(spec)).toEqual([]);
    expect(spec.layers.map(layerToken)).toEqual(['conv3x3x8s2same', 'batchnorm', 'dropout0.25', '16', 'batchnorm', '10']);
  });

  it('counts multiply-adds: a conv costs its weights at every output position', () => {
    expect(multiplyAdds(chapter6())).toEqual([0, 500 * 24 * 24, 2880, 288_000, 1000]);
  });
});

describe('shape problems', () => {
  it('refuses a kernel larger than its input, with the sizes in the message', () => {
    const spec = image([conv(4, 7), { units: 10, activation: 'softmax' }], 5, 5);
    const [problem] = specProblems(spec);
    expect(problem).toEqual({
      field: 'layers[0].kernel',
      message: expect.stringMatching(/7×7 kernel is larger than its 5×5 input.*at most 5, or "same" padding/),
    });
    expect(specProblems(image([conv(4, 7, 1, 'same'), { units: 10, activation: 'softmax' }], 5, 5))).toEqual([]);
  });

  it('refuses a stride that jumps over pixels and a pooling window that does not fit', () => {
    expect(fields(image([conv(4, 3, 4), { units: 10, activation: 'softmax' }]))).toEqual(['layers[0].stride']);
    expect(fields(image([conv(4, 5), pool(2), pool(2), pool(2), pool(4), { units: 10, activation: 'softmax' }]))).toEqual([
      'layers[4].size',
    ]);
  });

  it('refuses convolution and pooling after a dense layer or on a flat input, saying which', () => {
    const afterDense = image([{ units: 100, activation: 'relu' }, conv(4, 3), { units: 10, activation: 'softmax' }]);
    expect(specProblems(afterDense)).toEqual([{ field: 'layers[1].kind', message: expect.stringMatching(/comes after a dense layer/) }]);
    const flat: NetworkSpec = { ...image([pool(2), { units: 10, activation: 'softmax' }]), inputShape: undefined };
    expect(specProblems(flat)).toEqual([{ field: 'layers[0].kind', message: expect.stringMatching(/flat list of 784 numbers/) }]);
  });

  it('refuses a dropout rate outside [0, 1), a non-dense output layer and softmax on a conv layer', () => {
    expect(
      fields(
        image([
          { kind: 'dropout', rate: 1 },
          { units: 10, activation: 'softmax' },
        ]),
      ),
    ).toEqual(['layers[0].rate']);
    expect(
      fields(
        image([
          { units: 10, activation: 'relu' },
          { kind: 'dropout', rate: 0.5 },
        ]),
      ),
    ).toEqual(['layers[1].kind']);
    const softConv = image([{ ...conv(4, 3), activation: 'softmax' } as LayerSpec, { units: 10, activation: 'softmax' }]);
    expect(fields(softConv)).toEqual(['layers[0].activation']);
  });

  it('refuses an input shape whose product is not inputSize, and unknown kinds', () => {
    expect(specProblems({ ...chapter6(), inputSize: 700 })).toEqual([
      { field: 'inputShape', message: 'The input image 28×28×1 holds 784 values, but the input layer has 700 units.' },
    ]);
    const odd = image([{ kind: 'lstm' } as unknown as LayerSpec, { units: 10, activation: 'softmax' }]);
    expect(fields(odd)).toEqual(['layers[0].kind']);
  });

  it('keeps going after a bad layer so every problem is listed once', () => {
    const spec = image([conv(0, 5), pool(2), { units: 10, activation: 'softmax' }]);
    expect(fields(spec)).toEqual(['layers[0].filters']);
  });
});
