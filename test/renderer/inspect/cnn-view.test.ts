// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { LabApi, LayerWeights, TraceResult } from '@core/lab/contract';
import type { NetworkSpec } from '@core/engine/spec';
import InspectView from '@renderer/components/inspect/InspectView.vue';
import { useModelsStore } from '@renderer/stores/models';
import { installFakeLab } from '../fake-lab';
import { inspectVerbs, modelSummary } from './fixtures';

/** conv 3×3×2 → batchnorm → pool 2 → 10 softmax on 28 × 28 images. */
const SPEC: NetworkSpec = {
  inputSize: 784,
  inputShape: { channels: 1, height: 28, width: 28 },
  layers: [
    { kind: 'conv', filters: 2, kernel: 3, stride: 1, padding: 'valid', activation: 'relu' },
    { kind: 'batchnorm' },
    { kind: 'maxpool', size: 2, stride: 2 },
    { units: 10, activation: 'softmax' },
  ],
  loss: 'cross-entropy',
  init: 'he',
};

function weights(modelId: string, layer: number): LayerWeights {
  const base = { modelId, layer, epoch: null, activation: 'linear' as const };
  if (layer === 1)
    return {
      ...base,
      activation: 'relu',
      rows: 2,
      cols: 9,
      w: Float32Array.from({ length: 18 }, (_, k) => k - 9),
      b: Float32Array.of(0, 1),
    };
  if (layer === 2)
    return {
      ...base,
      rows: 2,
      cols: 1,
      w: Float32Array.of(1.5, 0.5),
      b: Float32Array.of(-0.25, 0.25),
      running: { mean: Float32Array.of(0.1, 0.2), variance: Float32Array.of(1, 2) },
    };
  if (layer === 3) return { ...base, rows: 0, cols: 0, w: new Float32Array(0), b: new Float32Array(0) };
  return { ...base, activation: 'softmax', rows: 10, cols: 338, w: new Float32Array(3380), b: new Float32Array(10) };
}

const map = (channels: number, side: number) => ({ channels, height: side, width: side, spatial: true, step: 1 });
function trace(modelId: string, testIndex: number | null): TraceResult {
  const output = new Array(10).fill(0.01);
  output[4] = 0.91;
  const values = (n: number) => Array.from({ length: n }, (_, k) => k % 7);
  return {
    modelId,
    input: new Array(784).fill(0),
    inputShape: map(1, 28),
    raw: new Array(784).fill(0),
    layers: [
      { layer: 1, kind: 'conv', activation: 'relu', shape: map(2, 26), z: values(1352), a: values(1352) },
      { layer: 2, kind: 'batchnorm', activation: 'linear', shape: map(2, 26), z: values(1352), a: values(1352) },
      { layer: 3, kind: 'maxpool', activation: 'linear', shape: map(2, 13), z: values(338), a: values(338) },
      {
        layer: 4,
        kind: 'dense',
        activation: 'softmax',
        shape: { channels: 10, height: 1, width: 1, spatial: false, step: 1 },
        z: output,
        a: output,
      },
    ],
    output,
    predicted: 4,
    testIndex,
    label: testIndex === null ? null : 4,
  };
}

let wrapper: VueWrapper;
let traced: (number | undefined)[];

/**
 * happy-dom has no canvas: a 2-D context that accepts every call (and counts the images drawn) stands
 * in, so the views mount; what they paint is checked in feature-maps.test.ts and the e2e screenshots.
 */
let drawn = 0;
function stubCanvas(): void {
  const ctx: Record<string, unknown> = {
    measureText: () => ({ width: 0 }),
    putImageData: () => undefined,
    drawImage: () => void drawn++,
  };
  const context = new Proxy(ctx, {
    get: (target, key: string) => (key in target ? target[key] : () => undefined),
    set: (target, key: string, value) => ((target[key] = value), true),
  });
  HTMLCanvasElement.prototype.getContext = (() => context) as unknown as HTMLCanvasElement['getContext'];
  globalThis.ImageData ??= class {
    constructor(
      readonly data: Uint8ClampedArray,
      readonly width: number,
      readonly height: number,
    ) {}
  } as unknown as typeof ImageData;
}

beforeEach(() => {
  stubCanvas();
  drawn = 0;
  setActivePinia(createPinia());
  traced = [];
  const verbs: Partial<LabApi> = {
    ...inspectVerbs(),
    openModel: async () => ({ status: 'opened' as const, model: modelSummary('cnn', { spec: SPEC, parameterCount: 3424 }) }),
    getWeights: async (r) => weights(r.modelId, r.layer),
    traceActivations: async (r) => {
      traced.push(r.testIndex);
      return trace(r.modelId, r.testIndex ?? null);
    },
  };
  installFakeLab(verbs);
});
afterEach(() => wrapper.unmount());

async function openCnn() {
  const models = useModelsStore();
  // Straight to the CNN view: the Weights view's histograms need Chart.js, which needs a real canvas.
  models.view = 'cnn';
  wrapper = mount(InspectView, { props: { active: true }, attachTo: document.body });
  await models.openFile();
  await flushPromises();
  return models;
}

