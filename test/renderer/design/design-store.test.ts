// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { startRunSchema } from '@core/lab/schemas';
import { STORAGE_KEY } from '@renderer/model/design/persist';
import { presetDesign } from '@renderer/model/design/presets';
import { useDatasetsStore } from '@renderer/stores/datasets';
import { MERGE_MS, useDesignStore } from '@renderer/stores/design';
import { installFakeLab } from '../fake-lab';
import { designerVerbs } from './fixtures';
import type { DenseLayerSpec } from '@core/engine/spec';

const units = (store: ReturnType<typeof useDesignStore>): number[] => [
  store.design.spec.inputSize,
  ...store.design.spec.layers.map((l) => (l as DenseLayerSpec).units),
];

async function ready() {
  const datasets = useDatasetsStore();
  await datasets.load();
  return useDesignStore();
}

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
  installFakeLab(designerVerbs());
});

describe('design store: presets', () => {
  it('starts from network.py: 784-30-10 sigmoid, quadratic, N(0,1), SGD η 3, batch 10, 30 epochs', async () => {
    const store = await ready();
    expect(units(store)).toEqual([784, 30, 10]);
    expect(store.design.spec.layers.every((l) => (l as DenseLayerSpec).activation === 'sigmoid')).toBe(true);
    expect(store.design.spec).toMatchObject({ loss: 'quadratic', init: 'normal' });
    expect(store.design.settings).toMatchObject({ optimizer: 'sgd', learningRate: 3, batchSize: 10, epochs: 30 });
    expect(store.canTrain).toBe(true);
  });

  it('loads the article, modern and perceptron presets', async () => {
    const store = await ready();
    store.applyPreset('seed');
    expect(units(store)).toEqual([784, 100, 40, 10]);
    expect(store.canTrain).toBe(true);

    store.applyPreset('modern');
    expect(units(store)).toEqual([784, 100, 10]);
    expect(store.design.spec.layers.map((l) => (l as DenseLayerSpec).activation)).toEqual(['relu', 'softmax']);
    expect(store.design.spec).toMatchObject({ loss: 'cross-entropy', init: 'he' });
    expect(store.design.settings).toMatchObject({ optimizer: 'adam', learningRate: 0.001, batchSize: 64, epochs: 5 });
    expect(store.canTrain).toBe(true);

    store.applyPreset('perceptron');
    expect(units(store)).toEqual([784, 10]);
    expect((store.design.spec.layers[0] as DenseLayerSpec).activation).toBe('step');
    expect(store.canTrain).toBe(false);
    expect(store.problems.map((p) => p.field)).toEqual(['layers[0].activation']);
    expect(store.problems[0]!.message).toMatch(/sigmoid/);
  });

  it('keeps the data choices when a preset is applied', async () => {
    const store = await ready();
    store.setValidation(true);
    store.setTrainLimit(1000);
    store.applyPreset('modern');
    expect(store.design).toMatchObject({ validation: true, trainLimit: 1000, datasetId: 'mnist' });
  });
});

describe('design store: editing layers', () => {
  it('adds a hidden layer before the output', async () => {
    const store = await ready();
    store.addLayer(1);
    expect(units(store)).toEqual([784, 30, 30, 10]);
    expect((store.design.spec.layers[1] as DenseLayerSpec).activation).toBe('sigmoid');
  });

  it('adds a ReLU layer to a ReLU network, and clamps the index', async () => {
    const store = await ready();
    store.applyPreset('modern');
    store.addLayer(99);
    expect(store.design.spec.layers.map((l) => (l as DenseLayerSpec).activation)).toEqual(['relu', 'softmax', 'relu']);
  });

  it('removes a layer but never the last one', async () => {
    const store = await ready();
    store.removeLayer(0);
    expect(units(store)).toEqual([784, 10]);
    store.removeLayer(0);
    expect(units(store)).toEqual([784, 10]);
    store.removeLayer(5);
    expect(units(store)).toEqual([784, 10]);
  });

  it('moves layers and ignores moves out of range', async () => {
    const store = await ready();
    store.applyPreset('seed');
    store.moveLayer(0, 1);
    expect(units(store)).toEqual([784, 40, 100, 10]);
    store.moveLayer(2, 3);
    expect(units(store)).toEqual([784, 40, 100, 10]);
    store.moveLayer(2, 0);
    expect(units(store)).toEqual([784, 10, 40, 100]);
  });

  it('sets units, activations, loss, init, settings, stop rule, scaling and limits', async () => {
    const store = await ready();
    store.setUnits(0, 64);
    store.setActivation(0, 'tanh');
    store.setLoss('mse');
    store.setInit('xavier');
    store.setSetting('optimizer', 'momentum');
    store.setSetting('momentum', 0.5);
    store.setStop({ kind: 'loss-plateau', minImprovement: 0.01 });
    store.setScaling('z-score');
    store.setTrainLimit(500);
    expect(store.design.spec.layers[0]).toEqual({ units: 64, activation: 'tanh' });
    expect(store.design.spec).toMatchObject({ loss: 'mse', init: 'xavier' });
    expect(store.design.settings).toMatchObject({
      optimizer: 'momentum',
      momentum: 0.5,
      stop: { kind: 'loss-plateau', minImprovement: 0.01 },
    });
    expect(store.design).toMatchObject({ scaling: 'z-score', trainLimit: 500 });
    store.setTrainLimit(undefined);
    expect('trainLimit' in store.design).toBe(false);
  });
});

