import { mkdtempSync, readFileSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SaveKind } from '@core/lab/contract';
import { MAX_PNG_BYTES } from '@core/lab/shell-types';
import { buildModelFile } from '@core/model/model-file';
import { readModelFile } from '@core/model/model-file';
import { ModelExports, type ExportedModel } from '@core/service/exports/model-exports';
import { trainedSmall } from '../../model/fixtures';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

describe('ModelExports', () => {
  let dir: string;
  let asked: { name: string; kind: SaveKind }[];
  let answers: (string | null)[];
  let model: ExportedModel;

  function exports(rows = trainedSmall().history): ModelExports {
    return new ModelExports({
      choosePath: async (name, kind) => (asked.push({ name, kind }), answers.shift() ?? null),
      model: async () => model,
      history: () => ({ name: 'My run', rows }),
    });
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fathom-exports-'));
    asked = [];
    answers = [];
    const { net, meta } = trainedSmall();
    model = { name: 'Digits (epoch 3)', loaded: { file: buildModelFile(net, meta), net } };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves the model file where the dialog says, suggesting a safe name', async () => {
    answers.push(join(dir, 'chosen.fathom.json'));
    expect(await exports().saveModel({ modelId: 'model-1' })).toEqual({
      saved: true,
      fileName: 'chosen.fathom.json',
      path: expect.stringMatching(/[\\/]chosen\.fathom\.json$/),
    });
    expect(asked).toEqual([{ name: 'Digits-epoch-3.fathom.json', kind: 'model' }]);
    const back = readModelFile(readFileSync(join(dir, 'chosen.fathom.json'), 'utf8'));
    expect(back.file.parameters).toEqual(model.loaded.file.parameters);
  });

  it('writes nothing when the dialog is cancelled', async () => {
    expect(await exports().exportOnnx({ runId: 'run-1' })).toEqual({ saved: false });
    expect(asked).toEqual([{ name: 'Digits-epoch-3.onnx', kind: 'onnx' }]);
  });

  it('exports ONNX bytes (a protobuf naming its producer)', async () => {
    answers.push(join(dir, 'm.onnx'));
    expect(await exports().exportOnnx({ modelId: 'model-1' })).toEqual({
      saved: true,
      fileName: 'm.onnx',
      path: expect.stringMatching(/[\\/]m\.onnx$/),
    });
    const bytes = readFileSync(join(dir, 'm.onnx'));
    expect(bytes.length).toBeGreaterThan(100);
    expect(bytes.toString('latin1')).toContain('Gemm');
  });

  it('refuses to export diverged weights before asking where', async () => {
    model.loaded.net.w[1]![0] = Number.NaN;
    await expect(exports().exportOnnx({ modelId: 'model-1' })).rejects.toThrow(/cannot be exported to ONNX/);
    expect(asked).toEqual([]);
  });

  it('exports the run history as CSV, and refuses a run with no epoch yet', async () => {
    answers.push(join(dir, 'h.csv'));
    expect(await exports().exportHistory({ runId: 'run-1' })).toEqual({
      saved: true,
      fileName: 'h.csv',
      path: expect.stringMatching(/[\\/]h\.csv$/),
    });
    expect(asked).toEqual([{ name: 'My-run-history.csv', kind: 'csv' }]);
    const lines = readFileSync(join(dir, 'h.csv'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]!.split(',')[0]).toBe('1');
    expect(lines[1]!.split(',')[7]).toBe('0.5'); // η of the fixture's settings
    await expect(exports([]).exportHistory({ runId: 'run-1' })).rejects.toThrow('Run "My run" has no finished epoch yet');
  });

  it('saves PNG bytes, and refuses bytes that are not a PNG or too many', async () => {
    answers.push(join(dir, 'chart.png'));
    expect(await exports().savePng({ name: 'loss chart.png', base64: PNG.toString('base64') })).toEqual({
      saved: true,
      fileName: 'chart.png',
      path: join(dir, 'chart.png'),
    });
    expect(asked).toEqual([{ name: 'loss-chart.png', kind: 'png' }]);
    expect(readFileSync(join(dir, 'chart.png'))).toEqual(PNG);
    await expect(exports().savePng({ name: 'x', base64: Buffer.from('GIF89a').toString('base64') })).rejects.toThrow(/not a PNG/);
    const huge = Buffer.alloc(MAX_PNG_BYTES + 1);
    PNG.copy(huge);
    await expect(exports().savePng({ name: 'x', base64: huge.toString('base64') })).rejects.toThrow(/at most/);
    expect(asked).toHaveLength(1);
  });

  it('says which file could not be written, and leaves nothing half-written', async () => {
    const blocked = join(dir, 'file-not-folder');
    mkdirSync(dir, { recursive: true });
    answers.push(join(blocked, 'sub', 'h.csv'));
    await expect(exports().exportHistory({ runId: 'run-1' })).rejects.toThrow(/Could not save h\.csv in .*sub: the folder does not exist/);
    expect(existsSync(blocked)).toBe(false);
  });
});
