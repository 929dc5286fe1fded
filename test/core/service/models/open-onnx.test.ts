/**
 * Inspect opens an ONNX model made by PyTorch (test/fixtures/onnx) through the open dialog, as it
 * opens a Fathom model: its weights and evaluation are there; one Fathom cannot represent (a dilated convolution) is refused
 * with the node's name and type, and the model already open stays.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabService } from '@core/service/lab-service';
import { makeService, stubDialogs, tempDataDir } from '../helpers';

const FIXTURES = join(__dirname, '../../../fixtures/onnx');
const tmp = tempDataDir();
const opens: (string | null)[] = [];
let service: LabService;

beforeAll(() => {
  service = makeService(tmp.dir, { dialogs: stubDialogs([], opens) });
});
afterAll(async () => {
  await service.dispose();
  tmp.remove();
});

describe('openModel with an ONNX file', () => {
  it('opens a PyTorch classifier: its layers and weights, scaled as raw pixels when the file does not say', async () => {
    opens.push(join(FIXTURES, 'flatten-relu-softmax.onnx'));
    const result = await service.openModel();
    if (result.status !== 'opened') throw new Error(`expected the model to open, got ${JSON.stringify(result)}`);
    expect(result.model).toMatchObject({ name: 'flatten-relu-softmax', scaling: { kind: 'min-max', min: [0], max: [255] } });
    expect(result.model.spec.layers).toEqual([
      { units: 16, activation: 'relu' },
      { units: 10, activation: 'softmax' },
    ]);
    const weights = await service.getWeights({ modelId: result.model.modelId, layer: 1 });
    expect(weights.rows).toBe(16);
    expect(weights.cols).toBe(784);
  });

  it('refuses a convolution Fathom does not have (dilated) by node name and type', async () => {
    opens.push(join(FIXTURES, 'conv-dilated.onnx'));
    expect(await service.openModel()).toEqual({
      status: 'failed',
      code: 'wrong-format',
      message: expect.stringMatching(
        /^conv-dilated\.onnx: node "\/0\/Conv" \(Conv\) has dilations \[2, 2\]; Fathom's convolution has dilation 1/,
      ),
    });
  });
});