describe('design store: undo and redo', () => {
  it('undoes and redoes each edit', async () => {
    const store = await ready();
    expect(store.canUndo).toBe(false);
    store.addLayer(1);
    store.setLoss('mse');
    expect(store.canUndo).toBe(true);
    store.undo();
    expect(store.design.spec.loss).toBe('quadratic');
    expect(units(store)).toEqual([784, 30, 30, 10]);
    store.undo();
    expect(units(store)).toEqual([784, 30, 10]);
    expect(store.canUndo).toBe(false);
    expect(store.canRedo).toBe(true);
    store.redo();
    store.redo();
    expect(units(store)).toEqual([784, 30, 30, 10]);
    expect(store.design.spec.loss).toBe('mse');
    expect(store.canRedo).toBe(false);
  });

  it('undoes a preset in one step and forgets redo after a new edit', async () => {
    const store = await ready();
    store.applyPreset('modern');
    store.undo();
    expect(units(store)).toEqual([784, 30, 10]);
    expect(store.canRedo).toBe(true);
    store.setLoss('mae');
    expect(store.canRedo).toBe(false);
  });

  it('merges quick typing in one field into one step, but not edits of different fields', async () => {
    vi.useFakeTimers();
    try {
      const store = await ready();
      store.setUnits(0, 1);
      store.setUnits(0, 10);
      store.setUnits(0, 100);
      store.setSetting('epochs', 5);
      vi.advanceTimersByTime(MERGE_MS + 1);
      store.setSetting('epochs', 6);
      store.undo();
      expect(store.design.settings.epochs).toBe(5);
      store.undo();
      expect(store.design.settings.epochs).toBe(30);
      expect((store.design.spec.layers[0] as DenseLayerSpec).units).toBe(100);
      store.undo();
      expect((store.design.spec.layers[0] as DenseLayerSpec).units).toBe(30);
    } finally {
      vi.useRealTimers();
    }
  });

  it('records nothing for an edit that changes nothing', async () => {
    const store = await ready();
    store.setLoss('quadratic');
    store.moveLayer(0, 0);
    expect(store.canUndo).toBe(false);
  });
});

describe('design store: persistence', () => {
  it('keeps the design between app starts', async () => {
    const first = await ready();
    first.applyPreset('seed');
    first.setUnits(1, 50);
    first.setValidation(true);
    setActivePinia(createPinia());
    const second = await ready();
    expect(units(second)).toEqual([784, 100, 50, 10]);
    expect(second.design.validation).toBe(true);
    expect(second.notice).toBeNull();
  });

  it('keeps a stored design that has problems, so unfinished work survives', async () => {
    const first = await ready();
    first.setUnits(1, 7);
    setActivePinia(createPinia());
    const second = await ready();
    expect((second.design.spec.layers[1] as DenseLayerSpec).units).toBe(7);
    expect(second.canTrain).toBe(false);
  });

  it.each([
    ['not JSON', '{"spec": '],
    ['the wrong shape', JSON.stringify({ spec: { inputSize: 'many', layers: 3 } })],
    [
      'an unknown activation',
      JSON.stringify({
        ...presetDesign('seed'),
        spec: { inputSize: 784, layers: [{ units: 10, activation: 'swish' }], loss: 'quadratic', init: 'normal' },
      }),
    ],
    [
      'a layer count that is not a number',
      JSON.stringify({ ...presetDesign('seed'), spec: { ...presetDesign('seed').spec, layers: [{ units: null, activation: 'relu' }] } }),
    ],
    ['null', 'null'],
  ])('falls back to the default preset when storage holds %s', async (_what, stored) => {
    localStorage.setItem(STORAGE_KEY, stored);
    const store = await ready();
    expect(units(store)).toEqual([784, 30, 10]);
    expect(store.notice).toMatch(/could not be read/);
    store.dismissNotice();
    expect(store.notice).toBeNull();
  });

  it('moves a design whose dataset is gone to the first dataset offered', async () => {
    const first = await ready();
    first.setDataset('fashion');
    expect(first.problems.map((p) => p.field)).toContain('datasetId');
    setActivePinia(createPinia());
    const second = await ready();
    second.syncDataset();
    expect(second.design.datasetId).toBe('mnist');
    expect(second.canTrain).toBe(true);
  });
});

describe('design store: start request', () => {
  it('builds a plain request the main process accepts', async () => {
    const store = await ready();
    store.setValidation(true);
    store.setStop({ kind: 'early-stopping', patience: 2 });
    store.setTrainLimit(5000);
    const request = store.startRequest();
    expect(startRunSchema.safeParse(request).success).toBe(true);
    expect(request).toMatchObject({
      datasetId: 'mnist',
      scaling: 'min-max',
      validation: true,
      trainLimit: 5000,
      spec: { inputSize: 784, layers: [{ units: 30 }, { units: 10 }] },
      settings: { stop: { kind: 'early-stopping', patience: 2 } },
    });
    expect('testLimit' in request).toBe(false);
    expect(request.name).toContain('784-30-10');
    // a copy: editing the design afterwards does not change the request
    store.setUnits(0, 99);
    expect((request.spec.layers[0] as DenseLayerSpec).units).toBe(30);
  });

  it('is not ready to train before the dataset list has arrived', () => {
    const store = useDesignStore();
    expect(store.canTrain).toBe(false);
  });
});
