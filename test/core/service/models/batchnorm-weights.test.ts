/** Inspect's weights of a BatchNorm layer carry its running statistics, read from the model file. */
import { describe, it, expect, afterAll } from 'vitest';
import { join } from 'node:path';
import type { ScalingParams } from '@core/data/scaling';
import { Network } from '@core/engine/network';
import { Rng } from '@core/engine/rng';
import type { NetworkSpec } from '@core/engine/spec';
import { buildModelFile } from '@core/model/model-file';
import { saveModelFile } from '@core/model/model-files';
import { ModelInspector } from '@core/service/models/model-inspector';
import { DEFAULT_TRAIN_SETTINGS } from '@core/engine/spec';
import { tempDataDir } from '../helpers';

const tmp = tempDataDir();
afterAll(() => tmp.remove());

const spec: NetworkSpec = {
  inputSize: 784,
  inputShape: { channels: 1, height: 28, width: 28 },
  layers: [
    { kind: 'conv', filters: 3, kernel: 5, stride: 1, padding: 'valid', activation: 'relu' },
    { kind: 'batchnorm' },
    { kind: 'maxpool', size: 2, stride: 2 },
    { units: 10, activation: 'softmax' },
  ],
  loss: 'cross-entropy',
  init: 'he',
};

describe('getWeights of a BatchNorm layer', () => {
  it('returns γ, β and the running mean and variance the model file holds, and none for other layers', async () => {
    const net = Network.create(spec, new Rng(1));
    const mean = [0.5, -1, 2];
    const variance = [1.5, 0.25, 4];
    const state = { mean: net.state.mean.map((m) => Array.from(m)), variance: net.state.variance.map((v) => Array.from(v)) };
    state.mean[2] = mean;
    state.variance[2] = variance;
    net.setState(state);
    const path = join(tmp.dir, 'bn.fathom.json');
    const scaling: ScalingParams = { kind: 'min-max', per: 'global', min: [0], max: [255] };
    const dataset = { name: 'MNIST', inputShape: [28, 28], classes: [], sizes: { train: 0, test: 0 }, files: [] };
    await saveModelFile(
      path,
      buildModelFile(net, { scaling, settings: DEFAULT_TRAIN_SETTINGS, dataset, history: [], appVersion: '0.1.0' }),
    );
    const inspector = new ModelInspector({
      chooseOpenPath: async () => path,
      runFiles: async () => {
        throw new Error('no runs');
      },
      sha256: async () => 'none',
    });
    const opened = await inspector.openFile();
    if (opened.status !== 'opened') throw new Error(JSON.stringify(opened));
    const bn = await inspector.weights({ modelId: opened.model.modelId, layer: 2 });
    expect(bn.rows).toBe(3);
    expect(Array.from(bn.running!.mean)).toEqual(mean);
    expect(Array.from(bn.running!.variance)).toEqual(variance);
    expect((await inspector.weights({ modelId: opened.model.modelId, layer: 1 })).running).toBeUndefined();
  });
});
