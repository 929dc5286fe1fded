import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SaveKind } from '@core/lab/contract';
import { readNpz } from '@core/model/imports/npz';
import { readSafetensors } from '@core/model/imports/safetensors';
import { buildModelFile } from '@core/model/model-file';
import { InterchangeExports } from '@core/service/exports/interchange-exports';
import type { ExportedModel } from '@core/service/exports/model-exports';
import { Network } from '@core/engine/network';
import { Rng } from '@core/engine/rng';
import { trainedSmall } from '../../model/fixtures';

describe('InterchangeExports', () => {
  let dir: string;
  let asked: { name: string; kind: SaveKind }[];
  let answers: (string | null)[];
  let model: ExportedModel;

  /** Inspect's epoch slider: the checkpoints of the open model's run (the model itself holds epoch 3). */
  let checkpoints: Map<number, Network>;
  const exports = () =>
    new InterchangeExports({
      choosePath: async (name, kind) => (asked.push({ name, kind }), answers.shift() ?? null),
      model: async () => model,
      networkAt: async (_modelId, epoch) => {
        if (epoch === undefined) return { name: model.name, net: model.loaded.net, epoch: 3 };
        const net = checkpoints.get(epoch);
        if (!net) throw new Error(`no checkpoint of epoch ${epoch}`);
        return { name: model.name, net, epoch };
      },
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fathom-interchange-'));
    asked = [];
    answers = [];
    const { net, meta } = trainedSmall();
    model = { name: 'Digits (epoch 3)', loaded: { file: buildModelFile(net, meta), net } };
    checkpoints = new Map([[1, Network.create(net.spec, new Rng(21))]]);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a PyTorch project into the new folder the dialog names', async () => {
    answers.push(join(dir, 'project'));
    expect(await exports().exportPytorch({ runId: 'run-1' })).toEqual({
      saved: true,
      fileName: 'project',
      path: expect.stringMatching(/[\\/]project$/),
    });
    expect(asked).toEqual([{ name: 'Digits-epoch-3-pytorch', kind: 'pytorch' }]);
    expect(readdirSync(join(dir, 'project')).sort()).toEqual([
      'README.md',
      'config.json',
      'data.py',
      'model.py',
      'train.py',
      'weights.safetensors',
    ]);
  });

  it('refuses a folder that already holds files, and leaves them', async () => {
    mkdirSync(join(dir, 'full'));
    writeFileSync(join(dir, 'full', 'mine.txt'), 'x');
    answers.push(join(dir, 'full'));
    await expect(exports().exportPytorch({ runId: 'run-1' })).rejects.toThrow(
      /Could not export full: .*already holds 1 file: choose a new or empty folder/,
    );
    expect(readdirSync(join(dir, 'full'))).toEqual(['mine.txt']);
  });

  it('exports the weights as safetensors and .npz under the names Fathom shows', async () => {
    answers.push(join(dir, 'w.safetensors'), join(dir, 'w.npz'));
    await exports().exportSafetensors({ modelId: 'model-1' });
    await exports().exportNpz({ modelId: 'model-1' });
    const tensors = readSafetensors(readFileSync(join(dir, 'w.safetensors')), 'w');
    expect(tensors.map((t) => t.name)).toEqual(['W2', 'b2', 'W3', 'b3'].slice(0, 2 * model.loaded.net.L));
    expect(tensors[0]!.data).toEqual(Float32Array.from(model.loaded.net.w[1]!));
    expect(readNpz(readFileSync(join(dir, 'w.npz')), 'w')).toEqual(tensors);
  });

  it('exports one weight matrix as CSV: units(l) rows of units(l−1) values', async () => {
    answers.push(join(dir, 'w2.csv'));
    expect(await exports().exportWeightCsv({ modelId: 'model-1', layer: 1 })).toEqual({
      saved: true,
      fileName: 'w2.csv',
      path: expect.stringMatching(/[\\/]w2\.csv$/),
    });
    expect(asked).toEqual([{ name: 'Digits-w2-epoch-3.csv', kind: 'csv' }]);
    const rows = readFileSync(join(dir, 'w2.csv'), 'utf8').trim().split('\n');
    const net = model.loaded.net;
    expect(rows).toHaveLength(net.sizes[1]!);
    // Each value is the shortest decimal that reads back to the same float32.
    expect(rows[0]!.split(',').map((x) => Math.fround(Number(x)))).toEqual(Array.from(net.w[1]!.subarray(0, net.sizes[0]!)));
  });

  it("writes the matrix of the epoch Inspect's slider shows (its run's checkpoint), named after that epoch", async () => {
    answers.push(join(dir, 'w2-epoch-1.csv'));
    await exports().exportWeightCsv({ modelId: 'model-1', layer: 1, epoch: 1 });
    expect(asked).toEqual([{ name: 'Digits-w2-epoch-1.csv', kind: 'csv' }]);
    const rows = readFileSync(join(dir, 'w2-epoch-1.csv'), 'utf8').trim().split('\n');
    const shown = checkpoints.get(1)!;
    const first = (net: Network) => Array.from(net.w[1]!.subarray(0, net.sizes[0]!));
    expect(rows[0]!.split(',').map((x) => Math.fround(Number(x)))).toEqual(first(shown));
    expect(first(shown)).not.toEqual(first(model.loaded.net));
  });

  it('refuses a layer the model does not have, and diverged weights, before asking where', async () => {
    await expect(exports().exportWeightCsv({ modelId: 'model-1', layer: 9 })).rejects.toThrow(
      /cannot be exported to CSV: the network has weight matrices/,
    );
    model.loaded.net.w[1]![0] = Number.NaN;
    await expect(exports().exportSafetensors({ modelId: 'model-1' })).rejects.toThrow(/cannot be exported to safetensors/);
    expect(asked).toEqual([]);
  });
});
