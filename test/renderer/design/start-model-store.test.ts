// @vitest-environment happy-dom
/**
 * Start from a model file (stores/start-model.ts): the design takes the model's layers and the run's
 * request carries it; a file without its input scaling holds the run back until the person chooses;
 * editing the layers drops the weights (a fresh start) rather than sending weights that do not fit.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { OpenStartModelResult, StartModel } from '@core/lab/contract';
import { startRunSchema } from '@core/lab/schemas';
import { useDatasetsStore } from '@renderer/stores/datasets';
import { useDesignStore } from '@renderer/stores/design';
import { useStartModelStore } from '@renderer/stores/start-model';
import { installFakeLab } from '../fake-lab';
import { designerVerbs } from './fixtures';

const MODEL: StartModel = {
  startId: 'abc123',
  name: 'mlp.onnx',
  format: 'onnx',
  spec: {
    inputSize: 784,
    layers: [
      { units: 64, activation: 'relu' },
      { units: 10, activation: 'softmax' },
    ],
    loss: 'cross-entropy',
    init: 'he',
  },
  scaling: null,
  epochs: 0,
};

async function stores(reply: OpenStartModelResult) {
  installFakeLab({ ...designerVerbs(), openStartModel: async () => structuredClone(reply) });
  await useDatasetsStore().load();
  return { design: useDesignStore(), start: useStartModelStore() };
}

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});

describe('start-model store', () => {
  it('takes the layers of a file without its scaling and holds the run back until the scaling is chosen', async () => {
    const { design, start } = await stores({ status: 'opened', start: MODEL });
    expect(design.canTrain).toBe(true);
    await design.openStartModel();
    expect(design.design.spec.layers).toEqual(MODEL.spec.layers);
    expect(start.fits(design.spec)).toBe(true);
    expect(start.needsScaling(design.spec)).toBe(true);
    expect(design.canTrain).toBe(false);
    expect(design.problems.map((p) => p.field)).toEqual(['start']);
    expect(design.startRequest().start).toBeUndefined();

    start.chooseScaling('pixels');
    expect(design.canTrain).toBe(true);
    const request = design.startRequest();
    expect(request.start).toEqual({ startId: 'abc123', scaling: 'pixels' });
    expect(startRunSchema.safeParse(request).success).toBe(true);
  });

  it("uses the file's own scaling when it says, and asks nothing", async () => {
    const { design, start } = await stores({
      status: 'opened',
      start: { ...MODEL, format: 'fathom', epochs: 3, scaling: { kind: 'min-max', per: 'global', min: [0], max: [255] } },
    });
    await design.openStartModel();
    expect(start.needsScaling(design.spec)).toBe(false);
    start.chooseScaling('none'); // not offered: ignored
    expect(design.startRequest().start).toEqual({ startId: 'abc123', scaling: 'file' });
  });

  it('starts afresh once the layers no longer fit the weights, and can be undone back to fitting ones', async () => {
    const { design, start } = await stores({ status: 'opened', start: MODEL });
    await design.openStartModel();
    start.chooseScaling('dataset');
    design.setUnits(0, 65);
    expect(start.fits(design.spec)).toBe(false);
    expect(design.startRequest().start).toBeUndefined();
    expect(design.canTrain).toBe(true);
    design.undo();
    expect(design.startRequest().start).toEqual({ startId: 'abc123', scaling: 'dataset' });
    start.clear();
    expect(design.startRequest().start).toBeUndefined();
  });

  it("shows a refused file's reason and changes nothing; a cancelled dialog changes nothing either", async () => {
    const { design, start } = await stores({ status: 'failed', message: 'model.onnx: node "lstm_1" (LSTM) cannot be represented' });
    const before = JSON.parse(JSON.stringify(design.design.spec)) as unknown;
    await design.openStartModel();
    expect(start.notice).toBe('Could not open the model: model.onnx: node "lstm_1" (LSTM) cannot be represented');
    expect(start.start).toBeNull();
    expect(design.design.spec).toEqual(before);
    setActivePinia(createPinia());
    const again = await stores({ status: 'cancelled' });
    await again.design.openStartModel();
    expect(again.start.start).toBeNull();
    expect(again.start.notice).toBeNull();
  });
});