describe('Inspect for a CNN', () => {
  it('offers the kernels and feature maps view only for a network that has them', async () => {
    const models = await openCnn();
    expect(wrapper.find('[data-testid="inspect-tab-cnn"]').exists()).toBe(true);
    expect(wrapper.get('[data-testid="inspect-tab-cnn"]').text()).toBe('Kernels & feature maps');
    expect(wrapper.findAll('[role="tab"]').map((t) => t.attributes('data-testid'))).toContain('inspect-tab-weights');
    models.view = 'gradcheck';
    models.model = modelSummary('dense');
    await flushPromises();
    expect(wrapper.find('[data-testid="inspect-tab-cnn"]').exists()).toBe(false);
  });

  it('draws every kernel, the feature maps of the conv and pool layers for a chosen test image, and BatchNorm’s statistics', async () => {
    const models = await openCnn();
    expect(models.view).toBe('cnn');
    expect(drawn).toBeGreaterThan(0);
    expect(wrapper.get('[data-testid="kernel-grid"]').attributes('data-images')).toBe('2');
    expect(wrapper.text()).toContain('w² : 2 filters × 1 input channel × 3 × 3');
    // The first test image is traced on opening the view; the conv and pool layers each get a grid, batchnorm's maps are not repeated.
    expect(traced).toEqual([0]);
    const grids = wrapper.findAll('[data-testid="feature-maps"]');
    expect(grids.map((g) => g.attributes('data-images'))).toEqual(['2', '2']);
    expect(wrapper.text()).toContain('conv 2 · a²');
    expect(wrapper.text()).toContain('pool 4 · a⁴');
    expect(wrapper.get('[data-testid="maps-caption"]').text()).toBe('Test image 0, predicted 4');
    await wrapper.get('[data-testid="maps-index"]').setValue('17');
    await wrapper.get('[data-testid="maps-show"]').trigger('click');
    await flushPromises();
    expect(traced).toEqual([0, 17]);
    expect(wrapper.get('[data-testid="maps-caption"]').text()).toBe('Test image 17, predicted 4');
    const table = wrapper.get('[data-testid="batchnorm-table"]').text();
    for (const value of ['1.5', '0.5', '−0.25', '0.25', '0.1', '0.2']) expect(table).toContain(value);
  });

  it('switches the kernels between one shared scale and one per kernel', async () => {
    await openCnn();
    const shared = wrapper.get('[data-testid="kernel-scale-shared"]');
    const own = wrapper.get('[data-testid="kernel-scale-per-kernel"]');
    expect(shared.attributes('aria-checked')).toBe('true');
    await own.trigger('click');
    expect(own.attributes('aria-checked')).toBe('true');
    expect(wrapper.text()).toContain('each kernel on its own ±max');
  });
});

describe('a CNN in the Weights and Activations views', () => {
  async function openIn(view: 'weights' | 'activations') {
    const models = useModelsStore();
    models.view = view;
    wrapper = mount(InspectView, { props: { active: true }, attachTo: document.body });
    await models.openFile();
    await flushPromises();
    return models;
  }

  it('draws a convolution’s kernels in the Weights view, lists only the layers with weights by kind, and leads to the feature maps', async () => {
    const models = await openIn('weights');
    expect(wrapper.get('[data-testid="weights-kernels"]').text()).toContain('w² : 2 filters × 1 input channel × 3 × 3');
    expect(wrapper.get('[data-testid="kernel-grid"]').attributes('data-images')).toBe('2');
    // No "hidden unit" images of a 784-pixel row: the first layer is a convolution.
    expect(wrapper.find('[data-testid="unit-grid"]').exists()).toBe(false);
    expect(wrapper.text()).not.toContain('not an image');
    const options = wrapper.findAll('[data-testid="heatmap-layer"] option').map((o) => o.text());
    expect(options).toEqual([
      'w² into conv 2 (2 kernels of 1 × 3 × 3)',
      'w³ into batchnorm 3 (γ of 2 channels)',
      'w⁵ into dense 5 (338 → 10)',
    ]);
    expect(wrapper.findAll('.hist-label strong').map((s) => s.text())).toEqual(['conv 2', 'batchnorm 3', 'dense 5']);
    await wrapper.get('[data-testid="weights-kernel-scale-per-kernel"]').trigger('click');
    expect(wrapper.text()).toContain('each kernel on its own ±max');
    await wrapper.get('[data-testid="weights-to-cnn"]').trigger('click');
    expect(models.view).toBe('cnn');
  });

  it('keeps a pooling layer, which has no weights, out of the matrix shown', async () => {
    const models = await openIn('weights');
    models.layer = 3;
    models.layers = [...models.layers];
    await flushPromises();
    expect(models.layer).toBe(1);
  });

  it('draws the feature maps of every spatial layer in the Activations view, and bars for the dense ones', async () => {
    await openIn('activations');
    expect(traced).toEqual([0]);
    for (const layer of [1, 2, 3])
      expect(wrapper.get(`[data-testid="act-layer-${layer}"]`).find('[data-testid="feature-maps"]').exists()).toBe(true);
    expect(wrapper.get('[data-testid="act-layer-1"]').text()).toContain('conv 2 · a²');
    expect(wrapper.get('[data-testid="act-layer-3"]').text()).toContain('pool 4 · a⁴');
    const dense = wrapper.get('[data-testid="act-layer-4"]');
    expect(dense.find('[data-testid="feature-maps"]').exists()).toBe(false);
    expect(dense.text()).toContain('Dense 5 · softmax · 10 units');
  });
});
